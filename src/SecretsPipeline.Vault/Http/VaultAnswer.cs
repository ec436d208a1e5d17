using System.Text.Json;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Vault.Http;

/// <summary>
/// Reads Vault's answers in the shapes Vault documents. An answer of another shape (a proxy's page, an incompatible
/// server, a field of the wrong type) becomes a coded error naming the request, never an unhandled exception; the
/// message names the exception type only, since the answer itself may hold a value.
/// </summary>
internal static class VaultAnswer
{
    public static async Task<T> ReadAsync<T>(string request, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsShapeError(ex))
        {
            throw Malformed(request, ex);
        }
    }

    public static async Task ReadAsync(string request, Func<Task> read)
    {
        try
        {
            await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsShapeError(ex))
        {
            throw Malformed(request, ex);
        }
    }

    // What System.Text.Json's node accessors, the number and date parsers and a missing field throw; not cancellation or disposal.
    private static bool IsShapeError(Exception ex) =>
        ex is not ObjectDisposedException
        && ex is InvalidOperationException or FormatException or OverflowException or NullReferenceException or KeyNotFoundException or ArgumentException or JsonException or InvalidCastException;

    private static SecretsPipelineException Malformed(string request, Exception ex) =>
        new(Codes.VaultRequest, $"Vault's answer to {request} is not in the shape Vault documents ({ex.GetType().Name}); check that VAULT_ADDR points at Vault itself, not at a proxy or another server.", inner: ex);
}
