using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>Response wrapping (spec §8): <c>X-Vault-Wrap-TTL</c> replies, single-use tokens, <c>sys/wrapping/unwrap|lookup</c>.</summary>
internal static class Wrapping
{
    private const string InvalidToken = "wrapping token is not valid or does not exist";

    /// <summary>Replaces a successful reply by one that only carries <c>wrap_info</c>; other replies pass through.</summary>
    public static VaultResponse Wrap(VaultRequest request, VaultResponse response, TimeSpan ttl)
    {
        if (response.Kind != ResponseKind.Envelope || response.Status != 200 || request.Path.StartsWith("sys/wrapping/", StringComparison.Ordinal))
        {
            return response;
        }

        var entry = new WrappedResponse("hvs." + GoFormat.RandomString(24), GoFormat.RandomString(24), response, request.Now, ttl, request.Path);
        lock (request.State.Sync)
        {
            request.State.WrappedResponses[entry.Token] = entry;
        }

        var wrapInfo = new JsonObject
        {
            ["token"] = entry.Token,
            ["accessor"] = entry.Accessor,
            ["ttl"] = TtlCalculator.Seconds(ttl),
            ["creation_time"] = GoFormat.Time(entry.CreationTime),
            ["creation_path"] = entry.CreationPath,
        };
        return VaultResponse.Envelope(200, null, "") with { RequestId = "", WrapInfo = wrapInfo };
    }

    /// <summary>True when <paramref name="request"/> presents a live wrapping token as its client token on a wrapping path.</summary>
    public static bool UsesWrappingToken(VaultRequest request) =>
        request.Path is "sys/wrapping/unwrap" or "sys/wrapping/lookup" && request.Token is { } token && Find(request, token) is not null;

    public static VaultResponse Handle(VaultRequest request, string action)
    {
        if (request.Operation != VaultOperation.Update && !(action == "lookup" && request.Operation == VaultOperation.Read))
        {
            return VaultResponse.UnsupportedOperation();
        }

        var token = request.GetString("token") is { Length: > 0 } bodyToken ? bodyToken : request.Token ?? "";
        if (Find(request, token) is not { } entry)
        {
            return VaultResponse.BadRequest(InvalidToken);
        }

        if (action == "lookup")
        {
            return VaultResponse.Ok(
                new JsonObject
                {
                    ["creation_path"] = entry.CreationPath,
                    ["creation_time"] = GoFormat.Time(entry.CreationTime),
                    ["creation_ttl"] = TtlCalculator.Seconds(entry.Ttl),
                },
                "system");
        }

        request.State.WrappedResponses.Remove(entry.Token);
        return entry.Response;
    }

    private static WrappedResponse? Find(VaultRequest request, string token)
    {
        lock (request.State.Sync)
        {
            return request.State.WrappedResponses.TryGetValue(token, out var entry) && request.Now < entry.CreationTime + entry.Ttl ? entry : null;
        }
    }
}

internal sealed record WrappedResponse(string Token, string Accessor, VaultResponse Response, DateTimeOffset CreationTime, TimeSpan Ttl, string CreationPath);
