namespace SecretsPipeline.Core.Errors;

/// <summary>A registered diagnostic code: its number, the exit code it maps to, and a one-line summary for the README.</summary>
public sealed record ErrorCode(string Id, int ExitCode, string Summary)
{
    public override string ToString() => Id;
}
