import Foundation
import PackagePlugin

/// Embeds `Shaders/*.metal`, with their quoted `#include`s spliced in, as Swift string literals.
///
/// Metal compiles kernels at run time from source text (`makeLibrary(source:options:)`), which
/// cannot resolve quoted includes; splicing here keeps `Shaders/` the single source of truth and
/// needs no Metal toolchain, on macOS or Linux. Re-runs whenever a file in `Shaders/` changes.
@main
struct EmbedShaders: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let shaders = context.package.directoryURL.appending(path: "Shaders")
        let inputs = try FileManager.default
            .contentsOfDirectory(at: shaders, includingPropertiesForKeys: nil)
            .filter { ["metal", "h"].contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedShaders.swift")
        return [
            .buildCommand(
                displayName: "Embedding Metal shaders for \(target.name)",
                executable: try context.tool(named: "_EmbedShadersTool").url,
                arguments: [shaders.path, output.path],
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
