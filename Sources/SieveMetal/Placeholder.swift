public enum ShaderSourcePlaceholder {}
