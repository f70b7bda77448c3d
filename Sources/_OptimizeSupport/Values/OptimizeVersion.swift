/// The tool's version: the one place it is written (files record it, `optimize --version` prints it).
public enum OptimizeVersion {
    public static let current = "0.1.0"
}
