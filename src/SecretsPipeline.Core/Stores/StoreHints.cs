using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Stores;

/// <summary>How to write a new version into a given store, for the "what to do next" part of messages.</summary>
public static class StoreHints
{
    public static string WriteNewVersion(ISecretStore store, SecretRef secretRef) =>
        store.Identity.GetValueOrDefault("type") switch
        {
            "local" => $"`secrets-pipeline store put {secretRef}`",
            "vault" => $"`vault kv patch {secretRef.FullPath} {secretRef.Key}=-` (or `secrets-pipeline rotate`)",
            _ => $"a new version of {secretRef} in the store (or `secrets-pipeline rotate`)",
        };
}
