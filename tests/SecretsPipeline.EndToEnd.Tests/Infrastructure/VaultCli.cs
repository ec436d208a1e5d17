using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Like <see cref="Cli"/> (the installed tool, one working directory, its own <c>SECRETS_PIPELINE_HOME</c>, a scrubbed
/// environment), plus the variables a Vault user sets: <c>VAULT_ADDR</c>, <c>VAULT_TOKEN</c>, retry waits. Every run
/// is kept in <see cref="History"/>, shared by the instances made with <see cref="WithHome"/> and <see cref="With"/>,
/// so a test can check everything the tool ever printed.
/// </summary>
public sealed class VaultCli
{
    private readonly string _toolPath;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly ITestOutputHelper? _output;
    private readonly List<CliRun> _history;

    public VaultCli(string toolPath, string workingDirectory, string home, IReadOnlyDictionary<string, string?> environment, ITestOutputHelper? output = null)
        : this(toolPath, workingDirectory, home, environment, output, [])
    {
    }

    private VaultCli(string toolPath, string workingDirectory, string home, IReadOnlyDictionary<string, string?> environment, ITestOutputHelper? output, List<CliRun> history)
    {
        _toolPath = toolPath;
        WorkingDirectory = workingDirectory;
        Home = home;
        _environment = environment;
        _output = output;
        _history = history;
    }

    public string WorkingDirectory { get; }

    public string Home { get; }

    /// <summary>Every run of this instance and of those derived from it.</summary>
    public IReadOnlyList<CliRun> History => _history;

    /// <summary>The same tool, folder and Vault under another home (another user's keys and trust).</summary>
    public VaultCli WithHome(string otherHome) => new(_toolPath, WorkingDirectory, otherHome, _environment, _output, _history);

    /// <summary>The same, with some variables changed (a null value removes one).</summary>
    public VaultCli With(IReadOnlyDictionary<string, string?> overrides)
    {
        var environment = new Dictionary<string, string?>(_environment, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return new VaultCli(_toolPath, WorkingDirectory, Home, environment, _output, _history);
    }

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    public async Task<ProcessResult> RunWithInputAsync(string? standardInput, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(StartInfo(arguments), standardInput, Cli.DefaultTimeout);
        lock (_history)
        {
            _history.Add(new CliRun(arguments, result));
        }

        _output?.WriteLine($"$ secrets-pipeline {string.Join(' ', arguments)}  -> exit {result.ExitCode} in {result.Elapsed.TotalMilliseconds:0} ms");
        return result;
    }

    /// <summary>Runs and asserts exit code 0.</summary>
    public async Task<ProcessResult> OkAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"secrets-pipeline {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var environment = new Dictionary<string, string?>(_environment, StringComparer.Ordinal) { ["SECRETS_PIPELINE_HOME"] = Home };
        return ProcessRunner.StartInfo(_toolPath, arguments, WorkingDirectory, environment);
    }
}
