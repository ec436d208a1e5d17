namespace SecretsPipeline.Core.Errors;

/// <summary>Formats diagnostics in MSBuild's canonical error format.</summary>
public static class Diagnostic
{
    /// <summary>
    /// One line, always: a name, key or path from the input that holds a line break or another control character is
    /// shown with '?' in its place, so no input can split a diagnostic or forge a second one.
    /// </summary>
    public static string Format(SourceLocation? location, string severity, string code, string message)
    {
        var origin = location switch
        {
            null => "secrets-pipeline",
            { Line: > 0, Column: > 0 } => $"{location.Path}({location.Line},{location.Column})",
            { Line: > 0 } => $"{location.Path}({location.Line})",
            _ => location.Path,
        };
        return OneLine($"{origin}: {severity} {code}: {message}");
    }

    /// <summary>The text with every control character and Unicode line or paragraph separator replaced by '?'.</summary>
    public static string OneLine(string text)
    {
        var index = 0;
        while (index < text.Length && !IsBreaking(text[index]))
        {
            index++;
        }

        if (index == text.Length)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (; index < chars.Length; index++)
        {
            if (IsBreaking(chars[index]))
            {
                chars[index] = '?';
            }
        }

        return new string(chars);
    }

    private static bool IsBreaking(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
