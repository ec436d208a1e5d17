namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// One command × format × path of the no-leak row: the arguments, what it must do (succeed, fail, either), where it may
/// print values, and how to set up and undo its error path (a fault armed, a lock tampered, a manifest broken).
/// </summary>
public sealed record LeakTrial(string Label, string[] Arguments, Expect Expect = Expect.Any, StdoutAllowance Stdout = StdoutAllowance.None)
{
    /// <summary>Standard input, made when the trial runs (a fresh marked value for each <c>rotate --value-stdin</c>).</summary>
    public Func<string?>? InputFactory { get; init; }

    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>The file a successful run must have written a value to (an <c>--out</c> target or a runner file).</summary>
    public string? Delivers { get; init; }

    public Func<Task>? Arrange { get; init; }

    public Func<Task>? Restore { get; init; }

    /// <summary>Values the run itself created (a generated rotation), learned after it ran and before the checks.</summary>
    public Func<Task<IEnumerable<string>>>? Learn { get; init; }
}
