using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Vault;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Transit;

namespace SecretsPipeline.Cli.Commands;

/// <summary>The signers chosen with <c>--signer</c> or <c>SECRETS_PIPELINE_SIGNERS</c>, and what they hold open.</summary>
internal sealed class LockSigners : IDisposable
{
    public const string Variable = "SECRETS_PIPELINE_SIGNERS";

    private readonly List<IDisposable> _owned = [];

    public List<ILockSigner> Signers { get; } = [];

    public static LockSigners Create(CommandContext context, string[] requested)
    {
        var specs = requested.Length > 0
            ? requested
            : (Environment.GetEnvironmentVariable(Variable) ?? "local").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new LockSigners();
        VaultHttpClient? vault = null;
        foreach (var spec in specs.Distinct(StringComparer.Ordinal))
        {
            if (spec == "local")
            {
                ECDsa key = EcdsaKeys.LoadPrivate(context.Home);
                var signer = new LocalSigner(key);
                result._owned.Add(signer);
                result.Signers.Add(signer);
            }
            else if (spec.StartsWith("vault-transit:", StringComparison.Ordinal) && spec.Length > "vault-transit:".Length)
            {
                var path = spec["vault-transit:".Length..];
                if (vault is null)
                {
                    vault = VaultEnvironmentClient.Create(Environment.GetEnvironmentVariable, CommandContext.UserProfile);
                    result._owned.Add(vault);
                }

                var mount = TransitTrustSource.Mount(path);
                result.Signers.Add(new TransitSigner(new TransitClient(vault, mount), mount, TransitTrustSource.Name(path)));
            }
            else
            {
                throw new SecretsPipelineException(Codes.Usage, $"unknown signer '{spec}'; use `local` or `vault-transit:MOUNT/KEY` (e.g. vault-transit:transit/secrets-pipeline).");
            }
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
