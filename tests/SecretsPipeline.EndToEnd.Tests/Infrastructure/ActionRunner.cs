using SecretsPipeline.Testing;
using YamlDotNet.RepresentationModel;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs the repository's <c>action.yml</c> the way the GitHub Actions runner runs a <c>node20</c> action: every declared
/// input becomes <c>INPUT_&lt;NAME&gt;</c> (the given value, else its default), the runner's files exist and are named by
/// <c>GITHUB_ENV</c>, <c>GITHUB_OUTPUT</c> and <c>GITHUB_STEP_SUMMARY</c>, and <c>node</c> runs <c>runs.main</c>. The
/// installed tool is handed over through <c>SECRETS_PIPELINE_TOOL</c> so no build happens inside a test.
/// </summary>
public sealed class ActionRunner(PackedToolFixture tool, string workspace, string home, IReadOnlyDictionary<string, string?> environment)
{
    private readonly string _runnerTemp = Directory.CreateTempSubdirectory("spl-action-runner-").FullName;

    public string EnvFile => Path.Combine(_runnerTemp, "github_env");

    public string OutputFile => Path.Combine(_runnerTemp, "github_output");

    public string SummaryFile => Path.Combine(_runnerTemp, "step_summary");

    public async Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string> inputs)
    {
        var action = ReadAction(Path.Combine(tool.RepoRoot, "action.yml"));
        var runs = (YamlMappingNode)action.Children[new YamlScalarNode("runs")];
        var uses = ((YamlScalarNode)runs.Children[new YamlScalarNode("using")]).Value;
        if (uses != "node20")
        {
            throw new InvalidOperationException($"action.yml runs.using is '{uses}'; this runner emulates node20 actions");
        }

        var main = ((YamlScalarNode)runs.Children[new YamlScalarNode("main")]).Value!;
        var declared = (YamlMappingNode)action.Children[new YamlScalarNode("inputs")];
        var unknown = inputs.Keys.Except(declared.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidOperationException($"inputs not declared in action.yml: {string.Join(", ", unknown)}");
        }

        var env = new Dictionary<string, string?>(environment, StringComparer.Ordinal)
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = workspace,
            ["GITHUB_ENV"] = Touch(EnvFile),
            ["GITHUB_OUTPUT"] = Touch(OutputFile),
            ["GITHUB_STEP_SUMMARY"] = Touch(SummaryFile),
            ["RUNNER_TEMP"] = _runnerTemp,
            ["SECRETS_PIPELINE_TOOL"] = tool.ToolPath,
            ["SECRETS_PIPELINE_HOME"] = home,
        };
        foreach (var (key, node) in declared.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var fallback = node is YamlMappingNode spec && spec.Children.TryGetValue(new YamlScalarNode("default"), out var d) ? ((YamlScalarNode)d).Value ?? "" : "";
            // Expression defaults (${{ github.event... }}) evaluate to empty outside the event that fills them.
            var value = inputs.TryGetValue(name, out var given) ? given : fallback.Contains("${{", StringComparison.Ordinal) ? "" : fallback;
            env[$"INPUT_{name.Replace(' ', '_').ToUpperInvariant()}"] = value;
        }

        var info = ProcessRunner.StartInfo("node", [Path.Combine(tool.RepoRoot, main)], workspace, env, ChildEnvironment.EndToEnd);
        return await ProcessRunner.RunAsync(info, null, TimeSpan.FromSeconds(60));
    }

    /// <summary>Reads a runner file as the runner does: <c>NAME=value</c> lines and <c>NAME&lt;&lt;DELIMITER</c> blocks.</summary>
    public static List<KeyValuePair<string, string>> ParseRunnerFile(string path)
    {
        var result = new List<KeyValuePair<string, string>>();
        var lines = File.ReadAllText(path).Split('\n');
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
                    throw new InvalidOperationException($"{path}: the block of {line[..heredoc]} has no closing delimiter");
                }

                result.Add(new(line[..heredoc], string.Join("\n", lines[start..i])));
            }
            else if (equals > 0)
            {
                result.Add(new(line[..equals], line[(equals + 1)..]));
            }
            else
            {
                throw new InvalidOperationException($"{path}: a line is neither NAME=value nor NAME<<DELIMITER");
            }
        }

        return result;
    }

    private static YamlMappingNode ReadAction(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Touch(string path)
    {
        File.WriteAllText(path, string.Empty);
        return path;
    }
}
