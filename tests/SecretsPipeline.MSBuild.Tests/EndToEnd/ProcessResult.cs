namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>What a finished child process left: its exit code, everything it printed, and how long it took.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public string Output => StdOut + StdErr;

    public override string ToString() => $"$ {CommandLine}\nexit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
