using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault;

/// <summary>
/// A Vault client configured only from the environment (never from the repository's manifest), for trust decisions:
/// a manifest edited to point at another Vault must not be able to vouch for its own lock.
/// </summary>
public static class VaultEnvironmentClient
{
    public static VaultHttpClient Create(Func<string, string?> variable, string? userHome)
    {
        var options = VaultClientOptions.FromEnvironment(new Dictionary<string, string>(), variable);
        IVaultAuth auth = (variable("SECRETS_PIPELINE_VAULT_AUTH") ?? "token") switch
        {
            "approle" => new AppRoleAuth("approle", variable),
            "jwt" => new JwtAuth(variable("VAULT_JWT_MOUNT") ?? "jwt", variable("VAULT_JWT_ROLE"), variable("VAULT_JWT_AUDIENCE"), variable),
            _ => TokenAuth.FromEnvironment(variable, userHome),
        };
        return new VaultHttpClient(options, auth);
    }
}
