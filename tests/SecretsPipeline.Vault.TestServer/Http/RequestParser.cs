using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>HTTP → <see cref="VaultRequest"/>, following <c>buildLogicalRequestNoAuth</c> (spec §1.1, §1.2).</summary>
internal static class RequestParser
{
    public const int MaxRequestSize = 32 * 1024 * 1024;
    private const string MergePatch = "application/merge-patch+json";

    public static async Task<(VaultRequest? Request, VaultResponse? Error)> ParseAsync(HttpContext http, FakeVaultState state)
    {
        var request = http.Request;
        var rawPath = request.Path.Value ?? "";
        if (!rawPath.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return (null, VaultResponse.NotFound());
        }

        var query = request.Query;
        var method = request.Method.ToUpperInvariant();
        VaultOperation? operation = method switch
        {
            "GET" or "HEAD" => IsListQuery(query) ? VaultOperation.List : VaultOperation.Read,
            "LIST" => VaultOperation.List,
            "POST" or "PUT" => VaultOperation.Update,
            "DELETE" => VaultOperation.Delete,
            "PATCH" => VaultOperation.Patch,
            _ => null,
        };
        if (operation is null)
        {
            return (null, VaultResponse.Error(405));
        }

        if (operation == VaultOperation.Patch && !IsMergePatch(request.ContentType))
        {
            return (null, VaultResponse.Error(415, $"PATCH requires Content-Type of {MergePatch}, provided {request.ContentType ?? ""}"));
        }

        TimeSpan? wrapTtl = null;
        if (request.Headers.TryGetValue("X-Vault-Wrap-TTL", out var wrapHeader) && !StringValues.IsNullOrEmpty(wrapHeader))
        {
            if (!GoFormat.TryParseDuration(wrapHeader.ToString(), out var ttl) || ttl <= TimeSpan.Zero)
            {
                return (null, VaultResponse.BadRequest($"error parsing X-Vault-Wrap-TTL header: invalid duration {wrapHeader}"));
            }

            wrapTtl = ttl;
        }

        JsonObject data;
        if (operation is VaultOperation.Update or VaultOperation.Patch)
        {
            var (body, error) = await ReadBodyAsync(request);
            if (error is not null)
            {
                return (null, error);
            }

            data = body!;
        }
        else
        {
            data = FromQuery(query);
        }

        var (namespacePath, path) = state.ResolveNamespace(request.Headers["X-Vault-Namespace"].ToString(), rawPath["/v1/".Length..]);
        if (operation == VaultOperation.List && !path.EndsWith('/'))
        {
            path += "/";
        }

        return (new VaultRequest
        {
            Method = method,
            Operation = operation.Value,
            Path = path,
            Namespace = namespacePath,
            Data = data,
            Token = ReadToken(request),
            WrapTtl = wrapTtl,
            State = state,
            Ns = state.Namespace(namespacePath),
            Now = state.Now,
        }, null);
    }

    private static bool IsListQuery(IQueryCollection query) =>
        query.TryGetValue("list", out var list) && Lenient.TryBool(JsonValue.Create(list.ToString()), out var isList) && isList;

    private static bool IsMergePatch(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, MergePatch, StringComparison.OrdinalIgnoreCase);

    private static string? ReadToken(HttpRequest request)
    {
        var token = request.Headers["X-Vault-Token"].ToString();
        if (token.Length > 0)
        {
            return token;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    private static JsonObject FromQuery(IEnumerable<KeyValuePair<string, StringValues>> pairs)
    {
        var data = new JsonObject();
        foreach (var (name, values) in pairs)
        {
            data[name] = values.Count == 1
                ? JsonValue.Create(values.ToString())
                : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        return data;
    }

    private static async Task<(JsonObject? Body, VaultResponse? Error)> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxRequestSize)
            {
                return (null, VaultResponse.Error(413, "http: request body too large"));
            }
        }

        var bytes = buffer.ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (new JsonObject(), null);
        }

        // isForm: the form content type *and* a body that does not start like JSON (curl -d sends JSON as a form).
        var isFormType = MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && string.Equals(mediaType.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if (isFormType && text.TrimStart(' ', '\t', '\n', '\r') is var head && !head.StartsWith('{') && !head.StartsWith('['))
        {
            return (FromQuery(QueryHelpers.ParseQuery(text)), null);
        }

        try
        {
            return JsonNode.Parse(bytes) is JsonObject obj ? (obj, null) : (null, VaultResponse.BadRequest("error parsing JSON"));
        }
        catch (JsonException)
        {
            return (null, VaultResponse.BadRequest("error parsing JSON"));
        }
    }
}
