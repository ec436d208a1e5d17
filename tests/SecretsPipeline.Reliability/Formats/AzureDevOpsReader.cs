using System.Text;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;

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
            // The agent's parsing is the end-to-end tests' (VsoCommand, linked); this reader is stricter about the line.
            var parsed = line.StartsWith("##vso[", StringComparison.Ordinal) && !line.Contains('\r', StringComparison.Ordinal) ? VsoCommand.Parse(line) : [];
            if (parsed.Count != 1)
            {
                extras.Add($"a line that is not one logging command ({line.Length} chars)");
                continue;
            }

            var command = parsed[0];
            switch (command.Name)
            {
                case "task.setsecret" when command.Properties.Count == 0:
                    break;
                case "task.setvariable" when command.Property("issecret") == "true" && command.Property("variable") is { } name:
                    (command.Property("isoutput") == "true" ? stepOutputs : variables).Add(new(name, command.Data));
                    break;
                default:
                    extras.Add($"an unexpected logging command {command.Name}");
                    break;
            }
        }

        if (!variables.SequenceEqual(stepOutputs))
        {
            extras.Add("the isoutput variables do not repeat the plain ones exactly");
        }

        return new FormatReading(variables, extras);
    }
}
