import Sieve

/// The Metal shader source, as the Metal backend compiles it at run time.
///
/// The `EmbedShaders` build plugin embeds every `Shaders/*.metal` file with its quoted includes
/// spliced in, because `makeLibrary(source:options:)` cannot resolve quoted includes. The same
/// files are what `_SieveKernelsCPU` compiles for the CPU, so both backends run one source.
///
/// ```swift
/// let source = ShaderSource.librarySource          // hand to device.makeLibrary(source:options:)
/// ShaderSource.kernelNames.contains("prng_generate")  // true
/// ```
public enum ShaderSource {
    /// Each `.metal` file of `Shaders/`, by file name, quoted includes spliced in.
    public static var files: [String: String] { EmbeddedShaders.sources }

    /// One compilation unit holding every kernel: the files in name order. Spliced headers keep
    /// their include guards, so a header that two files share compiles once.
    public static var librarySource: String {
        files.sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n")
    }

    /// The names of the `kernel` functions in the embedded source: the names Metal looks up.
    public static var kernelNames: Set<String> { kernelNames(in: librarySource) }

    /// The names of the `kernel` functions declared in `text` (`kernel void name(`).
    public static func kernelNames(in text: String) -> Set<String> {
        let declaration = /kernel\s+void\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/
        return Set(text.matches(of: declaration).map { String($0.1) })
    }

    /// Every kernel the host will ask for that the embedded source lacks (empty when all are there).
    public static var missingKernels: [String] {
        let available = kernelNames
        return KernelName.allCases.map(\.rawValue).filter { !available.contains($0) }
    }
}
