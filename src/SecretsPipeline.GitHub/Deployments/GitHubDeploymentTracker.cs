using SecretsPipeline.Core.Errors;
using SecretsPipeline.GitHub.Api;

namespace SecretsPipeline.GitHub.Deployments;

/// <summary>
/// A GitHub deployment for one resolve: created (status in_progress) by <see cref="StartAsync"/>, marked success by
/// <see cref="SucceedAsync"/>, and marked failure when disposed without success, so any exception on the way fails it.
/// Once the resolve has finished, a failed status update is a warning (SPL5208), never a change of the outcome.
/// </summary>
public sealed class GitHubDeploymentTracker : IAsyncDisposable
{
    public const string PayloadKey = "secrets_pipeline";

    private readonly IGitHubApi _api;
    private readonly string _environment;
    private readonly string? _logUrl;
    private readonly Action<SecretsPipelineException> _warn;
    private bool _finished;

    private GitHubDeploymentTracker(IGitHubApi api, long id, string environment, string? logUrl, Action<SecretsPipelineException> warn)
    {
        _api = api;
        Id = id;
        _environment = environment;
        _logUrl = logUrl;
        _warn = warn;
    }

    public long Id { get; }

    /// <summary>Records a deployment of <paramref name="commit"/> whose payload names the lock digest and our deployment id; sets it in_progress.</summary>
    public static async Task<GitHubDeploymentTracker> StartAsync(
        IGitHubApi api, string environment, string commit, string lockDigest, string deploymentId, string? logUrl, Action<SecretsPipelineException> warn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var payload = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["commit"] = commit,
            ["lock_digest"] = lockDigest,
            ["deployment_id"] = deploymentId,
            ["tool"] = "secrets-pipeline",
        };
        var id = await api.CreateDeploymentAsync(
            new GitHubDeploymentRequest(commit, environment, $"secrets-pipeline resolve {deploymentId} (lock {Short(lockDigest)})", payload),
            cancellationToken).ConfigureAwait(false);
        await api.SetDeploymentStatusAsync(id, GitHubDeploymentState.InProgress, environment, $"resolving pinned secrets (lock {Short(lockDigest)})", logUrl, cancellationToken).ConfigureAwait(false);
        return new GitHubDeploymentTracker(api, id, environment, logUrl, warn);
    }

    public Task SucceedAsync(string description) => FinishAsync(GitHubDeploymentState.Success, description);

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            await FinishAsync(GitHubDeploymentState.Failure, "resolve failed; see the job log").ConfigureAwait(false);
        }
    }

    private async Task FinishAsync(GitHubDeploymentState state, string description)
    {
        _finished = true;
        try
        {
            await _api.SetDeploymentStatusAsync(Id, state, _environment, description, _logUrl, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SecretsPipelineException ex)
        {
            _warn(new SecretsPipelineException(Codes.GitHubStatusNotRecorded,
                $"GitHub deployment {Id} for '{_environment}' could not be marked {state.ToString().ToLowerInvariant()} ({ex.Code.Id}: {ex.Message}); the command's own outcome stands, fix its status by hand if needed.", inner: ex));
        }
    }

    private static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;
}
