using SecretsPipeline.Testing;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>One invocation of the tool: its arguments and what it printed.</summary>
public sealed record CliRun(IReadOnlyList<string> Arguments, ProcessResult Result)
{
    public string CommandLine => "secrets-pipeline " + string.Join(' ', Arguments);
}
