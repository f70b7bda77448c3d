import Foundation

/// `OPTIMIZE_UNTRUSTED_GPU=1`: this machine's GPU compiles shaders but its compute results cannot
/// be trusted, so nothing should rely on them unless asked to.
///
/// GitHub's hosted Apple Silicon runners (macos-14, macos-15) are virtual machines whose Metal
/// device is paravirtual: the Metal compiler and pipelines work, but what its kernels compute is
/// not the hardware's and has been wrong. Their workflow (`.github/workflows/macos.yml`) sets the
/// variable; then `--backend auto` takes the CPU (`--backend metal` still runs Metal, as asked),
/// and the tests that compare GPU results with the CPU's skip, giving ``reason``.
public enum UntrustedGPU {
    public static let variable = "OPTIMIZE_UNTRUSTED_GPU"

    /// Why GPU compute is skipped, for a skipped test and `--backend auto`'s line.
    public static let reason = "OPTIMIZE_UNTRUSTED_GPU=1: this machine's GPU (a CI runner's paravirtual device) compiles shaders, but its compute results cannot be trusted"

    /// Whether the variable is `1` in this process's environment.
    public static var isFlagged: Bool { ProcessInfo.processInfo.environment[variable] == "1" }
}
