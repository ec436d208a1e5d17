using System.Security.Cryptography;
using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Ci;

/// <summary>
/// GitHub Actions: <c>::add-mask::</c> for every value first, then one append of <c>NAME&lt;&lt;DELIMITER</c> blocks to
/// the file in <c>GITHUB_ENV</c> (and <c>GITHUB_OUTPUT</c> for step outputs). Each block's delimiter is random and
/// checked against its value, so a value can never end its block early and set another variable.
/// </summary>
public sealed class GitHubActionsHost(ICiSink sink, Func<string, string?> environment, Func<string>? delimiters = null) : ICiHost
{
    public const string FormatName = "github";

    private const string HostName = "GitHub Actions";
    private static readonly string[] _reserved = ["GITHUB_", "RUNNER_"];
    private readonly Func<string> _delimiters = delimiters ?? NewDelimiter;

    public string Name => FormatName;

    public PreparedExport Prepare(IReadOnlyList<ResolvedOutput> outputs, ExportRequest request)
    {
        CiNames.CheckStepOutputs(outputs, request.StepOutputs);
        var envFile = request.ExportEnvironment ? RunnerFile("GITHUB_ENV", "export the values as environment variables") : null;
        var outputFile = request.StepOutputs.Count > 0 ? RunnerFile("GITHUB_OUTPUT", "set step outputs") : null;

        var masks = new List<string>();
        var env = new StringBuilder();
        var stepOutputs = new StringBuilder();
        foreach (var output in outputs)
        {
            CiNames.CheckName(HostName, output.Name, _reserved);
            var value = OutputFormats.RequireNoNul(output);
            masks.AddRange(MaskLines.For(value).Select(line => "::add-mask::" + CommandEscaping.GitHubData(line)));
            if (envFile is not null)
            {
                AppendBlock(env, output.Name, value);
            }

            if (request.StepOutputs.Contains(output.Name))
            {
                AppendBlock(stepOutputs, output.Name, value);
            }
        }

        return new PreparedExport(() =>
        {
            foreach (var mask in masks)
            {
                sink.WriteLine(mask);
            }

            AppendAll([(envFile, env.ToString()), (outputFile, stepOutputs.ToString())]);
        });
    }

    public void PublishSummary(string markdown, string? path)
    {
        var target = path ?? environment("GITHUB_STEP_SUMMARY");
        if (!string.IsNullOrEmpty(target))
        {
            sink.Append(target, markdown.EndsWith('\n') ? markdown : markdown + "\n");
        }
    }

    private void AppendBlock(StringBuilder builder, string name, string value)
    {
        var delimiter = DelimiterFor(name, value);
        // The runner splits its files on the platform's line ending (as @actions/core writes them), so use the same.
        var eol = Environment.NewLine;
        builder.Append(name).Append("<<").Append(delimiter).Append(eol)
            .Append(value).Append(eol)
            .Append(delimiter).Append(eol);
    }

    private string DelimiterFor(string name, string value)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var delimiter = _delimiters();
            if (!value.Contains(delimiter, StringComparison.Ordinal) && !name.Contains(delimiter, StringComparison.Ordinal))
            {
                return delimiter;
            }
        }

        throw new SecretsPipelineException(Codes.CiDelimiter, $"the value of '{name}' contains every heredoc delimiter tried for it, so it cannot be written to the runner's files safely; nothing was exported.");
    }

    // All appends succeed or none stays: a failure cuts the files already appended back to their old length.
    private void AppendAll(IReadOnlyList<(string? Path, string Text)> appends)
    {
        var done = new List<(string Path, long Length)>();
        try
        {
            foreach (var (path, text) in appends)
            {
                if (path is null || text.Length == 0)
                {
                    continue;
                }

                var length = sink.Length(path);
                done.Add((path, length));
                sink.Append(path, text);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var (path, length) in done)
            {
                try
                {
                    sink.Truncate(path, length);
                }
                catch (Exception undo) when (undo is IOException or UnauthorizedAccessException)
                {
                    // The original failure is the one to report; the runner discards these files with the job.
                }
            }

            throw new SecretsPipelineException(Codes.OutputWrite, $"could not append to the runner's files ({ex.Message}); nothing was exported.", inner: ex);
        }
    }

    private string RunnerFile(string variable, string purpose) =>
        environment(variable) is { Length: > 0 } path
            ? path
            : throw new SecretsPipelineException(Codes.CiNotInHost, $"{variable} is not set, so --format github cannot {purpose}; run inside a GitHub Actions step, or use --format dotenv|json|shell elsewhere.");

    private static string NewDelimiter() => "ghadelimiter_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
