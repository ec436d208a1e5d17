using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary><c>sys/leases/lookup|renew|revoke|revoke-prefix|revoke-force</c> and the legacy <c>sys/renew</c>, <c>sys/revoke*</c> aliases (spec §4).</summary>
internal static class LeaseHandler
{
    private const string MountType = "system";

    /// <summary>Handles <paramref name="path"/> (below <c>sys/</c>) if it is a lease path.</summary>
    public static VaultResponse? TryHandle(VaultRequest request, string path)
    {
        var isLeases = path.StartsWith("leases/", StringComparison.Ordinal);
        var rest = isLeases ? path["leases/".Length..] : path;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (verb, suffix) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
        return (verb, isLeases) switch
        {
            ("lookup", true) when request.Operation == VaultOperation.List => List(request, suffix),
            ("lookup", true) when slash < 0 => UpdateOnly(request, () => Lookup(request)),
            ("renew", _) => UpdateOnly(request, () => Renew(request, suffix)),
            ("revoke", _) => UpdateOnly(request, () => Revoke(request, suffix)),
            ("revoke-prefix" or "revoke-force", _) when suffix.Length > 0 => UpdateOnly(request, () => RevokePrefix(request, suffix)),
            _ => null,
        };
    }

    private static VaultResponse UpdateOnly(VaultRequest request, Func<VaultResponse> handler) =>
        request.Operation == VaultOperation.Update ? handler() : VaultResponse.UnsupportedOperation();

    private static VaultResponse Lookup(VaultRequest request)
    {
        var id = request.GetString("lease_id") ?? "";
        if (id.Length == 0)
        {
            return VaultResponse.BadRequest("lease_id must be specified");
        }

        var leases = request.Ns.Leases;
        var lease = leases.Get(id);
        if (lease is null || !leases.IsActive(lease, request.Now))
        {
            return VaultResponse.BadRequest("invalid lease");
        }

        return VaultResponse.Ok(
            new JsonObject
            {
                ["expire_time"] = GoFormat.Time(lease.ExpireTime),
                ["id"] = lease.Id,
                ["issue_time"] = GoFormat.Time(lease.IssueTime),
                ["last_renewal"] = lease.LastRenewal is { } renewed ? GoFormat.Time(renewed) : null,
                ["renewable"] = lease.Renewable,
                ["ttl"] = TtlCalculator.Seconds(lease.ExpireTime - request.Now),
            },
            MountType);
    }

    private static VaultResponse List(VaultRequest request, string prefix)
    {
        var keys = request.Ns.Leases.ActiveEntries(request.Now)
            .Where(l => l.Id.StartsWith(prefix, StringComparison.Ordinal) && l.Id.Length > prefix.Length)
            .Select(l => l.Id[prefix.Length..] is var rest && rest.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? rest[..(slash + 1)] : rest)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(k => (JsonNode?)k)
            .ToArray();
        return keys.Length == 0 ? VaultResponse.NotFound() : VaultResponse.Ok(new JsonObject { ["keys"] = new JsonArray(keys) }, MountType);
    }

    private static VaultResponse Renew(VaultRequest request, string urlLeaseId)
    {
        var id = request.GetString("lease_id") is { Length: > 0 } bodyId ? bodyId : urlLeaseId;
        if (id.Length == 0)
        {
            return VaultResponse.BadRequest("lease_id must be specified");
        }

        if (!request.TryGetDuration("increment", out var increment, out var error))
        {
            return error!;
        }

        if (id.StartsWith("auth/", StringComparison.Ordinal))
        {
            return VaultResponse.BadRequest("tokens cannot be renewed through this endpoint");
        }

        var leases = request.Ns.Leases;
        var lease = leases.Get(id);
        if (lease is null || lease.RevokedAt is not null || (lease.CreatorToken is { } creator && !request.State.Tokens.IsAlive(creator, request.Now)))
        {
            return VaultResponse.BadRequest("lease not found");
        }

        if (request.Now >= lease.ExpireTime)
        {
            return VaultResponse.BadRequest("lease expired");
        }

        if (!lease.Renewable)
        {
            return VaultResponse.BadRequest("lease is not renewable");
        }

        var (ttl, warning, failure) = TtlCalculator.Calculate(increment, lease.DefaultTtl, lease.MaxTtl, lease.IssueTime, request.Now, request.State.Options);
        if (failure is not null)
        {
            return VaultResponse.BadRequest(failure);
        }

        lease.ExpireTime = request.Now + ttl;
        lease.LastRenewal = request.Now;
        lease.RenewCount++;
        return VaultResponse.Ok(null, MountType, warning is null ? null : [warning]) with
        {
            LeaseId = lease.Id,
            Renewable = true,
            LeaseDuration = TtlCalculator.Seconds(ttl),
        };
    }

    private static VaultResponse Revoke(VaultRequest request, string urlLeaseId)
    {
        var id = request.GetString("lease_id") is { Length: > 0 } bodyId ? bodyId : urlLeaseId;
        if (id.Length == 0)
        {
            return VaultResponse.BadRequest("lease_id must be specified");
        }

        if (!request.TryGetBool("sync", true, out var sync, out var error))
        {
            return error!;
        }

        request.Ns.Leases.RevokeNow(id);
        return sync ? VaultResponse.NoContent() : VaultResponse.Accepted();
    }

    private static VaultResponse RevokePrefix(VaultRequest request, string prefix)
    {
        if (!request.TryGetBool("sync", true, out var sync, out var error))
        {
            return error!;
        }

        request.Ns.Leases.RevokeByPrefix(prefix);
        return sync ? VaultResponse.NoContent() : VaultResponse.Accepted();
    }
}
