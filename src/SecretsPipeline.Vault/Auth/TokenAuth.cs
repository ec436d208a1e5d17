using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault.Auth;

/// <summary>A fixed token: <c>VAULT_TOKEN</c>, else <c>~/.vault-token</c> (whitespace trimmed), as the Vault CLI does.</summary>
public sealed class TokenAuth(string token) : IVaultAuth
{
    public bool CanLogIn => false;

    public static TokenAuth FromEnvironment(Func<string, string?> variable, string? home)
    {
        var token = variable("VAULT_TOKEN");
        if (string.IsNullOrWhiteSpace(token) && home is not null)
        {
            var file = Path.Combine(home, ".vault-token");
            token = File.Exists(file) ? File.ReadAllText(file) : null;
        }

        return string.IsNullOrWhiteSpace(token)
            ? throw new SecretsPipelineException(Codes.VaultAuth, "no Vault token: set VAULT_TOKEN, run `vault login` (writes ~/.vault-token), or configure `auth: approle` or `auth: jwt` on the store.")
            : new TokenAuth(token.Trim());
    }

    public Task<string> GetTokenAsync(VaultHttpClient client, string? stale, CancellationToken cancellationToken) => Task.FromResult(token);
}
