namespace SecretsPipeline.Vault.Kv;

/// <summary>How a KV v2 read ended, told apart from the response body as Vault's three kinds of 404 require.</summary>
public enum KvReadOutcome
{
    Found,
    Deleted,
    Destroyed,
    Missing,
}

/// <summary>The result of <c>GET &lt;mount&gt;/data/&lt;path&gt;</c>; <see cref="Data"/> is set only when found.</summary>
public sealed record KvReadResult(
    KvReadOutcome Outcome,
    KvVersion? Version,
    IReadOnlyDictionary<string, string?>? Data,
    IReadOnlyDictionary<string, string> CustomMetadata);
