namespace SecretsPipeline.Reliability.Harness;

/// <summary>One line of the results table: what was attacked, how often, how often it broke, and what was lost when it did.</summary>
public sealed record ResultRow(string Promise, string Attack, long Trials, long Failures, long Lost, string LostWhat, TimeSpan Elapsed);
