using System.CommandLine;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Cli.Commands;

/// <summary>
/// <c>promote --deployment ID --env ENV</c>: mark a resolved deployment live; only then are the leases of the
/// deployment it replaces revoked. Nothing is revoked before the replacement is live.
/// </summary>
internal static class PromoteCommand
{
    public static Command Create(CommandRunner runner)
    {
        var deployment = new Option<string>("--deployment") { Description = "The deployment to mark live.", Required = true };
        var command = new Command("promote", "Mark a deployment live and revoke the leases of the deployment it replaces.") { deployment };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var environment = context.RequireEnvironment("promote");
            var manifest = context.ReadManifest();
            await using var stores = context.OpenStores();
            var store = stores.Open(manifest.StoreFor(environment));
            var id = context.Get(deployment)!;
            var existing = await LeasesCommand.Ledger(store, environment).GetDeploymentAsync(id, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.Environment != environment)
            {
                throw new SecretsPipelineException(Codes.DeploymentUnknown, $"deployment '{id}' is not in the ledger of '{environment}'; resolve it first (`secrets-pipeline resolve --env {environment} --deployment {id}`).");
            }

            return await PromoteAsync(context, store, manifest.Environment(environment), new DeploymentContext(existing.Id, existing.Commit, existing.LockDigest), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Promotes (recording a lease-less deployment first when a static-only resolve left none), then reports the replaced one.</summary>
    internal static async Task<int> PromoteAsync(CommandContext context, ISecretStore store, EnvironmentDefinition environment, DeploymentContext deployment, CancellationToken cancellationToken)
    {
        var ledger = LeasesCommand.Ledger(store, environment.Name);
        if (await ledger.GetDeploymentAsync(deployment.Id, cancellationToken).ConfigureAwait(false) is null)
        {
            var now = DateTimeOffset.UtcNow;
            await ledger.SaveDeploymentAsync(new DeploymentRecord(deployment.Id, environment.Name, deployment.Commit, deployment.LockDigest, DeploymentState.Pending, [], now, now), cancellationToken).ConfigureAwait(false);
        }

        Exception? failure = null;
        IReadOnlyList<string>? revokedLeases = null;
        try
        {
            var (replaced, failed) = await new DeploymentService(store, ledger).PromoteAsync(deployment.Id, cancellationToken).ConfigureAwait(false);
            revokedLeases = replaced?.Leases.Where(l => l.Revoked).Select(l => l.LeaseId).ToArray();
            var revoked = replaced?.Leases.Count(l => l.Revoked) ?? 0;
            context.Output.Info(
                replaced is null
                    ? $"promote: {deployment.Id} is live in '{environment.Name}'"
                    : $"promote: {deployment.Id} is live in '{environment.Name}'; {replaced.Id} superseded, {revoked} of its leases revoked",
                toError: context.Json);
            if (failed.Count > 0)
            {
                throw new SecretsPipelineException(Codes.LeaseInvalid, $"{failed.Count} lease(s) of the replaced deployment could not be revoked: {string.Join(", ", failed)}; retry with `secrets-pipeline leases release --deployment {replaced!.Id} --env {environment.Name}`.");
            }

            return ExitCodes.Ok;
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            await Audit.RecordAsync(context, [store], "promote", environment.Name, deployment.Commit, deployment.LockDigest, null, revokedLeases, Audit.Outcome(failure)).ConfigureAwait(false);
        }
    }
}
