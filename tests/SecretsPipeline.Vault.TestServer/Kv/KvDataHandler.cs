using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>KV v2 <c>data/</c> paths: read (§3.1), write with CAS (§3.2), the three 404s (§3.3), patch (§3.4), delete latest (§3.7).</summary>
internal static class KvDataHandler
{
    private const string MountType = "kv";

    public static VaultResponse Handle(VaultRequest request, KvMount mount, string path)
    {
        // Pattern data/(.*?[^/]$): an empty path or one ending in '/' matches no route.
        if (path.Length == 0 || path.EndsWith('/'))
        {
            return VaultResponse.NotFound();
        }

        return request.Operation switch
        {
            VaultOperation.Read => Read(request, mount, path),
            VaultOperation.Update => Write(request, mount, path),
            VaultOperation.Patch => Patch(request, mount, path),
            VaultOperation.Delete => DeleteLatest(request, mount, path),
            _ => VaultResponse.UnsupportedOperation(),
        };
    }

    private static VaultResponse Read(VaultRequest request, KvMount mount, string path)
    {
        if (!request.TryGetInt("version", out var requested, out var error))
        {
            return error!;
        }

        var key = mount.Find(path);
        if (key is null || !key.Versions.TryGetValue(requested > 0 ? (int)requested : key.CurrentVersion, out var version))
        {
            return VaultResponse.NotFound();
        }

        var body = new JsonObject { ["data"] = null, ["metadata"] = key.VersionMetadata(version) };
        if (version.IsDeleted(request.Now) || version.Destroyed)
        {
            return VaultResponse.Envelope(404, body, "");
        }

        body["data"] = version.Data!.DeepClone();
        return VaultResponse.Ok(body, MountType);
    }

    private static VaultResponse Write(VaultRequest request, KvMount mount, string path)
    {
        if (!TryGetData(request, out var data, out var error) || !TryValidateCas(request, mount, mount.Find(path), out error))
        {
            return error!;
        }

        var key = mount.GetOrCreate(path, request.Now);
        var version = mount.AddVersion(key, data!, request.Now);
        return VaultResponse.Ok(key.VersionMetadata(version), MountType);
    }

    private static VaultResponse Patch(VaultRequest request, KvMount mount, string path)
    {
        if (!TryGetData(request, out var patch, out var error))
        {
            return error!;
        }

        var key = mount.Find(path);
        if (key is null)
        {
            return VaultResponse.EmptyJson(404);
        }

        if (!TryValidateCas(request, mount, key, out error))
        {
            return error!;
        }

        if (!key.Versions.TryGetValue(key.CurrentVersion, out var current))
        {
            return VaultResponse.EmptyJson(404);
        }

        if (current.IsDeleted(request.Now) || current.Destroyed)
        {
            return VaultResponse.Envelope(404, key.VersionMetadata(current), "");
        }

        var merged = (JsonObject)MergePatch(current.Data!.DeepClone(), patch)!;
        var version = mount.AddVersion(key, merged, request.Now);
        return VaultResponse.Ok(key.VersionMetadata(version), MountType);
    }

    private static VaultResponse DeleteLatest(VaultRequest request, KvMount mount, string path)
    {
        var key = mount.Find(path);
        if (key?.Versions.GetValueOrDefault(key.CurrentVersion) is { Destroyed: false } latest && !latest.IsDeleted(request.Now))
        {
            latest.DeletionTime = request.Now;
        }

        return VaultResponse.NoContent();
    }

    private static bool TryGetData(VaultRequest request, out JsonObject? data, out VaultResponse? error)
    {
        data = null;
        error = null;
        var raw = request.Data["data"];
        if (raw is null)
        {
            error = VaultResponse.BadRequest("no data provided");
            return false;
        }

        if (raw is not JsonObject obj)
        {
            error = VaultResponse.BadRequest(Lenient.FieldError(raw, "data", "expected a map"));
            return false;
        }

        data = (JsonObject)obj.DeepClone();
        return true;
    }

    /// <summary><c>validateCheckAndSetOption</c> (§3.2): compared against CurrentVersion even when it is deleted or destroyed.</summary>
    internal static bool TryValidateCas(VaultRequest request, KvMount mount, KvKey? key, out VaultResponse? error)
    {
        error = null;
        var options = request.Data["options"];
        if (options is not null and not JsonObject)
        {
            error = VaultResponse.BadRequest(Lenient.FieldError(options, "options", "expected a map"));
            return false;
        }

        var currentVersion = key?.CurrentVersion ?? 0;
        if (options is JsonObject map && map.ContainsKey("cas"))
        {
            if (!Lenient.TryInt(map["cas"], out var cas) || map["cas"] is JsonObject or JsonArray)
            {
                error = VaultResponse.BadRequest("error parsing check-and-set parameter");
            }
            else if (cas != currentVersion)
            {
                error = VaultResponse.BadRequest("check-and-set parameter did not match the current version");
            }
        }
        else if (mount.CasRequired || key?.CasRequired == true)
        {
            error = VaultResponse.BadRequest("check-and-set parameter required for this call");
        }

        return error is null;
    }

    /// <summary>RFC 7386 JSON merge patch: objects merge recursively, <c>null</c> removes a key.</summary>
    internal static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var existing = result[name];
                result.Remove(name);
                result[name] = MergePatch(existing, value);
            }
        }

        return result;
    }
}
