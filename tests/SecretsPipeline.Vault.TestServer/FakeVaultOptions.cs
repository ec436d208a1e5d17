namespace SecretsPipeline.Vault.TestServer;

/// <summary>Start-up settings of a <see cref="FakeVaultServer"/>.</summary>
public sealed class FakeVaultOptions
{
    /// <summary>Initial <see cref="FaultInjector.Latency"/>, added before every response.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The root token: never expires, accepted everywhere, in every namespace.</summary>
    public string RootToken { get; set; } = "root";

    /// <summary>KV v2 mounts created in every namespace.</summary>
    public IReadOnlyList<string> KvMounts { get; set; } = ["secret"];

    /// <summary>The KV <c>max_versions</c> used when neither the key nor the mount sets one (Vault: 10).</summary>
    public int DefaultMaxVersions { get; set; } = 10;

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The server's clock, for expiring tokens, leases and <c>delete_version_after</c> without waiting.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>System default lease/token TTL (Vault: 768h).</summary>
    public TimeSpan SystemDefaultLeaseTtl { get; set; } = TimeSpan.FromHours(768);

    /// <summary>System max lease/token TTL (Vault: 768h).</summary>
    public TimeSpan SystemMaxLeaseTtl { get; set; } = TimeSpan.FromHours(768);

    /// <summary>Reported by <c>sys/health</c>.</summary>
    public string VaultVersion { get; set; } = "1.17.2";

    public string ClusterName { get; set; } = "vault-cluster-fake";
}
