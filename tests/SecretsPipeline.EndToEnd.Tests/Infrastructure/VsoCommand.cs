namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One logging command as the agent parses a line: from the first <c>##vso[</c> on the line, the command name and
/// <c>;</c>-separated properties up to the first <c>]</c>, then the message; escapes undone as the agent does.
/// </summary>
public sealed record VsoCommand(string Name, IReadOnlyDictionary<string, string> Properties, string Data, string Line)
{
    private const string Prefix = "##vso[";

    public static IReadOnlyList<VsoCommand> Parse(string stdout)
    {
        var commands = new List<VsoCommand>();
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var start = line.IndexOf(Prefix, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            var rest = line[(start + Prefix.Length)..];
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var head = rest[..end];
            var space = head.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? head : head[..space];
            var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (space >= 0)
            {
                foreach (var pair in head[(space + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0)
                    {
                        properties[pair[..equals].Trim()] = Unescape(pair[(equals + 1)..]);
                    }
                }
            }

            commands.Add(new VsoCommand(name, properties, Unescape(rest[(end + 1)..]), line));
        }

        return commands;
    }

    public string? Property(string name) => Properties.TryGetValue(name, out var value) ? value : null;

    // The agent's reverse mapping; %AZP25 last, so an escaped '%' never forms another escape.
    private static string Unescape(string text) => text
        .Replace("%3B", ";", StringComparison.Ordinal)
        .Replace("%0D", "\r", StringComparison.Ordinal)
        .Replace("%0A", "\n", StringComparison.Ordinal)
        .Replace("%5D", "]", StringComparison.Ordinal)
        .Replace("%AZP25", "%", StringComparison.Ordinal);
}
