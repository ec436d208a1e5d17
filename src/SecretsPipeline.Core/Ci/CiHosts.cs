namespace SecretsPipeline.Core.Ci;

/// <summary>The CI hosts by their <c>--format</c> name.</summary>
public static class CiHosts
{
    public static IReadOnlyList<string> Names { get; } = [GitHubActionsHost.FormatName, AzurePipelinesHost.FormatName];

    public static bool IsHost(string format) => Names.Contains(format);

    public static ICiHost Create(string format, ICiSink sink, Func<string, string?> environment) => format switch
    {
        GitHubActionsHost.FormatName => new GitHubActionsHost(sink, environment),
        AzurePipelinesHost.FormatName => new AzurePipelinesHost(sink, environment),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a CI host format"),
    };
}
