import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine an execution ran on: what makes two measurements comparable (a soak's gate compares
/// a workload's throughput only with the history of the same machine and backend).
public struct Machine: Codable, Sendable, Equatable, Hashable {
    public var hostname: String
    /// The processor's model name (`Apple M2 Pro`, `AMD EPYC 7763 64-Core Processor`), or `unknown`.
    public var cpu: String
    /// The cores the tool may use (`activeProcessorCount`).
    public var cores: Int
    /// `arm64`, `x86_64`, … (`uname -m`).
    public var architecture: String
    public var os: String

    public init(hostname: String, cpu: String, cores: Int, architecture: String, os: String) {
        self.hostname = hostname
        self.cpu = cpu
        self.cores = cores
        self.architecture = architecture
        self.os = os
    }

    /// This machine, read once per process.
    public static let current = Machine(
        hostname: ProcessInfo.processInfo.hostName, cpu: cpuModel(), cores: ProcessInfo.processInfo.activeProcessorCount,
        architecture: unameMachine(), os: os())

    private static func os() -> String {
        #if os(macOS)
        "macOS \(ProcessInfo.processInfo.operatingSystemVersionString)"
        #else
        "Linux"
        #endif
    }

    private static func unameMachine() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        return withUnsafePointer(to: names.machine) {
            $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: names.machine)) { String(cString: $0) }
        }
    }

    private static func cpuModel() -> String {
        #if os(macOS)
        var size = 0
        guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return "unknown" }
        var bytes = [CChar](repeating: 0, count: size)
        guard sysctlbyname("machdep.cpu.brand_string", &bytes, &size, nil, 0) == 0 else { return "unknown" }
        return String(cString: bytes)
        #else
        // x86 writes "model name"; many ARM kernels write only "CPU part" (a number), so "unknown" there.
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":")
        else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        #endif
    }
}
