using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

internal enum ResponseKind
{
    /// <summary>The full <c>logical.HTTPResponse</c> envelope (spec §1.3).</summary>
    Envelope,

    /// <summary><c>{"errors":[...]}</c> (spec §1.4).</summary>
    Errors,

    /// <summary>No body, no content type (204, 202).</summary>
    NoBody,

    /// <summary>Status and <c>Content-Type: application/json</c> only (KV PATCH on a missing key, §3.4).</summary>
    EmptyJson,

    /// <summary>A bare JSON object, not an envelope (<c>sys/health</c>).</summary>
    Raw,
}

/// <summary>What a handler answers; <see cref="ResponseWriter"/> turns it into bytes.</summary>
internal sealed record VaultResponse
{
    private VaultResponse(ResponseKind kind, int status)
    {
        Kind = kind;
        Status = status;
    }

    public ResponseKind Kind { get; }

    public int Status { get; }

    public JsonNode? Data { get; init; }

    public JsonObject? Auth { get; init; }

    public JsonObject? WrapInfo { get; init; }

    /// <summary>Null: a fresh UUID is written. A wrapped reply uses <c>""</c> (§8).</summary>
    public string? RequestId { get; init; }

    public string LeaseId { get; init; } = "";

    public bool Renewable { get; init; }

    public long LeaseDuration { get; init; }

    public IReadOnlyList<string>? Warnings { get; init; }

    public string MountType { get; init; } = "";

    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Copy <c>data</c>'s keys to the top level too (the <c>sys/mounts</c> "injector").</summary>
    public bool InjectDataAtTopLevel { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static VaultResponse Ok(JsonNode? data, string mountType, IReadOnlyList<string>? warnings = null) =>
        new(ResponseKind.Envelope, 200) { Data = data, MountType = mountType, Warnings = NullIfEmpty(warnings) };

    public static VaultResponse Envelope(int status, JsonNode? data, string mountType) =>
        new(ResponseKind.Envelope, status) { Data = data, MountType = mountType };

    /// <summary>204, or 200 with only <c>warnings</c> when there are any (§1.3).</summary>
    public static VaultResponse NoContentOrWarnings(IReadOnlyList<string>? warnings, string mountType) =>
        warnings is { Count: > 0 } ? Ok(null, mountType, warnings) : NoContent();

    public static VaultResponse NoContent() => new(ResponseKind.NoBody, 204);

    public static VaultResponse Accepted() => new(ResponseKind.NoBody, 202);

    public static VaultResponse EmptyJson(int status) => new(ResponseKind.EmptyJson, status);

    public static VaultResponse Raw(int status, JsonObject body) => new(ResponseKind.Raw, status) { Data = body };

    public static VaultResponse Error(int status, params IReadOnlyList<string> errors) =>
        new(ResponseKind.Errors, status) { Errors = errors };

    /// <summary>400 with a backend's <c>logical.ErrorResponse</c> text.</summary>
    public static VaultResponse BadRequest(string message) => Error(400, message);

    /// <summary>404 <c>{"errors":[]}</c>: nothing found, or an unknown path.</summary>
    public static VaultResponse NotFound() => Error(404);

    /// <summary>405: the path exists but not this operation.</summary>
    public static VaultResponse UnsupportedOperation() => Error(405, GoFormat.MultiError("unsupported operation"));

    public static VaultResponse PermissionDenied(bool invalidToken) => Error(
        403,
        invalidToken ? GoFormat.MultiError("permission denied", "invalid token") : GoFormat.MultiError("permission denied"));

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string>? warnings) =>
        warnings is { Count: > 0 } ? warnings : null;
}
