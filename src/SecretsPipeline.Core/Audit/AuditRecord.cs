namespace SecretsPipeline.Core.Audit;

/// <summary>
/// One audit entry: who (identity, CI run), what (command, environment, commit, lock digest, secret names and versions,
/// lease ids), the outcome, and its place in the hash chain. Never a value.
/// </summary>
public sealed record AuditRecord(
    long Sequence,
    DateTimeOffset Time,
    string Actor,
    string? CiRun,
    string Command,
    string? Environment,
    string? Commit,
    string? LockDigest,
    IReadOnlyDictionary<string, string> Secrets,
    IReadOnlyList<string> Leases,
    string Outcome,
    string PreviousHash,
    string Hash);
