namespace SecretsPipeline.Core.Lock;

/// <summary>An in-memory <c>secrets.lock.json</c>. <see cref="LockSerializer"/> turns it into bytes and back.</summary>
public sealed record LockFile(
    string ManifestDigest,
    IReadOnlyDictionary<string, EnvironmentLock> Environments,
    IReadOnlyList<LockSignature> Signatures)
{
    public const int FormatVersion = 1;

    public LockFile WithSignatures(IReadOnlyList<LockSignature> signatures) => this with { Signatures = signatures };
}
