using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Lock;

/// <summary>
/// Writes and reads <c>secrets.lock.json</c>. Reading is strict: unknown fields, wrong types and any byte that differs
/// from the canonical form are refused, so a hand edit cannot slip past a signature check by changing only layout.
/// </summary>
public static class LockSerializer
{
    public static byte[] Serialize(LockFile lockFile) => Write(lockFile, includeSignatures: true);

    /// <summary>The bytes the signatures cover: the canonical lock without its <c>signatures</c> field.</summary>
    public static byte[] SignedPayload(LockFile lockFile) => Write(lockFile, includeSignatures: false);

    /// <summary>The canonical JSON of the lock, written without building a JSON tree first (verify and lock write every pin twice).</summary>
    private static byte[] Write(LockFile lockFile, bool includeSignatures) =>
        CanonicalJson.Write((lockFile, includeSignatures), static (writer, state) => WriteLock(writer, state.lockFile, state.includeSignatures), 64 * 1024);

    // Keys in ordinal order at every level, as CanonicalJson sorts a tree; absent optional fields are left out.
    private static void WriteLock(Utf8JsonWriter writer, LockFile lockFile, bool includeSignatures)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("environments");
        foreach (var name in Sorted(lockFile.Environments.Keys))
        {
            var environment = lockFile.Environments[name];
            writer.WriteStartObject(name);
            writer.WriteStartObject("secrets");
            foreach (var secretName in Sorted(environment.Secrets.Keys))
            {
                writer.WritePropertyName(secretName);
                WritePin(writer, environment.Secrets[secretName]);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("store");
            foreach (var key in Sorted(environment.Store.Keys))
            {
                WriteString(writer, key, environment.Store[key]);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteNumber("lock_version", LockFile.FormatVersion);
        WriteString(writer, "manifest_digest", lockFile.ManifestDigest);
        if (includeSignatures)
        {
            writer.WriteStartArray("signatures");
            foreach (var signature in lockFile.Signatures.OrderBy(s => s.KeyId, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                WriteString(writer, "algorithm", signature.Algorithm);
                WriteString(writer, "key_id", signature.KeyId);
                WriteString(writer, "value", signature.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WritePin(Utf8JsonWriter writer, SecretPin pin)
    {
        writer.WriteStartObject();
        if (pin.IsDynamic)
        {
            WriteString(writer, "dynamic", pin.Dynamic);
            writer.WriteStartArray("fields");
            foreach (var field in pin.Fields!)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            if (pin.MaxTtl is not null)
            {
                WriteString(writer, "max_ttl", pin.MaxTtl);
            }

            if (pin.Ttl is not null)
            {
                WriteString(writer, "ttl", pin.Ttl);
            }
        }
        else
        {
            if (pin.Created is { } created)
            {
                WriteString(writer, "created", UtcTimestamp.ToText(created));
            }

            if (pin.Fingerprint is not null)
            {
                WriteString(writer, "fingerprint", pin.Fingerprint);
            }

            WriteString(writer, "ref", pin.Ref);
            WriteString(writer, "version", pin.Version);
        }

        writer.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static string[] Sorted(IEnumerable<string> keys)
    {
        var sorted = keys.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    public static LockFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new SecretsPipelineException(Codes.LockNotFound, "file not found; run `secrets-pipeline lock` to create it.", new SourceLocation(path));
        }

        return Parse(path, File.ReadAllBytes(path));
    }

    public static LockFile Parse(string path, byte[] bytes)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"it is not valid JSON (line {(ex.LineNumber ?? 0) + 1}); restore it from git or run `secrets-pipeline lock`.", (int)(ex.LineNumber ?? 0) + 1);
        }
        catch (ArgumentException)
        {
            throw Invalid(path, "it is not valid UTF-8 JSON; restore it from git or run `secrets-pipeline lock`.");
        }

        LockFile lockFile;
        try
        {
            lockFile = FromJson(path, root);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // Duplicate keys and similar malformations surface from System.Text.Json as these.
            throw Invalid(path, "its structure is malformed (e.g. a duplicate key); restore it from git or run `secrets-pipeline lock`.");
        }

        if (!Serialize(lockFile).AsSpan().SequenceEqual(bytes))
        {
            throw new SecretsPipelineException(
                Codes.LockNotCanonical,
                "the lock's bytes are not the ones the tool writes (edited by hand or by another tool); regenerate it with `secrets-pipeline lock` and review the diff.",
                new SourceLocation(path));
        }

        return lockFile;
    }

    private static LockFile FromJson(string path, JsonNode? root)
    {
        var top = Object(path, root, "the lock", "environments", "lock_version", "manifest_digest", "signatures");
        var formatVersion = top["lock_version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        if (formatVersion != LockFile.FormatVersion)
        {
            throw Invalid(path, $"`lock_version` must be {LockFile.FormatVersion}; this lock was written by another version of the tool.");
        }

        var digest = String(path, top["manifest_digest"], "manifest_digest");
        var environments = new Dictionary<string, EnvironmentLock>(StringComparer.Ordinal);
        foreach (var (name, node) in Object(path, top["environments"], "environments"))
        {
            var environment = Object(path, node, $"environment '{name}'", "secrets", "store");
            var store = Object(path, environment["store"], $"environment '{name}' store")
                .ToDictionary(p => p.Key, p => String(path, p.Value, $"store.{p.Key}"), StringComparer.Ordinal);
            var secrets = new Dictionary<string, SecretPin>(StringComparer.Ordinal);
            foreach (var (secretName, pinNode) in Object(path, environment["secrets"], $"environment '{name}' secrets"))
            {
                secrets[secretName] = PinFromJson(path, $"{name}.{secretName}", pinNode);
            }

            environments[name] = new EnvironmentLock(store, secrets);
        }

        var signatures = new List<LockSignature>();
        if (top["signatures"] is not JsonArray array)
        {
            throw Invalid(path, "`signatures` must be a list.");
        }

        foreach (var item in array)
        {
            var signature = Object(path, item, "a signature", "algorithm", "key_id", "value");
            signatures.Add(new LockSignature(
                String(path, signature["algorithm"], "algorithm"),
                String(path, signature["key_id"], "key_id"),
                String(path, signature["value"], "value")));
        }

        return new LockFile(digest, environments, signatures);
    }

    private static SecretPin PinFromJson(string path, string where, JsonNode? node)
    {
        var pin = Object(path, node, where, "created", "dynamic", "fields", "fingerprint", "max_ttl", "ref", "ttl", "version");
        if (pin["dynamic"] is not null)
        {
            var fields = pin["fields"] as JsonArray ?? throw Invalid(path, $"{where}: `fields` must be a list.");
            return new SecretPin(
                null, null, null, null,
                String(path, pin["dynamic"], $"{where}.dynamic"),
                pin["ttl"] is null ? null : String(path, pin["ttl"], $"{where}.ttl"),
                pin["max_ttl"] is null ? null : String(path, pin["max_ttl"], $"{where}.max_ttl"),
                fields.Select(f => String(path, f, $"{where}.fields")).ToArray());
        }

        DateTimeOffset? created = null;
        if (pin["created"] is not null)
        {
            var text = String(path, pin["created"], $"{where}.created");
            created = UtcTimestamp.TryParse(text, out var parsed)
                ? parsed
                : throw Invalid(path, $"{where}.created is not a UTC timestamp.");
        }

        return new SecretPin(
            String(path, pin["ref"], $"{where}.ref"),
            String(path, pin["version"], $"{where}.version"),
            created,
            pin["fingerprint"] is null ? null : String(path, pin["fingerprint"], $"{where}.fingerprint"));
    }

    private static JsonObject Object(string path, JsonNode? node, string what, params string[] allowed)
    {
        if (node is not JsonObject obj)
        {
            throw Invalid(path, $"{what} must be an object.");
        }

        if (allowed.Length > 0)
        {
            var unknown = obj.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k, StringComparer.Ordinal));
            if (unknown is not null)
            {
                throw Invalid(path, $"{what} has an unknown field '{Printable(unknown)}'.");
            }
        }

        return obj;
    }

    private static string String(string path, JsonNode? node, string what) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw Invalid(path, $"`{what}` must be a string.");

    /// <summary>A key from the file as a message may show it: one line (a diagnostic is one line), and not a page long.</summary>
    private static string Printable(string key)
    {
        var shown = new string([.. key.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' ? '?' : c)]);
        return shown.Length > 80 ? shown[..80] + "…" : shown;
    }

    private static SecretsPipelineException Invalid(string path, string message, int line = 0) =>
        new(Codes.LockUnreadable, "not a valid lock: " + message, new SourceLocation(path, line));
}
