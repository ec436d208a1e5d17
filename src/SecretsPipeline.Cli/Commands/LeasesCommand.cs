using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>leases list|renew|release</c>: the leases a deployment holds, from the ledger in the environment's store.</summary>
internal static class LeasesCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("leases", "List, renew or release the leases a deployment holds.");
        var deployment = new Option<string?>("--deployment") { Description = "The deployment (see `leases list`).", Recursive = true };
        command.Options.Add(deployment);

        var list = new Command("list", "List the deployments of --env and their leases (or one deployment with --deployment).");
        runner.SetAction(list, (context, ct) => RunAsync(context, deployment, "leases list", ct, async (service, ledger, environment, id) =>
        {
            var records = id is null
                ? await ledger.ListDeploymentsAsync(environment, ct).ConfigureAwait(false)
                : [await service.GetAsync(id, ct).ConfigureAwait(false)];
            Print(context, records);
            return (records.FirstOrDefault(), []);
        }));

        var increment = new Option<string?>("--increment") { Description = "Requested extension, e.g. 1h (default: each lease's own TTL)." };
        var renew = new Command("renew", "Renew every unrevoked lease of --deployment.") { increment };
        runner.SetAction(renew, (context, ct) => RunAsync(context, deployment, "leases renew", ct, async (service, _, _, id) =>
        {
            TimeSpan? extra = context.Get(increment) is { } text
                ? Core.Manifest.Durations.TryParse(text, out var span) ? span : throw new SecretsPipelineException(Codes.Usage, $"--increment '{text}' is not a duration; write e.g. 3600, 30m or 1h.")
                : null;
            var (record, failed) = await service.RenewAsync(Require(id), extra, ct).ConfigureAwait(false);
            Print(context, [record]);
            return (record, failed);
        }));

        var release = new Command("release", "Revoke every lease of --deployment (safe to repeat).");
        runner.SetAction(release, (context, ct) => RunAsync(context, deployment, "leases release", ct, async (service, _, _, id) =>
        {
            var (record, failed) = await service.ReleaseAsync(Require(id), ct).ConfigureAwait(false);
            Print(context, [record]);
            return (record, failed);
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(renew);
        command.Subcommands.Add(release);
        return command;
    }

    internal static IDeploymentLedger Ledger(ISecretStore store, string environment) =>
        store as IDeploymentLedger
        ?? throw new SecretsPipelineException(Codes.LedgerUnsupported, $"the store of '{environment}' keeps no deployment ledger.");

    private static async Task<int> RunAsync(
        CommandContext context,
        Option<string?> deploymentOption,
        string name,
        CancellationToken cancellationToken,
        Func<DeploymentService, IDeploymentLedger, string, string?, Task<(DeploymentRecord? Record, IReadOnlyList<string> Failed)>> body)
    {
        var environment = context.RequireEnvironment(name);
        var manifest = context.ReadManifest();
        await using var stores = context.OpenStores();
        var store = stores.Open(manifest.StoreFor(environment));
        var ledger = Ledger(store, environment);
        var (record, failed) = await body(new DeploymentService(store, ledger), ledger, environment, context.Get(deploymentOption)).ConfigureAwait(false);
        if (name != "leases list")
        {
            await Audit.RecordAsync(context, [store], name, environment, record?.Commit, record?.LockDigest, null, record?.Leases.Select(l => l.LeaseId).ToArray(), failed.Count == 0 ? "ok" : "partial").ConfigureAwait(false);
        }

        if (failed.Count > 0)
        {
            throw new SecretsPipelineException(
                Codes.LeaseInvalid,
                name == "leases renew"
                    ? $"{failed.Count} lease(s) could not be renewed (expired or past their max TTL): {string.Join(", ", failed)}; resolve the release again for new credentials."
                    : $"{failed.Count} lease(s) could not be revoked: {string.Join(", ", failed)}; rerun the command, it skips the ones already revoked.");
        }

        return ExitCodes.Ok;
    }

    private static string Require(string? id) =>
        id ?? throw new SecretsPipelineException(Codes.Usage, "this command needs --deployment ID (see `secrets-pipeline leases list --env ENV`).");

    private static void Print(CommandContext context, IReadOnlyList<DeploymentRecord> records)
    {
        if (context.Json)
        {
            context.Output.WriteJson(new JsonObject { ["deployments"] = new JsonArray(records.Select(r => (JsonNode?)DeploymentJson.ToJson(r)).ToArray()) });
            return;
        }

        foreach (var record in records)
        {
            context.Output.Info($"{record.Id}  {record.State.ToString().ToLowerInvariant()}  commit {record.Commit?[..Math.Min(12, record.Commit.Length)] ?? "-"}  {record.Leases.Count(l => !l.Revoked)} active lease(s)");
            foreach (var lease in record.Leases)
            {
                var expires = lease.Expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                context.Output.Info($"  {lease.Secret}  {lease.LeaseId}  {(lease.Revoked ? "revoked" : $"expires {expires}")}");
            }
        }
    }
}
