using System.Net;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.Http;

/// <summary>A Vault answer: status, parsed body (null when empty) and the <c>errors</c> array if any.</summary>
internal sealed record VaultResponse(HttpStatusCode Status, JsonObject? Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public JsonNode? Data => Body?["data"];

    public IReadOnlyList<string> Errors =>
        Body?["errors"] is JsonArray errors ? errors.Select(e => Kv.KvV2Client.Text(e) ?? string.Empty).ToArray() : [];

    /// <summary>Vault's error text on one line; multierror bodies ("1 error occurred:\n\t* permission denied\n\n") are flattened.</summary>
    public string ErrorText =>
        Errors.Count == 0
            ? $"HTTP {(int)Status}"
            : string.Join("; ", Errors.Select(e => string.Join(' ', e.Split(['\n', '\t', '*'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));
}
