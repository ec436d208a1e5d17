using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Extensions.Configuration;

/// <summary>Where the pins are, whom to trust and how values become configuration keys.</summary>
public sealed class PinnedSecretsOptions
{
    /// <summary>The folder holding <c>secrets.yaml</c> and <c>secrets.lock.json</c>; default: the app's folder (<see cref="AppContext.BaseDirectory"/>).</summary>
    public string? Directory { get; set; }

    /// <summary>The manifest; default: <c>secrets.yaml</c> in <see cref="Directory"/>.</summary>
    public string? ManifestPath { get; set; }

    /// <summary>The lock; default: <c>secrets.lock.json</c> beside the manifest.</summary>
    public string? LockPath { get; set; }

    /// <summary>
    /// The folder that relative store paths in the manifest (an embedded store's <c>path</c>) are based on; default: the
    /// manifest's folder.
    /// </summary>
    public string? StoreBaseDirectory { get; set; }

    /// <summary>The tool's home folder (trusted keys, the embedded store's key); default: <c>SECRETS_PIPELINE_HOME</c>, else <c>~/.config/secrets-pipeline</c>.</summary>
    public string? HomePath { get; set; }

    /// <summary>Extra public keys (PEM text or files) trusted as lock signers, besides the home folder and <c>SECRETS_PIPELINE_TRUSTED_KEYS</c>.</summary>
    public IList<string> TrustedKeys { get; } = [];

    /// <summary>Put before every key, e.g. <c>Secrets:</c> to read <c>DB_PASSWORD</c> as <c>configuration["Secrets:DB_PASSWORD"]</c>.</summary>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>When true, a missing <c>secrets.yaml</c> adds no keys instead of failing (e.g. for tests without secrets).</summary>
    public bool Optional { get; set; }

    /// <summary>Called when renewing or revoking a lease fails; the app keeps its current credentials until they expire.</summary>
    public Action<Exception>? OnLeaseError { get; set; }

    /// <summary>How the provider reads environment variables; tests replace it.</summary>
    public Func<string, string?> Variables { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The clock that drives lease renewal; tests replace it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>How stores are opened; default: the embedded store and Vault, configured as the CLI does.</summary>
    public IList<IStoreFactory>? StoreFactories { get; set; }
}
