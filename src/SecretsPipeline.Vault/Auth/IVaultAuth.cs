using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault.Auth;

/// <summary>Supplies the Vault token; methods that can log in again (AppRole, JWT) refresh it once on a 403.</summary>
public interface IVaultAuth
{
    bool CanLogIn { get; }

    /// <param name="client">The client to log in with.</param>
    /// <param name="stale">The token a request was refused with; a new login happens only if it is still the current one.</param>
    /// <param name="cancellationToken">Cancels the login.</param>
    Task<string> GetTokenAsync(VaultHttpClient client, string? stale, CancellationToken cancellationToken);
}
