using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault.Kv;

/// <summary>Typed calls to one KV v2 mount. Reads are retried; writes always carry check-and-set, which makes their retry safe.</summary>
public sealed class KvV2Client(VaultHttpClient client, string mount)
{
    private readonly string _mount = mount.Trim('/');

    public string Mount => _mount;

    public Task<KvReadResult> ReadAsync(string path, long? version, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"GET {_mount}/data/{path}", () => ReadCoreAsync(path, version, cancellationToken));

    public Task<KvVersion> WriteAsync(string path, IReadOnlyDictionary<string, string?> values, long cas, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"POST {_mount}/data/{path}", () => WriteCoreAsync(path, values, cas, cancellationToken));

    /// <summary>The key metadata, or <c>null</c> when the key does not exist.</summary>
    public Task<KvMetadata?> ReadMetadataAsync(string path, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"GET {_mount}/metadata/{path}", () => ReadMetadataCoreAsync(path, cancellationToken));

    private async Task<KvReadResult> ReadCoreAsync(string path, long? version, CancellationToken cancellationToken)
    {
        var url = VaultHttpClient.Query($"{_mount}/data/{path}", ("version", version is { } v ? VaultHttpClient.Number(v) : null));
        var response = await client.SendAsync(HttpMethod.Get, url, null, retrySafe: true, cancellationToken).ConfigureAwait(false);
        var data = response.Data as JsonObject;
        var metadata = data?["metadata"];
        var custom = StringMap(metadata?["custom_metadata"]);
        if (response.Status == HttpStatusCode.NotFound)
        {
            if (metadata is null)
            {
                return new KvReadResult(KvReadOutcome.Missing, null, null, custom);
            }

            var info = KvVersion.Parse(metadata["version"]?.GetValue<long>() ?? version ?? 0, metadata);
            return new KvReadResult(info.Destroyed ? KvReadOutcome.Destroyed : KvReadOutcome.Deleted, info, null, custom);
        }

        if (!response.IsSuccess)
        {
            throw client.Failure(HttpMethod.Get, url, response);
        }

        if (metadata is null || data?["data"] is not JsonObject values)
        {
            throw new SecretsPipelineException(Codes.VaultRequest, $"'{_mount}' did not answer like a KV version 2 mount (no data/metadata in the response); set `mount:` or check the mount's version.");
        }

        var found = KvVersion.Parse(metadata["version"]!.GetValue<long>(), metadata);
        return new KvReadResult(KvReadOutcome.Found, found, values.ToDictionary(p => p.Key, p => Text(p.Value)), custom);
    }

    private async Task<KvVersion> WriteCoreAsync(string path, IReadOnlyDictionary<string, string?> values, long cas, CancellationToken cancellationToken)
    {
        var data = new JsonObject();
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }

        var body = new JsonObject { ["options"] = new JsonObject { ["cas"] = cas }, ["data"] = data };
        var url = $"{_mount}/data/{path}";
        var response = await client.SendAsync(HttpMethod.Post, url, body, retrySafe: true, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.BadRequest && response.Errors.Any(e => e.Contains("check-and-set parameter did not match", StringComparison.Ordinal)))
        {
            throw new SecretsPipelineException(Codes.CheckAndSetMismatch, $"{_mount}/{path} changed since version {cas} was read: another writer wrote first. Re-read and retry.");
        }

        if (!response.IsSuccess)
        {
            throw client.Failure(HttpMethod.Post, url, response);
        }

        return KvVersion.Parse(response.Data!["version"]!.GetValue<long>(), response.Data);
    }

    private async Task<KvMetadata?> ReadMetadataCoreAsync(string path, CancellationToken cancellationToken)
    {
        var url = $"{_mount}/metadata/{path}";
        var response = await client.SendExpectingAsync(HttpMethod.Get, url, null, true, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound || response.Data is not JsonObject data)
        {
            return null;
        }

        var versions = (data["versions"] as JsonObject ?? [])
            .Select(p => KvVersion.Parse(long.Parse(p.Key, CultureInfo.InvariantCulture), p.Value))
            .OrderBy(v => v.Version)
            .ToArray();
        return new KvMetadata(
            Long(data["current_version"]),
            Long(data["oldest_version"]),
            (int)Long(data["max_versions"]),
            GoDuration(data["delete_version_after"]),
            data["cas_required"]?.GetValue<bool>() ?? false,
            versions,
            StringMap(data["custom_metadata"]));
    }

    /// <summary>Replaces the key's custom metadata (other metadata settings are left as they are).</summary>
    public Task WriteCustomMetadataAsync(string path, IReadOnlyDictionary<string, string> custom, CancellationToken cancellationToken)
    {
        var map = new JsonObject();
        foreach (var (key, value) in custom)
        {
            map[key] = value;
        }

        return client.SendExpectingAsync(HttpMethod.Post, $"{_mount}/metadata/{path}", new JsonObject { ["custom_metadata"] = map }, true, cancellationToken);
    }

    public Task DeleteVersionsAsync(string path, IEnumerable<long> versions, CancellationToken cancellationToken) =>
        client.SendExpectingAsync(HttpMethod.Post, $"{_mount}/delete/{path}", new JsonObject { ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) }, true, cancellationToken);

    /// <summary>The mount's <c>config</c> (max_versions, delete_version_after), or <c>null</c> if the token may not read it.</summary>
    public Task<(int MaxVersions, TimeSpan DeleteVersionAfter)?> ReadConfigAsync(CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"GET {_mount}/config", () => ReadConfigCoreAsync(cancellationToken));

    private async Task<(int MaxVersions, TimeSpan DeleteVersionAfter)?> ReadConfigCoreAsync(CancellationToken cancellationToken)
    {
        var response = await client.SendAsync(HttpMethod.Get, $"{_mount}/config", null, retrySafe: true, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess && response.Data is JsonObject data
            ? ((int)Long(data["max_versions"]), GoDuration(data["delete_version_after"]))
            : null;
    }

    internal static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static Dictionary<string, string> StringMap(JsonNode? node) =>
        node is JsonObject obj ? obj.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => Text(p.Value)!, StringComparer.Ordinal) : [];

    private static long Long(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() == JsonValueKind.String ? long.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture) : value.GetValue<long>()
        : 0;

    /// <summary>Go duration strings as Vault prints them: "0s", "3h25m19s", "1m30.5s", "-1s".</summary>
    internal static TimeSpan GoDuration(JsonNode? node)
    {
        var text = node?.GetValue<string>();
        if (string.IsNullOrEmpty(text) || text.StartsWith('-'))
        {
            return TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var number = string.Empty;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c) || c == '.')
            {
                number += c;
                continue;
            }

            var unit = c == 'm' && i + 1 < text.Length && text[i + 1] == 's' ? "ms" : c.ToString();
            i += unit.Length - 1;
            var amount = double.Parse(number, CultureInfo.InvariantCulture);
            total += unit switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                _ => TimeSpan.Zero,
            };
            number = string.Empty;
        }

        return total;
    }
}
