using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault.Auth;

/// <summary>Supplies the Vault token; methods that can log in again (AppRole, JWT) refresh it once on a 403.</summary>
public interface IVaultAuth
{
    bool CanLogIn { get; }

    Task<string> GetTokenAsync(VaultHttpClient client, bool refresh, CancellationToken cancellationToken);
}
