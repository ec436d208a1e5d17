using System.Text;

namespace SecretsPipeline.Reliability.Formats;

/// <summary>
/// The Azure Pipelines agent's rules: every standard-output line starting with <c>##vso[</c> is one logging command,
/// <c>area.event</c> then <c>;</c>-separated properties up to the first <c>]</c>, then the message; escapes are undone
/// (<c>%0D</c>, <c>%0A</c>, <c>%5D</c>, <c>%3B</c>, then <c>%AZP25</c>). Only <c>task.setsecret</c> and
/// <c>task.setvariable … issecret=true</c> may appear; the <c>isoutput=true</c> variables must repeat the plain ones.
/// </summary>
public sealed class AzureDevOpsReader : IFormatReader
{
    public FormatReading Read(byte[] output, string scratchFolder)
    {
        var variables = new List<KeyValuePair<string, string>>();
        var stepOutputs = new List<KeyValuePair<string, string>>();
        var extras = new List<string>();
        foreach (var line in Encoding.UTF8.GetString(output).Split('\n').Where(l => l.Length > 0))
        {
            var end = line.IndexOf(']', StringComparison.Ordinal);
            if (!line.StartsWith("##vso[", StringComparison.Ordinal) || end < 0 || line.Contains('\r', StringComparison.Ordinal))
            {
                extras.Add($"a line that is not one logging command ({line.Length} chars)");
                continue;
            }

            var head = line["##vso[".Length..end];
            var space = head.IndexOf(' ', StringComparison.Ordinal);
            var command = space < 0 ? head : head[..space];
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in (space < 0 ? string.Empty : head[(space + 1)..]).Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || !properties.TryAdd(pair[..equals], Unescape(pair[(equals + 1)..])))
                {
                    extras.Add($"a malformed or repeated property in a {command} command");
                }
            }

            var message = Unescape(line[(end + 1)..]);
            switch (command)
            {
                case "task.setsecret" when properties.Count == 0:
                    break;
                case "task.setvariable" when properties.GetValueOrDefault("issecret") == "true" && properties.TryGetValue("variable", out var name):
                    (properties.GetValueOrDefault("isoutput") == "true" ? stepOutputs : variables).Add(new(name, message));
                    break;
                default:
                    extras.Add($"an unexpected logging command {command}");
                    break;
            }
        }

        if (!variables.SequenceEqual(stepOutputs))
        {
            extras.Add("the isoutput variables do not repeat the plain ones exactly");
        }

        return new FormatReading(variables, extras);
    }

    private static string Unescape(string text) => text
        .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
        .Replace("%5D", "]", StringComparison.Ordinal).Replace("%3B", ";", StringComparison.Ordinal)
        .Replace("%AZP25", "%", StringComparison.Ordinal);
}
