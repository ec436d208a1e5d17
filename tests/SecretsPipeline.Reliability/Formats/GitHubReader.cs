using System.Text;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;

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

        var env = ReadRunnerFile(Path.Combine(scratchFolder, EnvFile));
        var outputs = ReadRunnerFile(Path.Combine(scratchFolder, OutputFile));
        if (!env.SequenceEqual(outputs))
        {
            extras.Add("GITHUB_OUTPUT does not hold exactly what GITHUB_ENV holds");
        }

        return new FormatReading(env, extras);
    }

    // The runner's file rules are the Action tests' (ActionRunner, linked from the end-to-end project); a file that
    // does not parse throws, which the injection attack counts as output that does not read back.
    private static List<KeyValuePair<string, string>> ReadRunnerFile(string path) =>
        File.Exists(path) ? ActionRunner.ParseRunnerFile(path) : [];
}
