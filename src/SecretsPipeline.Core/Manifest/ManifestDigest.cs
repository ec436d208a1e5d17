using System.Text.Json;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Manifest;

/// <summary>
/// The digest of what a manifest means, not of its bytes: comments, order and layout do not change it, so
/// reformatting secrets.yaml does not make every lock stale.
/// </summary>
/// <remarks>
/// The digested document is the canonical JSON of <c>{ environments, secrets, stores, version }</c>, written straight
/// from the manifest in ordinal key order (every lock, verify and resolve computes it; building a JSON tree first
/// cost as much as the rest of the check). Its bytes must never change: locks in the field carry this digest.
/// </remarks>
public static class ManifestDigest
{
    public static string Compute(SecretsManifest manifest) =>
        Digest.Sha256(CanonicalJson.Write(manifest, static (writer, m) => WriteDocument(writer, m), 16 * 1024));

    private static void WriteDocument(CanonicalJsonWriter writer, SecretsManifest manifest)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("environments");
        foreach (var environment in Sorted(manifest.Environments.Values, e => e.Name))
        {
            writer.WriteStartObject(environment.Name);
            writer.WriteString("store", environment.Store);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("secrets");
        foreach (var secret in Sorted(manifest.Secrets, s => s.Name))
        {
            writer.WriteStartObject(secret.Name);
            writer.WriteStringOrNull("dynamic", secret.Dynamic);
            writer.WriteStartArray("fields");
            foreach (var field in secret.Fields)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            writer.WriteStringOrNull("max_ttl", secret.MaxTtl is { } maxTtl ? Durations.Format(maxTtl) : null);
            writer.WriteStringOrNull("mount", secret.Mount);
            writer.WriteStringOrNull("ref", secret.Ref);
            writer.WriteStringOrNull("ttl", secret.Ttl is { } ttl ? Durations.Format(ttl) : null);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("stores");
        foreach (var store in Sorted(manifest.Stores.Values, s => s.Name))
        {
            writer.WriteStartObject(store.Name);

            // `type` sorts among the settings (a setting is never called `type`: the parser keeps that key apart).
            var keys = store.Settings.Keys.Append("type").ToArray();
            Array.Sort(keys, StringComparer.Ordinal);
            foreach (var key in keys)
            {
                writer.WriteString(key, key == "type" ? store.Type : store.Settings[key]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteNumber("version", manifest.Version);
        writer.WriteEndObject();
    }

    private static T[] Sorted<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var sorted = items.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(key(a), key(b)));
        return sorted;
    }
}
