using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Manifest;

/// <summary>
/// The digest of what a manifest means, not of its bytes: comments, order and layout do not change it, so
/// reformatting secrets.yaml does not make every lock stale.
/// </summary>
public static class ManifestDigest
{
    public static string Compute(SecretsManifest manifest)
    {
        var stores = new JsonObject();
        foreach (var store in manifest.Stores.Values)
        {
            var entry = new JsonObject { ["type"] = store.Type };
            foreach (var (key, value) in store.Settings)
            {
                entry[key] = value;
            }

            stores[store.Name] = entry;
        }

        var environments = new JsonObject();
        foreach (var environment in manifest.Environments.Values)
        {
            environments[environment.Name] = new JsonObject { ["store"] = environment.Store };
        }

        var secrets = new JsonObject();
        foreach (var secret in manifest.Secrets)
        {
            secrets[secret.Name] = new JsonObject
            {
                ["ref"] = secret.Ref,
                ["mount"] = secret.Mount,
                ["dynamic"] = secret.Dynamic,
                ["ttl"] = secret.Ttl is { } ttl ? Durations.Format(ttl) : null,
                ["max_ttl"] = secret.MaxTtl is { } maxTtl ? Durations.Format(maxTtl) : null,
                ["fields"] = new JsonArray(secret.Fields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            };
        }

        var document = new JsonObject
        {
            ["version"] = manifest.Version,
            ["stores"] = stores,
            ["environments"] = environments,
            ["secrets"] = secrets,
        };
        return Digest.Sha256(CanonicalJson.Serialize(document));
    }
}
