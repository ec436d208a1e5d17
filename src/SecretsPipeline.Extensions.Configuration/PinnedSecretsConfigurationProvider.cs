using Microsoft.Extensions.Configuration;

namespace SecretsPipeline.Extensions.Configuration;

/// <summary>
/// Configuration from the secrets pinned in the lock shipped with the app. Loads once: the pins of a deployed artifact
/// never change, and a reload must not issue a second set of leases. Disposing it revokes its leases.
/// </summary>
public sealed class PinnedSecretsConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly string? _environment;
    private readonly PinnedSecretsOptions _options;
    private LoadedSecrets? _loaded;
    private LeaseRenewer? _renewer;
    private bool _isLoaded;
    private bool _disposed;

    /// <param name="environment">The environment to load; <c>null</c>: from the environment variables (see <see cref="PinnedSecretsConfigurationExtensions"/>).</param>
    /// <param name="options">Where the files are and whom to trust.</param>
    public PinnedSecretsConfigurationProvider(string? environment, PinnedSecretsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        _options = options;
    }

    /// <summary>The environment whose pins were loaded (after <see cref="Load"/>).</summary>
    public string? Environment => _loaded?.Environment;

    /// <summary><c>sha256:</c> of the lock's bytes, the same value the build embeds as <c>SecretsPipeline.LockDigest</c>.</summary>
    public string? LockDigest => _loaded?.LockDigest;

    /// <summary>The trusted key that signed the lock.</summary>
    public string? SignedBy => _loaded?.SignedBy;

    internal LeaseRenewer? Renewer => _renewer;

    /// <summary>Verifies the lock and resolves exactly its pins; throws <see cref="Core.Errors.SecretsPipelineException"/> (e.g. SPL3003 for a revoked pin).</summary>
    public override void Load()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_isLoaded)
        {
            return;
        }

        // Configuration loads synchronously; the resolver never captures a synchronization context.
        var loaded = PinnedSecretsLoader.LoadAsync(_environment, _options, CancellationToken.None).GetAwaiter().GetResult();
        _isLoaded = true;
        if (loaded is null)
        {
            return;
        }

        _loaded = loaded;
        Data = loaded.Values.ToDictionary(v => _options.KeyPrefix + v.Key, v => (string?)v.Value, StringComparer.OrdinalIgnoreCase);
        if (loaded.Leases.Count > 0)
        {
            _renewer = new LeaseRenewer(loaded.Store, loaded.Leases, _options.Time, _options.OnLeaseError);
        }
        else
        {
            // Nothing to renew or revoke later: close the stores (and the embedded store's database) now.
            loaded.Stores.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops renewing, revokes every lease this provider issued, and closes the stores.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_renewer is not null)
        {
            _renewer.Dispose();
            _loaded!.Stores.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
