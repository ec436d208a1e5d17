namespace SecretsPipeline.Core.Lock;

/// <summary>
/// One secret's pin in one environment. A static pin holds the ref, version, creation time and an optional keyed
/// fingerprint; a dynamic pin holds the role path, the lease terms and the credential fields.
/// </summary>
public sealed record SecretPin(
    string? Ref,
    string? Version,
    DateTimeOffset? Created,
    string? Fingerprint,
    string? Dynamic = null,
    string? Ttl = null,
    string? MaxTtl = null,
    IReadOnlyList<string>? Fields = null)
{
    public bool IsDynamic => Dynamic is not null;

    /// <summary>Value equality, including the field list (a record compares lists by reference).</summary>
    public bool Equals(SecretPin? other) =>
        other is not null
        && Ref == other.Ref && Version == other.Version && Created == other.Created && Fingerprint == other.Fingerprint
        && Dynamic == other.Dynamic && Ttl == other.Ttl && MaxTtl == other.MaxTtl
        && (Fields ?? []).SequenceEqual(other.Fields ?? []);

    public override int GetHashCode() => HashCode.Combine(Ref, Version, Created, Fingerprint, Dynamic, Ttl, MaxTtl);

    public static SecretPin Static(string secretRef, string version, DateTimeOffset created, string? fingerprint) =>
        new(secretRef, version, created, fingerprint);
}
