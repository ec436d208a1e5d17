namespace SecretsPipeline.Testing;

/// <summary>What a finished child process left: its exit code, everything it printed, and how long it took.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    /// <summary>Standard output followed by standard error.</summary>
    public string Output => StdOut + StdErr;

    /// <summary>The non-empty lines of standard error.</summary>
    public IReadOnlyList<string> ErrorLines =>
        StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"$ {CommandLine}\nexit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
