namespace SecretsPipeline.Reliability.Support;

/// <summary>A path through the tool: the happy one, or an error arranged before the run (a Vault fault, a tampered lock, a broken manifest) and undone after it.</summary>
public sealed record LeakPath(string Name, Expect Expect)
{
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    public Func<Task>? Arrange { get; init; }

    public Func<Task>? Restore { get; init; }

    /// <summary>Added to every command on this path (e.g. <c>--verbose</c>, so exception messages and stack traces are grepped too).</summary>
    public string[] ExtraArguments { get; init; } = [];
}
