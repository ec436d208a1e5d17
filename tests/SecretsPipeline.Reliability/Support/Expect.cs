namespace SecretsPipeline.Reliability.Support;

/// <summary>What a <see cref="LeakTrial"/> must exit with; a path meant to fail that succeeds would attack nothing.</summary>
public enum Expect
{
    Any,
    Success,
    Failure,
}
