namespace SecretsPipeline.Core.Deployments;

/// <summary>Where a deployment stands. Only a <see cref="Live"/> deployment's leases are protected from supersession.</summary>
public enum DeploymentState
{
    /// <summary>Resolved (or resolving); its leases exist, but it has not been promoted.</summary>
    Pending,

    /// <summary>Promoted: the release serving the environment.</summary>
    Live,

    /// <summary>Replaced by a newer live deployment; its leases were revoked.</summary>
    Superseded,

    /// <summary>A resolve that failed; its leases were revoked before the command exited.</summary>
    Failed,

    /// <summary>Its leases were released by hand (<c>leases release</c>).</summary>
    Released,
}
