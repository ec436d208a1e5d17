using System.CommandLine;

namespace SecretsPipeline.Cli;

/// <summary>The options every command takes (design §4).</summary>
internal sealed class CommonOptions
{
    public Option<string?> Manifest { get; } = new("--manifest") { Description = "Path to secrets.yaml (default: secrets.yaml at the repository root).", Recursive = true };

    public Option<string?> Lock { get; } = new("--lock") { Description = "Path to secrets.lock.json (default: beside the manifest).", Recursive = true };

    public Option<string?> Env { get; } = new("--env") { Description = "The environment (required by resolve, rotate and revoke; narrows lock and verify).", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Write a machine-readable JSON report to standard output.", Recursive = true };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Show stack traces of unexpected errors.", Recursive = true };

    public Option<string[]> TrustKey { get; } = new("--trust-key") { Description = "Trust this public key (PEM text or file) as a lock signer; repeatable.", Recursive = true, AllowMultipleArgumentsPerToken = false };

    public Option<string[]> TrustTransitKey { get; } = new("--trust-transit-key") { Description = "Trust lock signatures by this Vault transit key (`transit/NAME` or `MOUNT/NAME`), checked with transit/verify on VAULT_ADDR; repeatable.", Recursive = true };

    public Option<int?> Parallelism { get; } = new("--parallelism") { Description = "Store requests in flight at once (default: SECRETS_PIPELINE_PARALLELISM, else 32).", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Parallelism);
        root.Options.Add(TrustTransitKey);
        root.Options.Add(Manifest);
        root.Options.Add(Lock);
        root.Options.Add(Env);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
        root.Options.Add(TrustKey);
    }
}
