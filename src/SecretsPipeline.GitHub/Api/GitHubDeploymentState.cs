namespace SecretsPipeline.GitHub.Api;

public enum GitHubDeploymentState
{
    InProgress,
    Success,
    Failure,
}
