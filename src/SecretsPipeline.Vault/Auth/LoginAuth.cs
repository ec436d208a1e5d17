using System.Net;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault.Auth;

/// <summary>
/// A login method (AppRole, JWT): logs in on first use and again when asked to refresh, sharing one login
/// among concurrent requests. The token and the credentials are never part of a message.
/// </summary>
public abstract class LoginAuth(string mount) : IVaultAuth
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;

    public bool CanLogIn => true;

    protected abstract string Method { get; }

    public async Task<string> GetTokenAsync(VaultHttpClient client, string? stale, CancellationToken cancellationToken)
    {
        var current = _token;
        if (current is not null && current != stale)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have logged in while this one waited: share that login instead of making another.
            if (_token is not null && _token != stale)
            {
                return _token;
            }

            var body = await LoginBodyAsync(cancellationToken).ConfigureAwait(false);
            var path = $"auth/{mount.Trim('/')}/login";
            var response = await client.SendAsync(HttpMethod.Post, path, body, retrySafe: true, cancellationToken, authenticated: false).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                var hint = response.Status == HttpStatusCode.BadRequest ? "check the role and the credentials or token it was given" : "check the auth mount path and Vault's status";
                throw new SecretsPipelineException(Codes.VaultAuth, $"Vault {Method} login at {path} failed with {(int)response.Status}: {response.ErrorText} ({hint}).");
            }

            _token = response.Body?["auth"]?["client_token"]?.GetValue<string>()
                ?? throw new SecretsPipelineException(Codes.VaultAuth, $"Vault {Method} login at {path} returned no client token.");
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected abstract Task<JsonObject> LoginBodyAsync(CancellationToken cancellationToken);

    /// <summary>A setting given directly, or read from a file named by the <c>_file</c> form (trimmed).</summary>
    protected static string? ValueOrFile(Func<string, string?> variable, string name)
    {
        var value = variable(name);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        var file = variable(name + "_FILE");
        return !string.IsNullOrWhiteSpace(file) && File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
