using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Vault.Auth;

/// <summary>AppRole: <c>VAULT_ROLE_ID</c> and <c>VAULT_SECRET_ID</c>, or files named by <c>VAULT_ROLE_ID_FILE</c>/<c>VAULT_SECRET_ID_FILE</c>.</summary>
public sealed class AppRoleAuth(string mount, Func<string, string?> variable) : LoginAuth(mount)
{
    protected override string Method => "AppRole";

    protected override Task<JsonObject> LoginBodyAsync(CancellationToken cancellationToken)
    {
        var roleId = ValueOrFile(variable, "VAULT_ROLE_ID")
            ?? throw new SecretsPipelineException(Codes.VaultAuth, "AppRole login needs VAULT_ROLE_ID (or VAULT_ROLE_ID_FILE naming a file that holds it).");
        var body = new JsonObject { ["role_id"] = roleId };
        if (ValueOrFile(variable, "VAULT_SECRET_ID") is { } secretId)
        {
            body["secret_id"] = secretId;
        }

        return Task.FromResult(body);
    }
}
