using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault;

/// <summary>
/// Opens <c>type: vault</c> stores. Settings come from the manifest entry (address, namespace, auth, role, audience,
/// jwt_mount, approle_mount, ca_cert, skip_verify, transit_key) and otherwise from the usual <c>VAULT_*</c> variables.
/// </summary>
public sealed class VaultStoreFactory(Func<string, string?> variable, string? userHome, int parallelism = 32, HttpMessageHandler? handler = null) : IStoreFactory
{
    public string Type => "vault";

    public ISecretStore Open(StoreDefinition definition, string manifestDirectory)
    {
        var options = VaultClientOptions.FromEnvironment(definition.Settings, variable) with { Parallelism = parallelism };
        var client = new VaultHttpClient(options, CreateAuth(definition), handler);
        return new VaultStore(
            client,
            definition.Setting("transit_key"),
            definition.Setting("detect_mount") is "true",
            definition.Setting("ledger_mount") ?? "secret",
            definition.Setting("ledger_path") ?? "secrets-pipeline");
    }

    private IVaultAuth CreateAuth(StoreDefinition definition)
    {
        var method = definition.Setting("auth") ?? variable("SECRETS_PIPELINE_VAULT_AUTH") ?? "token";
        return method switch
        {
            "token" => TokenAuth.FromEnvironment(variable, userHome),
            "approle" => new AppRoleAuth(definition.Setting("approle_mount") ?? "approle", variable),
            "jwt" => new JwtAuth(
                definition.Setting("jwt_mount") ?? variable("VAULT_JWT_MOUNT") ?? "jwt",
                definition.Setting("role") ?? variable("VAULT_JWT_ROLE"),
                definition.Setting("audience") ?? variable("VAULT_JWT_AUDIENCE"),
                variable),
            _ => throw new SecretsPipelineException(Codes.VaultConfig, $"store '{definition.Name}': unknown auth '{method}'; use token, approle or jwt.", definition.Location),
        };
    }
}
