using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>KV v2 <c>metadata/</c>: read, LIST (empty → 404), write, patch, delete-all (spec §3.6).</summary>
internal static class KvMetadataHandler
{
    private const string MountType = "kv";
    private const string CasIgnoredWarning = "\"cas_required\" set to false, but is mandated by backend config. This value will be ignored.";

    public static VaultResponse Handle(VaultRequest request, KvMount mount, string path) => request.Operation switch
    {
        VaultOperation.List => List(mount, path),
        VaultOperation.Read => Read(mount, path),
        VaultOperation.Update => Write(request, mount, path, patch: false),
        VaultOperation.Patch => Write(request, mount, path, patch: true),
        VaultOperation.Delete => Delete(mount, path),
        _ => VaultResponse.UnsupportedOperation(),
    };

    private static VaultResponse List(KvMount mount, string path)
    {
        var keys = mount.List(path);
        return keys.Count == 0
            ? VaultResponse.NotFound()
            : VaultResponse.Ok(new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode?)k)]) }, MountType);
    }

    private static VaultResponse Read(KvMount mount, string path)
    {
        var key = mount.Find(path);
        if (key is null)
        {
            return VaultResponse.NotFound();
        }

        var versions = new JsonObject();
        foreach (var version in key.Versions.Values)
        {
            versions[version.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = GoFormat.Time(version.CreatedTime),
                ["deletion_time"] = GoFormat.Time(version.DeletionTime),
                ["destroyed"] = version.Destroyed,
            };
        }

        return VaultResponse.Ok(
            new JsonObject
            {
                ["cas_required"] = key.CasRequired,
                ["created_time"] = GoFormat.Time(key.CreatedTime),
                ["current_version"] = key.CurrentVersion,
                ["custom_metadata"] = key.CustomMetadataJson(),
                ["delete_version_after"] = GoFormat.Duration(key.DeleteVersionAfter),
                ["max_versions"] = key.MaxVersions,
                ["oldest_version"] = key.OldestVersion,
                ["updated_time"] = GoFormat.Time(key.UpdatedTime),
                ["versions"] = versions,
            },
            MountType);
    }

    private static VaultResponse Write(VaultRequest request, KvMount mount, string path, bool patch)
    {
        if (path.Length == 0)
        {
            return VaultResponse.BadRequest("missing path");
        }

        string[] fields = ["max_versions", "cas_required", "delete_version_after", "custom_metadata"];
        if (!patch && !fields.Any(request.Data.ContainsKey))
        {
            return VaultResponse.NoContent();
        }

        if (!request.TryGetInt("max_versions", out var max, out var error)
            || !request.TryGetBool("cas_required", false, out var casRequired, out error)
            || !request.TryGetDuration("delete_version_after", out var deleteAfter, out error))
        {
            return error!;
        }

        if (deleteAfter < TimeSpan.Zero)
        {
            return VaultResponse.BadRequest(Lenient.FieldError(request.Data["delete_version_after"], "delete_version_after", "cannot parse negative duration"));
        }

        Dictionary<string, string?>? custom = null;
        if (request.Has("custom_metadata") && !TryParseCustomMetadata(request.Data["custom_metadata"], patch, out custom, out error))
        {
            return error!;
        }

        var key = mount.Find(path);
        if (key is null && patch)
        {
            return VaultResponse.EmptyJson(404);
        }

        key ??= mount.GetOrCreate(path, request.Now);
        key.MaxVersions = request.Has("max_versions") ? (int)max : key.MaxVersions;
        key.CasRequired = request.Has("cas_required") ? casRequired : key.CasRequired;
        key.DeleteVersionAfter = request.Has("delete_version_after") ? deleteAfter : key.DeleteVersionAfter;
        if (custom is not null)
        {
            var merged = patch ? new Dictionary<string, string>(key.CustomMetadata ?? []) : [];
            foreach (var (name, value) in custom)
            {
                if (value is null)
                {
                    merged.Remove(name);
                }
                else
                {
                    merged[name] = value;
                }
            }

            key.CustomMetadata = merged;
        }

        var ignored = request.Has("cas_required") && mount.CasRequired && !casRequired;
        return VaultResponse.NoContentOrWarnings(ignored ? [CasIgnoredWarning] : null, MountType);
    }

    private static VaultResponse Delete(KvMount mount, string path)
    {
        mount.Remove(path);
        return VaultResponse.NoContent();
    }

    /// <summary>Weakly decodes values to strings (null kept for patch removal), then applies the 64/128/512 limits.</summary>
    private static bool TryParseCustomMetadata(JsonNode? raw, bool patch, out Dictionary<string, string?>? custom, out VaultResponse? error)
    {
        const string Prefix = "custom_metadata validation failed";
        custom = null;
        error = null;
        if (raw is not JsonObject obj)
        {
            error = VaultResponse.BadRequest(Lenient.FieldError(raw, "custom_metadata", "expected a map"));
            return false;
        }

        custom = [];
        foreach (var (name, value) in obj)
        {
            if (value is JsonObject or JsonArray)
            {
                error = VaultResponse.BadRequest($"{Prefix}: '' expected type 'string', got unconvertible type '{(value is JsonArray ? "[]interface {}" : "map[string]interface {}")}'");
                return false;
            }

            custom[name] = value is null || value.GetValueKind() == JsonValueKind.Null ? (patch ? null : "") : Lenient.AsString(value);
        }

        if (custom.Count > 64)
        {
            error = VaultResponse.BadRequest(GoFormat.MultiError($"{Prefix}: payload must contain at most 64 keys, provided {custom.Count}"));
            return false;
        }

        var problems = new List<string>();
        foreach (var (name, value) in custom.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var keyLength = System.Text.Encoding.UTF8.GetByteCount(name);
            if (keyLength is 0 or > 128)
            {
                problems.Add($"{Prefix}: length of key \"{name}\" is {keyLength} but must be 0 < len(key) <= 128");
            }

            var valueLength = System.Text.Encoding.UTF8.GetByteCount(value ?? "");
            if (value is not null && valueLength is 0 or > 512)
            {
                problems.Add($"{Prefix}: length of value for key \"{name}\" is {valueLength} but must be 0 < len(value) <= 512");
            }
        }

        error = problems.Count > 0 ? VaultResponse.BadRequest(GoFormat.MultiError(problems)) : null;
        return error is null;
    }
}
