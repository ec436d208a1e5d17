using System.Diagnostics;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs the installed tool as a process in one working directory with its own <c>SECRETS_PIPELINE_HOME</c>, nothing
/// inherited that could change its behaviour, and optionally extra variables (a Vault user's <c>VAULT_ADDR</c>,
/// <c>VAULT_TOKEN</c>, retry waits). Every run is kept in <see cref="History"/>, shared by the instances made with
/// <see cref="WithHome"/> and <see cref="With"/>, so a test can check everything the tool ever printed.
/// </summary>
public sealed class Cli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly string _toolPath;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly ITestOutputHelper? _output;
    private readonly List<CliRun> _history;

    public Cli(string toolPath, string workingDirectory, string home, ITestOutputHelper? output = null, IReadOnlyDictionary<string, string?>? environment = null)
        : this(toolPath, workingDirectory, home, environment ?? new Dictionary<string, string?>(), output, [])
    {
    }

    private Cli(string toolPath, string workingDirectory, string home, IReadOnlyDictionary<string, string?> environment, ITestOutputHelper? output, List<CliRun> history)
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
    public IReadOnlyList<CliRun> History
    {
        get
        {
            lock (_history)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>The same tool, folder and variables under another home (another user's keys and trust).</summary>
    public Cli WithHome(string otherHome) => new(_toolPath, WorkingDirectory, otherHome, _environment, _output, _history);

    /// <summary>The same, with some variables changed (a null value removes one).</summary>
    public Cli With(IReadOnlyDictionary<string, string?> overrides)
    {
        var environment = new Dictionary<string, string?>(_environment, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return new Cli(_toolPath, WorkingDirectory, Home, environment, _output, _history);
    }

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    /// <summary>Runs with <paramref name="standardInput"/> piped in (then closed).</summary>
    public async Task<ProcessResult> RunWithInputAsync(string? standardInput, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(StartInfo(arguments), standardInput, DefaultTimeout);
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

    /// <summary><c>store put REF</c> with the value on standard input; asserts exit code 0.</summary>
    public async Task<ProcessResult> PutAsync(string secretRef, string value, params string[] extra)
    {
        var result = await RunWithInputAsync(value + "\n", ["store", "put", secretRef, .. extra]);
        Assert.True(result.ExitCode == 0, $"store put {secretRef} failed: {result}");
        return result;
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var environment = new Dictionary<string, string?>(_environment, StringComparer.Ordinal) { ["SECRETS_PIPELINE_HOME"] = Home };
        return ProcessRunner.StartInfo(_toolPath, arguments, WorkingDirectory, environment, ChildEnvironment.EndToEnd);
    }
}
