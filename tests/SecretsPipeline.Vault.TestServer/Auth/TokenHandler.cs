using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary><c>auth/token/lookup-self</c>, <c>renew-self</c>, <c>revoke-self</c> (spec §7.1) and the shared <c>auth</c> block (§1.3).</summary>
internal static class TokenHandler
{
    private const string MountType = "token";

    public static VaultResponse Handle(VaultRequest request, string rest)
    {
        var caller = request.Caller!;
        return (rest, request.Operation) switch
        {
            ("lookup-self", VaultOperation.Read or VaultOperation.Update) => VaultResponse.Ok(Lookup(caller, request.Now), MountType),
            ("renew-self", VaultOperation.Update) => Renew(request, caller),
            ("revoke-self", VaultOperation.Update) => Revoke(request, caller),
            ("lookup-self" or "renew-self" or "revoke-self", _) => VaultResponse.UnsupportedOperation(),
            _ => VaultResponse.NotFound(),
        };
    }

    /// <summary>The <c>auth</c> object of a login or renewal; <c>token_policies</c> is omitted when empty.</summary>
    public static JsonObject AuthBlock(TokenEntry token, long leaseDuration)
    {
        var auth = new JsonObject
        {
            ["client_token"] = token.Id,
            ["accessor"] = token.Accessor,
            ["policies"] = Strings(token.Policies),
        };
        if (token.Policies.Count > 0)
        {
            auth["token_policies"] = Strings(token.Policies);
        }

        auth["metadata"] = token.Metadata is null ? null : new JsonObject(token.Metadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        auth["lease_duration"] = leaseDuration;
        auth["renewable"] = token.Renewable;
        auth["entity_id"] = token.EntityId;
        auth["token_type"] = "service";
        auth["orphan"] = token.Orphan;
        auth["mfa_requirement"] = null;
        auth["num_uses"] = 0;
        return auth;
    }

    public static VaultResponse Login(TokenEntry token, string mountType) =>
        VaultResponse.Ok(null, mountType) with { Auth = AuthBlock(token, TtlCalculator.Seconds(token.CreationTtl)) };

    private static JsonObject Lookup(TokenEntry token, DateTimeOffset now)
    {
        var data = new JsonObject
        {
            ["accessor"] = token.Accessor,
            ["creation_time"] = token.IssueTime.ToUnixTimeSeconds(),
            ["creation_ttl"] = TtlCalculator.Seconds(token.CreationTtl),
            ["display_name"] = token.DisplayName,
            ["entity_id"] = token.EntityId,
            ["expire_time"] = token.ExpireTime is { } expires ? GoFormat.Time(expires) : null,
            ["explicit_max_ttl"] = 0,
            ["id"] = token.Id,
            ["issue_time"] = GoFormat.Time(token.IssueTime),
            ["meta"] = token.Metadata is null ? null : new JsonObject(token.Metadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["num_uses"] = 0,
            ["orphan"] = token.Orphan,
            ["path"] = token.Path,
            ["policies"] = Strings(token.Policies),
            ["renewable"] = token.Renewable,
            ["ttl"] = token.ExpireTime is { } expiry ? Math.Max(0, TtlCalculator.Seconds(expiry - now)) : 0,
            ["type"] = "service",
        };
        if (token.LastRenewal is { } renewed)
        {
            data["last_renewal"] = GoFormat.Time(renewed);
            data["last_renewal_time"] = renewed.ToUnixTimeSeconds();
        }

        return data;
    }

    private static VaultResponse Renew(VaultRequest request, TokenEntry token)
    {
        if (!request.TryGetDuration("increment", out var increment, out var error))
        {
            return error!;
        }

        if (!token.Renewable)
        {
            return VaultResponse.BadRequest("lease is not renewable");
        }

        var (ttl, warning, failure) = TtlCalculator.Calculate(increment, token.CreationTtl, token.MaxTtl, token.IssueTime, request.Now, request.State.Options);
        if (failure is not null)
        {
            return VaultResponse.BadRequest(failure);
        }

        token.ExpireTime = request.Now + ttl;
        token.LastRenewal = request.Now;
        token.RenewCount++;
        return VaultResponse.Ok(null, MountType, warning is null ? null : [warning]) with { Auth = AuthBlock(token, TtlCalculator.Seconds(ttl)) };
    }

    private static VaultResponse Revoke(VaultRequest request, TokenEntry token)
    {
        request.State.Tokens.Revoke(token.Id);
        return VaultResponse.NoContent();
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
