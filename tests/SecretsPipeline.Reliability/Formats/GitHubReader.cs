using System.Text;

namespace SecretsPipeline.Reliability.Formats;

/// <summary>
/// The GitHub Actions runner's rules: standard output is read line by line for workflow commands (only
/// <c>::add-mask::</c> may appear), and <c>GITHUB_ENV</c>/<c>GITHUB_OUTPUT</c> (in the scratch folder) are read as
/// <c>NAME=value</c> lines and <c>NAME&lt;&lt;DELIMITER</c> blocks. The step outputs must repeat the environment exactly.
/// </summary>
public sealed class GitHubReader : IFormatReader
{
    public const string EnvFile = "github_env";
    public const string OutputFile = "github_output";

    public FormatReading Read(byte[] output, string scratchFolder)
    {
        var extras = new List<string>();
        foreach (var line in Encoding.UTF8.GetString(output).Split('\n').Where(l => l.Length > 0))
        {
            if (!line.StartsWith("::add-mask::", StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
            {
                extras.Add($"a standard-output line that is not one mask command ({line.Length} chars)");
            }
        }

        var env = ReadRunnerFile(Path.Combine(scratchFolder, EnvFile), extras);
        var outputs = ReadRunnerFile(Path.Combine(scratchFolder, OutputFile), extras);
        if (!env.SequenceEqual(outputs))
        {
            extras.Add("GITHUB_OUTPUT does not hold exactly what GITHUB_ENV holds");
        }

        return new FormatReading(env, extras);
    }

    private static List<KeyValuePair<string, string>> ReadRunnerFile(string path, List<string> extras)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (!File.Exists(path))
        {
            return result;
        }

        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var delimiter = line[(heredoc + 2)..];
                var start = ++i;
                while (i < lines.Length && lines[i] != delimiter)
                {
                    i++;
                }

                if (i >= lines.Length)
                {
                    extras.Add($"{Path.GetFileName(path)}: a block with no closing delimiter");
                    break;
                }

                result.Add(new(line[..heredoc], string.Join("\n", lines[start..i])));
            }
            else if (equals > 0)
            {
                result.Add(new(line[..equals], line[(equals + 1)..]));
            }
            else
            {
                extras.Add($"{Path.GetFileName(path)}: a line that is neither NAME=value nor NAME<<DELIMITER");
            }
        }

        return result;
    }
}
