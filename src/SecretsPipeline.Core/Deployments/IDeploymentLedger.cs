namespace SecretsPipeline.Core.Deployments;

/// <summary>The deployment ledger a store keeps. Writes replace the whole record; the resolver writes after every lease it issues.</summary>
public interface IDeploymentLedger
{
    Task<DeploymentRecord?> GetDeploymentAsync(string deploymentId, CancellationToken cancellationToken);

    Task SaveDeploymentAsync(DeploymentRecord record, CancellationToken cancellationToken);

    /// <summary>Every deployment of an environment, oldest first.</summary>
    Task<IReadOnlyList<DeploymentRecord>> ListDeploymentsAsync(string environment, CancellationToken cancellationToken);
}
