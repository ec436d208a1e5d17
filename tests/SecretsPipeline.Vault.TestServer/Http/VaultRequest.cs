using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

internal enum VaultOperation
{
    Read,
    List,
    Update,
    Delete,
    Patch,
}

/// <summary>A request after HTTP parsing (spec §1.1): operation, path below <c>/v1/</c>, merged data, token, namespace.</summary>
internal sealed class VaultRequest
{
    public required string Method { get; init; }

    public required VaultOperation Operation { get; init; }

    /// <summary>The path below <c>/v1/</c> (and below the namespace), without a leading slash; a LIST path ends with <c>/</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Normalized namespace path, <c>""</c> for the root namespace, else <c>ns1/ns2</c>.</summary>
    public required string Namespace { get; init; }

    public required JsonObject Data { get; init; }

    public string? Token { get; init; }

    public TimeSpan? WrapTtl { get; init; }

    public required FakeVaultState State { get; init; }

    public required VaultNamespace Ns { get; init; }

    public DateTimeOffset Now { get; init; }

    /// <summary>The token the request was made with, once the router validated it.</summary>
    public TokenEntry? Caller { get; set; }

    public bool Has(string field) => Data[field] is not null;

    public string? GetString(string field) => Lenient.AsString(Data[field]);

    /// <summary>Reads an int field leniently; on failure <paramref name="error"/> is a 400.</summary>
    public bool TryGetInt(string field, out long value, out VaultResponse? error)
    {
        error = Lenient.TryInt(Data[field], out value) ? null : VaultResponse.BadRequest(Lenient.FieldError(Data[field], field, "invalid syntax"));
        return error is null;
    }

    public bool TryGetBool(string field, bool defaultValue, out bool value, out VaultResponse? error)
    {
        error = null;
        if (!Has(field))
        {
            value = defaultValue;
            return true;
        }

        if (!Lenient.TryBool(Data[field], out value))
        {
            error = VaultResponse.BadRequest(Lenient.FieldError(Data[field], field, "invalid syntax"));
        }

        return error is null;
    }

    public bool TryGetDuration(string field, out TimeSpan value, out VaultResponse? error)
    {
        error = Lenient.TryDuration(Data[field], out value)
            ? null
            : VaultResponse.BadRequest(Lenient.FieldError(Data[field], field, "time: invalid duration"));
        return error is null;
    }

    public bool TryGetIntList(string field, out List<long> values, out VaultResponse? error)
    {
        error = Lenient.TryIntList(Data[field], out values)
            ? null
            : VaultResponse.BadRequest(Lenient.FieldError(Data[field], field, "invalid syntax"));
        return error is null;
    }
}
