/// The tool's version: the one place it is written (files record it, `optimize --version` prints it).
public enum OptimizeVersion {
    public static let current = "0.1.0"

    /// The git commit the tool was built from, when the build knows it; nil otherwise.
    ///
    /// SwiftPM has no step that stamps a commit into a build: a build plugin would have to run
    /// `git` in its sandbox, and a source archive has no `.git`. And a running tool never asks
    /// `git` (the directory it runs in is not its source). So files record `null` until a build
    /// sets it.
    public static let gitCommit: String? = nil
}
