using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Deployments;

/// <summary>
/// What happens to a deployment after its resolve: promotion (and only then the supersession of the live one it
/// replaces), renewal and release of its leases. Every lease change is written to the ledger as it happens.
/// </summary>
public sealed class DeploymentService(ISecretStore store, IDeploymentLedger ledger)
{
    public async Task<DeploymentRecord> GetAsync(string id, CancellationToken cancellationToken) =>
        await ledger.GetDeploymentAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new SecretsPipelineException(Codes.DeploymentUnknown, $"deployment '{id}' is not in the ledger; `secrets-pipeline leases list --env ENV` shows the known ones.");

    /// <summary>Marks <paramref name="id"/> live, then revokes the leases of the deployment that was live before it.</summary>
    /// <returns>The replaced deployment, if any, and the lease ids that could not be revoked.</returns>
    public async Task<(DeploymentRecord? Replaced, IReadOnlyList<string> Failed)> PromoteAsync(string id, CancellationToken cancellationToken)
    {
        var record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (record.State is DeploymentState.Failed or DeploymentState.Released or DeploymentState.Superseded)
        {
            throw new SecretsPipelineException(Codes.DeploymentUnknown, $"deployment '{id}' is {record.State.ToString().ToLowerInvariant()} and cannot go live; resolve the release again to start a new deployment.");
        }

        var now = DateTimeOffset.UtcNow;
        await ledger.SaveDeploymentAsync(record with { State = DeploymentState.Live, Updated = now }, cancellationToken).ConfigureAwait(false);
        var others = await ledger.ListDeploymentsAsync(record.Environment, cancellationToken).ConfigureAwait(false);
        DeploymentRecord? replaced = null;
        var failed = new List<string>();
        foreach (var old in others.Where(d => d.Id != id && d.State == DeploymentState.Live))
        {
            var (after, notRevoked) = await RevokeLeasesAsync(old with { SupersededBy = id }, DeploymentState.Superseded, cancellationToken).ConfigureAwait(false);
            replaced = after;
            failed.AddRange(notRevoked);
        }

        return (replaced, failed);
    }

    /// <summary>
    /// Renews every unrevoked lease, carrying on past ones that cannot be renewed (expired, past max TTL);
    /// returns the updated record and the ids that were not renewed, so the caller can say which need new credentials.
    /// </summary>
    public async Task<(DeploymentRecord Record, IReadOnlyList<string> Failed)> RenewAsync(string id, TimeSpan? increment, CancellationToken cancellationToken)
    {
        var record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return await UpdateLeasesAsync(record, record.State, cancellationToken, async lease =>
        {
            var renewed = await store.RenewLeaseAsync(lease.LeaseId, increment, cancellationToken).ConfigureAwait(false);
            return lease with { Expires = renewed.Expires };
        }).ConfigureAwait(false);
    }

    /// <summary>Revokes every lease of the deployment (idempotent); returns the record and the ids that could not be revoked.</summary>
    public async Task<(DeploymentRecord Record, IReadOnlyList<string> Failed)> ReleaseAsync(string id, CancellationToken cancellationToken)
    {
        var record = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return await RevokeLeasesAsync(record, DeploymentState.Released, cancellationToken).ConfigureAwait(false);
    }

    private Task<(DeploymentRecord Record, IReadOnlyList<string> Failed)> RevokeLeasesAsync(DeploymentRecord record, DeploymentState state, CancellationToken cancellationToken) =>
        UpdateLeasesAsync(record, state, cancellationToken, async lease =>
        {
            await store.RevokeLeaseAsync(lease.LeaseId, cancellationToken).ConfigureAwait(false);
            return lease with { Revoked = true };
        });

    /// <summary>
    /// Applies <paramref name="change"/> to every unrevoked lease, keeping a lease as it was when its store call fails,
    /// then saves the record once with <paramref name="state"/>; returns the ids that failed.
    /// </summary>
    private async Task<(DeploymentRecord Record, IReadOnlyList<string> Failed)> UpdateLeasesAsync(
        DeploymentRecord record, DeploymentState state, CancellationToken cancellationToken, Func<LeaseRecord, Task<LeaseRecord>> change)
    {
        var leases = new List<LeaseRecord>();
        var failed = new List<string>();
        foreach (var lease in record.Leases)
        {
            if (lease.Revoked)
            {
                leases.Add(lease);
                continue;
            }

            try
            {
                leases.Add(await change(lease).ConfigureAwait(false));
            }
            catch (SecretsPipelineException)
            {
                failed.Add(lease.LeaseId);
                leases.Add(lease);
            }
        }

        var updated = record with { Leases = leases, State = state, Updated = DateTimeOffset.UtcNow };
        await ledger.SaveDeploymentAsync(updated, cancellationToken).ConfigureAwait(false);
        return (updated, failed);
    }
}
