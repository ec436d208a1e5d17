using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Output;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// The command × format × path combinations of the no-leak row, built for one environment of one repository. A path is
/// a name, whether it must fail, and how to arrange and undo it; every combination gets its own out file, runner files
/// and summary file, so a value found on disk names the run that wrote it.
/// </summary>
public sealed class LeakMatrix(string environment, string scratch)
{
    private int _next;

    public string OutFolder { get; } = Directory.CreateDirectory(Path.Combine(scratch, "out")).FullName;

    public string RunnerFolder { get; } = Directory.CreateDirectory(Path.Combine(scratch, "runner")).FullName;

    /// <summary>Scanned: summaries must hold names and versions only.</summary>
    public string SummaryFolder { get; } = Directory.CreateDirectory(Path.Combine(scratch, "summaries")).FullName;

    public string AgentTemp { get; } = Directory.CreateDirectory(Path.Combine(scratch, "agent")).FullName;

    /// <summary><c>resolve</c> through every format and its modes (standard output, <c>--out</c>, <c>--out --json</c>, <c>--summary</c>; for the CI hosts step outputs and <c>--no-export-env</c>) on one path.</summary>
    public IEnumerable<LeakTrial> Resolve(LeakPath path, bool allModes = true)
    {
        foreach (var format in OutputFormats.Names)
        {
            foreach (var trial in ResolveModes(format, path, allModes))
            {
                yield return trial;
            }
        }
    }

    /// <summary>A command in its text and its <c>--json</c> form on one path.</summary>
    public IEnumerable<LeakTrial> Command(LeakPath path, string[] arguments, Func<string?>? input = null, Expect? expect = null, Func<Task<IEnumerable<string>>>? learn = null)
    {
        foreach (var json in new[] { false, true })
        {
            string[] args = json ? [.. arguments, "--json"] : arguments;
            yield return Trial(path, $"{string.Join(' ', args)} [{path.Name}]", args, expect ?? path.Expect, StdoutAllowance.None) with { Learn = learn, InputFactory = input };
        }
    }

    private IEnumerable<LeakTrial> ResolveModes(string format, LeakPath path, bool allModes)
    {
        string[] resolve = ["resolve", "--env", environment, "--format", format];
        var n = Interlocked.Increment(ref _next);
        var summary = Path.Combine(SummaryFolder, $"summary-{n}.md");
        if (CiHosts.IsHost(format))
        {
            var stdout = format == "github" ? StdoutAllowance.GitHubMasks : StdoutAllowance.AzureSecretCommands;
            var runner = Directory.CreateDirectory(Path.Combine(RunnerFolder, n.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            var variables = new Dictionary<string, string?>(path.Environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
            {
                ["GITHUB_ENV"] = Path.Combine(runner, "github_env"),
                ["GITHUB_OUTPUT"] = Path.Combine(runner, "github_output"),
                ["AGENT_TEMPDIRECTORY"] = AgentTemp,
            };
            var delivers = format == "github" ? variables["GITHUB_ENV"] : null;
            yield return Trial(path, $"resolve --format {format} [{path.Name}]", resolve, path.Expect, stdout) with { Environment = variables, Delivers = delivers };
            if (!allModes)
            {
                yield break;
            }

            yield return Trial(path, $"resolve --format {format} --step-output [{path.Name}]", [.. resolve, "--step-output", "API_KEY"], path.Expect, stdout) with { Environment = variables, Delivers = delivers };
            yield return Trial(path, $"resolve --format {format} --no-export-env --step-output [{path.Name}]", [.. resolve, "--no-export-env", "--step-output", "API_KEY"], path.Expect, stdout) with { Environment = variables };
            yield return Trial(path, $"resolve --format {format} --summary [{path.Name}]", [.. resolve, "--summary", summary], path.Expect, stdout) with { Environment = variables, Delivers = delivers };
            yield break;
        }

        var outFile = Path.Combine(OutFolder, $"out-{n}.{format}");
        yield return Trial(path, $"resolve --format {format} [{path.Name}]", resolve, path.Expect, StdoutAllowance.Values);
        if (!allModes)
        {
            yield break;
        }

        yield return Trial(path, $"resolve --format {format} --out [{path.Name}]", [.. resolve, "--out", outFile], path.Expect, StdoutAllowance.None) with { Delivers = outFile };
        yield return Trial(path, $"resolve --format {format} --out --json [{path.Name}]", [.. resolve, "--out", outFile, "--json"], path.Expect, StdoutAllowance.None) with { Delivers = outFile };
        yield return Trial(path, $"resolve --format {format} --summary [{path.Name}]", [.. resolve, "--summary", summary], path.Expect, StdoutAllowance.Values);
        if (path.Arrange is null)
        {
            // A usage error: --json describes a resolve written with --out.
            yield return Trial(path, $"resolve --format {format} --json (usage error) [{path.Name}]", [.. resolve, "--json"], Expect.Failure, StdoutAllowance.None);
        }
    }

    private static LeakTrial Trial(LeakPath path, string label, string[] arguments, Expect expect, StdoutAllowance stdout) =>
        new(label, [.. arguments, .. path.ExtraArguments], expect, stdout) { Environment = path.Environment, Arrange = path.Arrange, Restore = path.Restore };
}
