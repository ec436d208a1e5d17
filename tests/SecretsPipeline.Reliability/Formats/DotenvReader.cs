using System.Text;
using System.Text.RegularExpressions;

namespace SecretsPipeline.Reliability.Formats;

/// <summary>
/// The dotenv rules docker compose and python-dotenv apply to double-quoted values: one <c>NAME="..."</c> per line,
/// with <c>\\</c>, <c>\"</c>, <c>\$</c>, <c>\n</c>, <c>\r</c>, <c>\t</c> unescaped and an unescaped <c>$</c> expanding.
/// Any other line is an extra.
/// </summary>
public sealed partial class DotenvReader : IFormatReader
{
    public FormatReading Read(byte[] output, string scratchFolder)
    {
        var variables = new List<KeyValuePair<string, string>>();
        var extras = new List<string>();
        var text = Encoding.UTF8.GetString(output);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            extras.Add("the output does not end with a newline");
        }

        foreach (var line in text.Split('\n').SkipLast(1))
        {
            var match = Assignment().Match(line);
            if (!match.Success)
            {
                extras.Add($"a line that is no single assignment ({line.Length} chars)");
                continue;
            }

            var value = new StringBuilder();
            var quoted = match.Groups["value"].Value;
            for (var i = 0; i < quoted.Length; i++)
            {
                if (quoted[i] == '$')
                {
                    extras.Add("an unescaped $ that a loader would expand");
                }

                if (quoted[i] != '\\')
                {
                    value.Append(quoted[i]);
                    continue;
                }

                i++;
                value.Append(quoted[i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var c => c });
            }

            variables.Add(new(match.Groups["name"].Value, value.ToString()));
        }

        return new FormatReading(variables, extras);
    }

    [GeneratedRegex("""^(?<name>[A-Za-z_][A-Za-z0-9_]*)="(?<value>(?:[^"\\\r\n]|\\[\\"$nrt])*)"$""")]
    private static partial Regex Assignment();
}
