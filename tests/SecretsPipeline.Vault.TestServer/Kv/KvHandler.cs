using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>Routes a KV v2 mount's paths; handles delete/undelete/destroy (§3.7), config (§3.9) and subkeys (§3.5).</summary>
internal static class KvHandler
{
    private const string MountType = "kv";

    public static VaultResponse Handle(VaultRequest request, KvMount mount, string rest)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (head, path) = slash < 0 ? (rest, (string?)null) : (rest[..slash], rest[(slash + 1)..]);
        return (head, path) switch
        {
            ("data", { } p) => KvDataHandler.Handle(request, mount, p),
            ("metadata", { } p) => KvMetadataHandler.Handle(request, mount, p),
            ("metadata", null) => KvMetadataHandler.Handle(request, mount, ""),
            ("delete" or "undelete" or "destroy", { Length: > 0 } p) => Versions(request, mount, head, p),
            ("subkeys", { Length: > 0 } p) when !p.EndsWith('/') => Subkeys(request, mount, p),
            ("config", null) => Config(request, mount),
            _ => VaultResponse.NotFound(),
        };
    }

    private static VaultResponse Versions(VaultRequest request, KvMount mount, string action, string path)
    {
        if (request.Operation != VaultOperation.Update)
        {
            return VaultResponse.UnsupportedOperation();
        }

        if (!request.TryGetIntList("versions", out var versions, out var error))
        {
            return error!;
        }

        if (versions.Count == 0)
        {
            return VaultResponse.BadRequest(action == "destroy" ? "no version number provided" : "No version number provided");
        }

        var key = mount.Find(path);
        switch (action)
        {
            case "delete":
                mount.SoftDelete(key, versions);
                break;
            case "undelete":
                mount.Undelete(key, versions);
                break;
            default:
                mount.Destroy(key, versions);
                break;
        }

        return VaultResponse.NoContent();
    }

    private static VaultResponse Config(VaultRequest request, KvMount mount)
    {
        if (request.Operation == VaultOperation.Read)
        {
            return VaultResponse.Ok(
                new JsonObject
                {
                    ["cas_required"] = mount.CasRequired,
                    ["delete_version_after"] = GoFormat.Duration(mount.DeleteVersionAfter),
                    ["max_versions"] = mount.MaxVersions,
                },
                MountType);
        }

        if (request.Operation != VaultOperation.Update)
        {
            return VaultResponse.UnsupportedOperation();
        }

        if (!request.TryGetInt("max_versions", out var max, out var error)
            || !request.TryGetBool("cas_required", mount.CasRequired, out var casRequired, out error)
            || !request.TryGetDuration("delete_version_after", out var deleteAfter, out error))
        {
            return error!;
        }

        if (request.Has("max_versions"))
        {
            mount.MaxVersions = (int)max;
        }

        mount.CasRequired = casRequired;
        if (request.Has("delete_version_after"))
        {
            mount.DeleteVersionAfter = deleteAfter < TimeSpan.Zero ? TimeSpan.FromSeconds(-1) : deleteAfter;
        }

        return VaultResponse.NoContent();
    }

    private static VaultResponse Subkeys(VaultRequest request, KvMount mount, string path)
    {
        if (request.Operation != VaultOperation.Read)
        {
            return VaultResponse.UnsupportedOperation();
        }

        if (!request.TryGetInt("version", out var requested, out var error) || !request.TryGetInt("depth", out var depth, out error))
        {
            return error!;
        }

        var key = mount.Find(path);
        if (key is null || !key.Versions.TryGetValue(requested > 0 ? (int)requested : key.CurrentVersion, out var version))
        {
            return VaultResponse.NotFound();
        }

        var body = new JsonObject { ["subkeys"] = null, ["metadata"] = key.VersionMetadata(version) };
        if (version.IsDeleted(request.Now) || version.Destroyed)
        {
            return VaultResponse.Envelope(404, body, "");
        }

        body["subkeys"] = Structure(version.Data!, depth <= 0 ? int.MaxValue : (int)depth);
        return VaultResponse.Ok(body, MountType);
    }

    private static JsonObject Structure(JsonObject data, int depth) => new(data.Select(p => KeyValuePair.Create(
        p.Key,
        p.Value is JsonObject child && depth > 1 ? Structure(child, depth - 1) : (JsonNode?)null)));
}
