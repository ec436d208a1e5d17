using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Git;
using SecretsPipeline.GitHub;
using SecretsPipeline.GitHub.Api;
using SecretsPipeline.GitHub.Deployments;
using SecretsPipeline.GitHub.PullRequests;
using SecretsPipeline.GitHub.Statuses;

namespace SecretsPipeline.Cli;

/// <summary>
/// Maps the GitHub switches (<c>lock --pull-request</c>, <c>resolve --github-deployment</c>, <c>verify --github-status</c>)
/// to one call each into <c>SecretsPipeline.GitHub</c>, with settings from GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL.
/// </summary>
internal sealed class GitHubCli
{
    private GitHubCli(IGitHubApi api, GitHubOptions options)
    {
        Api = api;
        Options = options;
    }

    public IGitHubApi Api { get; }

    public GitHubOptions Options { get; }

    /// <summary>Reads the settings first, so a missing token fails before anything is written.</summary>
    public static GitHubCli Connect()
    {
        var (api, options) = GitHubApiFactory.FromEnvironment(System.Environment.GetEnvironmentVariable);
        return new GitHubCli(api, options);
    }

    /// <summary>Proposes the lock now on disk as a pull request, when its pins differ from <paramref name="previous"/>; null when none moved.</summary>
    public async Task<LockPullRequestResult?> ProposeLockAsync(CommandContext context, SecretsManifest manifest, LockFile? previous, LockFile current, string digest, CancellationToken cancellationToken)
    {
        var changes = LockDiff.Compare(previous, current);
        if (changes.Count == 0)
        {
            return null;
        }

        string path;
        string head;
        using (var git = GitRevisionReader.Open(context.ManifestDirectory))
        {
            path = Path.GetRelativePath(git.WorkingDirectory, context.LockPath).Replace('\\', '/');
            head = git.CommitId("HEAD");
        }

        var proposal = new LockUpdateProposal(
            path,
            await File.ReadAllBytesAsync(context.LockPath, cancellationToken).ConfigureAwait(false),
            digest,
            head,
            changes,
            manifest.Environments.ToDictionary(e => e.Key, e => e.Value.Store, StringComparer.Ordinal),
            context.Environment);
        return await new LockPullRequestPublisher(Api).PublishAsync(proposal, cancellationToken).ConfigureAwait(false);
    }

    public Task<GitHubDeploymentTracker> StartDeploymentAsync(CommandContext context, string environment, string? commit, string lockDigest, string deploymentId, CancellationToken cancellationToken) =>
        GitHubDeploymentTracker.StartAsync(
            Api,
            environment,
            commit ?? throw new SecretsPipelineException(Codes.GitNoRepository, "--github-deployment records the deployed commit: run inside the git repository."),
            lockDigest,
            deploymentId,
            Options.RunUrl,
            warning => context.Output.Error.WriteLine(warning.ToDiagnostic()),
            cancellationToken);

    /// <summary>Posts <c>secrets-pipeline/verify</c> on the verified commit: <c>--at</c>'s, else the pull request's head, GITHUB_SHA, or HEAD.</summary>
    public Task<int> PostVerifyStatusAsync(CommandContext context, string? revision, Func<Task<(int ExitCode, string Summary)>> verify, CancellationToken cancellationToken)
    {
        var sha = revision is not null
            ? context.CommitOf(revision)
            : GitHubRunContext.CommitForStatus(System.Environment.GetEnvironmentVariable, () => GitCommitter.HeadCommit(context.ManifestDirectory)
                ?? throw new SecretsPipelineException(Codes.GitNoRepository, "--github-status needs the commit to report on: set GITHUB_SHA or run inside the git repository."));
        return VerifyCommitStatus.RunAsync(Api, sha, Options.RunUrl, verify, cancellationToken);
    }
}
