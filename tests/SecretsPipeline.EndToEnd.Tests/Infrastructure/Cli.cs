using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs the installed tool as a process in one working directory with its own <c>SECRETS_PIPELINE_HOME</c> and
/// nothing inherited that could change its behaviour. Every run is kept in <see cref="History"/>.
/// </summary>
public sealed class Cli(string toolPath, string workingDirectory, string home, ITestOutputHelper? output = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly List<CliRun> _history = [];

    public string WorkingDirectory => workingDirectory;

    public string Home => home;

    public IReadOnlyList<CliRun> History => _history;

    /// <summary>The same tool and folder under another home (another user's keys and trust).</summary>
    public Cli WithHome(string otherHome) => new(toolPath, workingDirectory, otherHome, output);

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    /// <summary>Runs with <paramref name="standardInput"/> piped in (then closed).</summary>
    public async Task<ProcessResult> RunWithInputAsync(string? standardInput, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(StartInfo(arguments), standardInput, DefaultTimeout);
        _history.Add(new CliRun(arguments, result));
        output?.WriteLine($"$ secrets-pipeline {string.Join(' ', arguments)}  -> exit {result.ExitCode} in {result.Elapsed.TotalMilliseconds:0} ms");
        return result;
    }

    /// <summary>Runs and asserts exit code 0.</summary>
    public async Task<ProcessResult> OkAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"secrets-pipeline {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    /// <summary><c>store put REF</c> with the value on standard input; asserts exit code 0.</summary>
    public async Task<ProcessResult> PutAsync(string secretRef, string value, params string[] extra)
    {
        var result = await RunWithInputAsync(value + "\n", ["store", "put", secretRef, .. extra]);
        Assert.True(result.ExitCode == 0, $"store put {secretRef} failed: {result}");
        return result;
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments) =>
        ProcessRunner.StartInfo(toolPath, arguments, workingDirectory, new Dictionary<string, string?> { ["SECRETS_PIPELINE_HOME"] = home });
}
