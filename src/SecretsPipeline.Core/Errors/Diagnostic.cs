namespace SecretsPipeline.Core.Errors;

/// <summary>Formats diagnostics in MSBuild's canonical error format.</summary>
public static class Diagnostic
{
    public static string Format(SourceLocation? location, string severity, string code, string message)
    {
        var origin = location switch
        {
            null => "secrets-pipeline",
            { Line: > 0, Column: > 0 } => $"{location.Path}({location.Line},{location.Column})",
            { Line: > 0 } => $"{location.Path}({location.Line})",
            _ => location.Path,
        };
        return $"{origin}: {severity} {code}: {message}";
    }
}
