namespace SecretsPipeline.Stores.Local;

/// <summary>
/// A lease as the embedded store's lease table holds it (never the credentials). <see cref="Active"/> is evaluated when
/// the list is read: not revoked and not yet expired.
/// </summary>
public sealed record LocalLeaseInfo(
    string LeaseId,
    string Role,
    DateTimeOffset Issued,
    DateTimeOffset Expires,
    DateTimeOffset MaxExpires,
    DateTimeOffset? RevokedAt,
    bool Active);
