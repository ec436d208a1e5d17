using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary><c>sys/health</c> (§1.4), <c>sys/internal/ui/mounts[/&lt;path&gt;]</c> (§3.11), <c>sys/mounts</c>, and the lease paths (§4).</summary>
internal static class SysHandler
{
    private const string MountType = "system";
    private const string UiMounts = "internal/ui/mounts";

    public static VaultResponse Handle(VaultRequest request, string path)
    {
        if (LeaseHandler.TryHandle(request, path) is { } leaseResponse)
        {
            return leaseResponse;
        }

        if (path is "wrapping/unwrap" or "wrapping/lookup")
        {
            return Wrapping.Handle(request, path["wrapping/".Length..]);
        }

        if (path == "mounts" || path == UiMounts || path.StartsWith(UiMounts + "/", StringComparison.Ordinal))
        {
            if (request.Operation != VaultOperation.Read)
            {
                return VaultResponse.UnsupportedOperation();
            }

            return path == "mounts"
                ? VaultResponse.Ok(AllMounts(request), MountType) with { InjectDataAtTopLevel = true }
                : path == UiMounts ? VaultResponse.Ok(new JsonObject { ["auth"] = new JsonObject(), ["secret"] = AllMounts(request) }, MountType)
                : MountFor(request, path[(UiMounts.Length + 1)..]);
        }

        return VaultResponse.NotFound();
    }

    /// <summary>Unauthenticated; the status follows the defaults and the <c>*code</c> / <c>*ok</c> query overrides.</summary>
    public static VaultResponse Health(VaultRequest request)
    {
        var state = request.State;
        int Code(string parameter, int fallback) =>
            request.GetString(parameter) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : fallback;
        bool Flag(string parameter) => Lenient.TryBool(request.Data[parameter], out var value) && value;

        var status = state.Sealed ? Code("sealedcode", 503)
            : state.Standby ? (Flag("standbyok") ? Code("activecode", 200) : Code("standbycode", 429))
            : Code("activecode", 200);
        var body = new JsonObject
        {
            ["cluster_id"] = "00000000-0000-0000-0000-000000000000",
            ["cluster_name"] = state.Options.ClusterName,
            ["initialized"] = true,
            ["performance_standby"] = false,
            ["replication_dr_mode"] = "disabled",
            ["replication_performance_mode"] = "disabled",
            ["sealed"] = state.Sealed,
            ["server_time_utc"] = request.Now.ToUnixTimeSeconds(),
            ["standby"] = state.Standby,
            ["version"] = state.Options.VaultVersion,
        };
        return VaultResponse.Raw(status, body);
    }

    private static VaultResponse MountFor(VaultRequest request, string input)
    {
        var sanitized = input.Trim('/') + "/";
        var matches = request.Ns.Mounts()
            .Where(m => sanitized.StartsWith(m.Path, StringComparison.Ordinal))
            .OrderByDescending(m => m.Path.Length)
            .ToList();
        if (matches.Count == 0)
        {
            return VaultResponse.Error(403, $"preflight capability check returned 403, please ensure client's policies grant access to path \"{sanitized}\"");
        }

        var (path, type, version) = matches[0];
        var prefix = request.Namespace.Length == 0 ? "" : request.Namespace + "/";
        return VaultResponse.Ok(MountInfo(prefix + path, type, version), MountType);
    }

    private static JsonObject AllMounts(VaultRequest request)
    {
        var mounts = new JsonObject();
        foreach (var (path, type, version) in request.Ns.Mounts())
        {
            mounts[path] = MountInfo(path, type, version);
        }

        return mounts;
    }

    private static JsonObject MountInfo(string path, string type, string? version) => new()
    {
        ["accessor"] = $"{type}_{(uint)path.GetHashCode(StringComparison.Ordinal):x8}",
        ["config"] = new JsonObject { ["default_lease_ttl"] = 0, ["force_no_cache"] = false, ["max_lease_ttl"] = 0 },
        ["description"] = type == "kv" ? "key/value secret storage" : "",
        ["external_entropy_access"] = false,
        ["local"] = false,
        ["options"] = version is null ? null : new JsonObject { ["version"] = version },
        ["path"] = path,
        ["plugin_version"] = "",
        ["running_plugin_version"] = "v0.0.0+builtin",
        ["running_sha256"] = "",
        ["seal_wrap"] = false,
        ["type"] = type,
        ["uuid"] = GoFormat.Uuid(),
    };
}
