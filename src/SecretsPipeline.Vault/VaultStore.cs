using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Kv;
using SecretsPipeline.Vault.Transit;

namespace SecretsPipeline.Vault;

/// <summary>
/// HashiCorp Vault as a store. A version is a KV v2 version of <c>mount/path</c>; a ref's key is one field of it.
/// Reads are coalesced (one request per distinct path and version, however many secrets share it). A revoked version
/// is marked in the key's custom metadata and soft-deleted, so the mark lives in Vault, out of reach of <c>git revert</c>.
/// </summary>
public sealed partial class VaultStore : ISecretStore, IVersionRetention
{
    public const string RevokedPrefix = "secrets-pipeline-revoked-v";

    private readonly VaultHttpClient _client;
    private readonly string? _hmacKey;
    private readonly ConcurrentDictionary<(string Mount, string Path, long Version), Lazy<Task<KvReadResult>>> _reads = new();
    private readonly VaultLeases _leases;
    private readonly MountDetector? _mounts;

    private readonly string _ledgerMount;
    private readonly string _ledgerPath;

    public VaultStore(VaultHttpClient client, string? hmacKey, bool detectMounts = false, string ledgerMount = "secret", string ledgerPath = "secrets-pipeline")
    {
        _client = client;
        _ledgerMount = ledgerMount.Trim('/');
        _ledgerPath = ledgerPath.Trim('/');
        _hmacKey = hmacKey;
        _mounts = detectMounts ? new MountDetector(client) : null;
        _leases = new VaultLeases(client);
        var identity = new Dictionary<string, string> { ["type"] = "vault", ["address"] = client.Options.Address.ToString().TrimEnd('/') };
        if (client.Options.Namespace is { } ns)
        {
            identity["namespace"] = ns;
        }

        Identity = identity;
    }

    public IReadOnlyDictionary<string, string> Identity { get; }

    public async Task<SecretVersionInfo?> GetCurrentAsync(SecretRef secretRef, CancellationToken cancellationToken)
    {
        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        var latest = await kv.ReadAsync(path, null, cancellationToken).ConfigureAwait(false);
        if (latest.Outcome == KvReadOutcome.Missing)
        {
            return null;
        }

        if (latest.Outcome == KvReadOutcome.Found && !IsRevoked(latest.CustomMetadata, latest.Version!.Version))
        {
            _reads.TryAdd((kv.Mount, path, latest.Version.Version), new Lazy<Task<KvReadResult>>(Task.FromResult(latest)));
            return Info(latest.Version, latest.CustomMetadata);
        }

        // The newest version is deleted, destroyed or revoked: the newest good one is only visible in the metadata.
        var versions = await ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false);
        return versions.LastOrDefault(v => v.IsReadable);
    }

    public async Task<SecretValue> ReadAsync(SecretRef secretRef, string version, CancellationToken cancellationToken)
    {
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw new VersionUnavailableException(VersionState.Missing, version, $"'{version}' is not a KV v2 version number");
        }

        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        var lazy = _reads.GetOrAdd((kv.Mount, path, number), key => new Lazy<Task<KvReadResult>>(() => kv.ReadAsync(key.Path, key.Version, cancellationToken)));
        KvReadResult result;
        try
        {
            result = await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _reads.TryRemove(new KeyValuePair<(string, string, long), Lazy<Task<KvReadResult>>>((kv.Mount, path, number), lazy));
            throw;
        }

        if (IsRevoked(result.CustomMetadata, number))
        {
            throw new VersionUnavailableException(VersionState.Revoked, version, $"{secretRef.FullPath} version {version} is marked revoked");
        }

        var state = result.Outcome switch
        {
            KvReadOutcome.Found => VersionState.Active,
            KvReadOutcome.Deleted => VersionState.Deleted,
            KvReadOutcome.Destroyed => VersionState.Destroyed,
            _ => VersionState.Missing,
        };
        if (state != VersionState.Active)
        {
            throw new VersionUnavailableException(state, version, $"{secretRef.FullPath} version {version} is {state.ToString().ToLowerInvariant()}");
        }

        if (!result.Data!.TryGetValue(secretRef.Key, out var value) || value is null)
        {
            throw new VersionUnavailableException(VersionState.Missing, version, $"{secretRef.FullPath} version {version} has no key '{secretRef.Key}'");
        }

        return new SecretValue(value, Info(result.Version!, result.CustomMetadata));
    }

    public async Task<SecretVersionInfo> WriteAsync(SecretRef secretRef, string value, string? expectedCurrent, CancellationToken cancellationToken)
    {
        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        var latest = await kv.ReadAsync(path, null, cancellationToken).ConfigureAwait(false);
        var current = latest.Version?.Version ?? 0;
        if (expectedCurrent is not null && expectedCurrent != current.ToString(CultureInfo.InvariantCulture))
        {
            throw new SecretsPipelineException(Codes.CheckAndSetMismatch, $"{secretRef.FullPath} is at version {current}, not {expectedCurrent}: another writer changed it first. Re-read and retry.");
        }

        // KV v2 versions the whole path: carry the other keys into the new version, from the newest readable one
        // (after a revoke the newest version has no data to copy).
        var carried = latest.Data;
        if (carried is null && latest.Outcome != KvReadOutcome.Missing && await GetCurrentAsync(secretRef, cancellationToken).ConfigureAwait(false) is { } good)
        {
            carried = (await kv.ReadAsync(path, long.Parse(good.Version, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false)).Data;
        }

        var values = new Dictionary<string, string?>(carried ?? new Dictionary<string, string?>(), StringComparer.Ordinal) { [secretRef.Key] = value };
        var written = await kv.WriteAsync(path, values, current, cancellationToken).ConfigureAwait(false);
        return Info(written, latest.CustomMetadata);
    }

    public async Task<IReadOnlyList<SecretVersionInfo>> ListVersionsAsync(SecretRef secretRef, CancellationToken cancellationToken)
    {
        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        var metadata = await kv.ReadMetadataAsync(path, cancellationToken).ConfigureAwait(false);
        return metadata is null ? [] : metadata.Versions.Select(v => Info(v, metadata.CustomMetadata)).ToArray();
    }

    /// <summary>Effective max_versions is the larger of key and mount (10 when both are 0), as the KV plugin computes it.</summary>
    public async Task<RetentionOutlook> OutlookAsync(SecretRef secretRef, string version, CancellationToken cancellationToken)
    {
        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        var metadata = await kv.ReadMetadataAsync(path, cancellationToken).ConfigureAwait(false);
        var mount = await kv.ReadConfigAsync(cancellationToken).ConfigureAwait(false);
        var configured = Math.Max(metadata?.MaxVersions ?? 0, mount?.MaxVersions ?? 0);
        var number = Number(version);
        var pinned = metadata?.Versions.FirstOrDefault(v => v.Version == number);
        return new RetentionOutlook((metadata?.CurrentVersion ?? number) - number, configured > 0 ? configured : 10, pinned?.DeletionTime);
    }

    public async Task DeleteVersionAsync(SecretRef secretRef, string version, CancellationToken cancellationToken)
    {
        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        await kv.DeleteVersionsAsync(path, [Number(version)], cancellationToken).ConfigureAwait(false);
    }

    public async Task RevokeVersionAsync(SecretRef secretRef, string version, string reason, CancellationToken cancellationToken)
    {
        var number = Number(version);
        var (kv, path) = await LocateAsync(secretRef, cancellationToken).ConfigureAwait(false);
        var metadata = await kv.ReadMetadataAsync(path, cancellationToken).ConfigureAwait(false);
        if (metadata is null || metadata.Versions.All(v => v.Version != number))
        {
            throw new VersionUnavailableException(VersionState.Missing, version, $"{secretRef.FullPath} has no version {version} to revoke");
        }

        // Mark first, then delete: if the delete fails, the mark already refuses every resolve of this version.
        var custom = new Dictionary<string, string>(metadata.CustomMetadata, StringComparer.Ordinal)
        {
            [RevokedPrefix + version] = Printable($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {reason}"),
        };
        await kv.WriteCustomMetadataAsync(path, custom, cancellationToken).ConfigureAwait(false);
        await kv.DeleteVersionsAsync(path, [number], cancellationToken).ConfigureAwait(false);
        _reads.Clear();
    }

    public async Task<string?> FingerprintAsync(SecretRef secretRef, SecretValue value, CancellationToken cancellationToken) =>
        _hmacKey is null ? null : "transit-hmac:" + await new TransitClient(_client).HmacAsync(_hmacKey, Encoding.UTF8.GetBytes(value.Reveal()), cancellationToken).ConfigureAwait(false);

    public Task<Lease> IssueLeaseAsync(string role, LeaseTerms terms, CancellationToken cancellationToken) => _leases.IssueAsync(role, terms, cancellationToken);

    public Task<Lease> RenewLeaseAsync(string leaseId, TimeSpan? increment, CancellationToken cancellationToken) => _leases.RenewAsync(leaseId, increment, cancellationToken);

    public Task RevokeLeaseAsync(string leaseId, CancellationToken cancellationToken) => _leases.RevokeAsync(leaseId, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The KV mount and the path inside it: the ref's first segment (or `mount:`), or what Vault reports when detection is on.</summary>
    private async Task<(KvV2Client Kv, string Path)> LocateAsync(SecretRef secretRef, CancellationToken cancellationToken)
    {
        if (_mounts is null)
        {
            return (new KvV2Client(_client, secretRef.Mount), secretRef.Path);
        }

        var mount = await _mounts.MountOfAsync(secretRef.FullPath, cancellationToken).ConfigureAwait(false);
        return (new KvV2Client(_client, mount), secretRef.FullPath[(mount.Length + 1)..]);
    }

    private static bool IsRevoked(IReadOnlyDictionary<string, string> custom, long version) =>
        custom.ContainsKey(RevokedPrefix + version.ToString(CultureInfo.InvariantCulture));

    private static SecretVersionInfo Info(KvVersion version, IReadOnlyDictionary<string, string> custom)
    {
        var state = IsRevoked(custom, version.Version) ? VersionState.Revoked
            : version.Destroyed ? VersionState.Destroyed
            : version.IsDeleted(DateTimeOffset.UtcNow) ? VersionState.Deleted
            : VersionState.Active;
        return new SecretVersionInfo(version.Version.ToString(CultureInfo.InvariantCulture), version.Created, state);
    }

    private static long Number(string version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new VersionUnavailableException(VersionState.Missing, version, $"'{version}' is not a KV v2 version number");

    /// <summary>Vault accepts printable custom-metadata values of at most 512 bytes.</summary>
    private static string Printable(string text)
    {
        var clean = new string(text.Where(c => c >= ' ' && c < 127).ToArray());
        return clean.Length > 500 ? clean[..500] : clean;
    }
}
