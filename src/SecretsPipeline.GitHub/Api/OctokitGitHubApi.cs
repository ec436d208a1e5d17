using System.Collections.ObjectModel;
using Octokit;

namespace SecretsPipeline.GitHub.Api;

/// <summary><see cref="IGitHubApi"/> over Octokit; every call's failure goes through <see cref="GitHubErrors"/>.</summary>
public sealed class OctokitGitHubApi : IGitHubApi
{
    private readonly GitHubClient _client;
    private readonly string _owner;
    private readonly string _name;

    public OctokitGitHubApi(GitHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _owner = options.Owner;
        _name = options.Name;
        _client = new GitHubClient(new ProductHeaderValue("secrets-pipeline"), options.ApiUrl)
        {
            Credentials = new Credentials(options.Token),
        };
    }

    private string Repo => $"{_owner}/{_name}";

    public Task<GitHubRepositoryInfo> GetRepositoryAsync(CancellationToken cancellationToken) =>
        CallAsync($"read repository {Repo}", cancellationToken, async () =>
        {
            var repository = await _client.Repository.Get(_owner, _name).ConfigureAwait(false);
            return new GitHubRepositoryInfo(repository.DefaultBranch, repository.HtmlUrl);
        });

    public async Task<string?> GetBranchHeadAsync(string branch, CancellationToken cancellationToken)
    {
        try
        {
            // The singular `git/ref/` endpoint matches exactly; the plural one Octokit uses answers a prefix match with a list.
            var uri = new Uri($"repos/{_owner}/{_name}/git/ref/heads/{EscapePath(branch)}", UriKind.Relative);
            return await CallAsync($"read branch '{branch}' of {Repo}", cancellationToken, async () =>
                (await new ApiConnection(_client.Connection).Get<Reference>(uri).ConfigureAwait(false)).Object.Sha);
        }
        catch (Core.Errors.SecretsPipelineException ex) when (ex.InnerException is NotFoundException)
        {
            return null;
        }
    }

    public Task<string> CommitFileAsync(string parentSha, string path, ReadOnlyMemory<byte> content, string message, CancellationToken cancellationToken) =>
        CallAsync($"commit {path} on top of {parentSha} in {Repo}", cancellationToken, async () =>
        {
            var parent = await _client.Git.Commit.Get(_owner, _name, parentSha).ConfigureAwait(false);
            var blob = await _client.Git.Blob.Create(_owner, _name, new NewBlob { Content = Convert.ToBase64String(content.Span), Encoding = EncodingType.Base64 }).ConfigureAwait(false);
            var tree = new NewTree { BaseTree = parent.Tree.Sha };
            tree.Tree.Add(new NewTreeItem { Path = path, Mode = "100644", Type = TreeType.Blob, Sha = blob.Sha });
            var newTree = await _client.Git.Tree.Create(_owner, _name, tree).ConfigureAwait(false);
            var commit = await _client.Git.Commit.Create(_owner, _name, new NewCommit(message, newTree.Sha, parentSha)).ConfigureAwait(false);
            return commit.Sha;
        });

    public Task CreateBranchAsync(string branch, string sha, CancellationToken cancellationToken) =>
        CallAsync($"create branch '{branch}' in {Repo}", cancellationToken, () =>
            _client.Git.Reference.Create(_owner, _name, new NewReference($"refs/heads/{branch}", sha)));

    public Task MoveBranchAsync(string branch, string sha, CancellationToken cancellationToken) =>
        CallAsync($"move branch '{branch}' in {Repo}", cancellationToken, () =>
            _client.Git.Reference.Update(_owner, _name, $"heads/{branch}", new ReferenceUpdate(sha, force: true)));

    public Task<GitHubPullRequest?> FindOpenPullRequestAsync(string headBranch, string baseBranch, CancellationToken cancellationToken) =>
        CallAsync($"list pull requests of {Repo}", cancellationToken, async () =>
        {
            var request = new PullRequestRequest { State = ItemStateFilter.Open, Head = $"{_owner}:{headBranch}", Base = baseBranch };
            var found = await _client.PullRequest.GetAllForRepository(_owner, _name, request, new ApiOptions { PageCount = 1, PageSize = 10 }).ConfigureAwait(false);
            return found.Where(p => p.Head?.Ref == headBranch).Select(Map).FirstOrDefault();
        });

    public Task<GitHubPullRequest> CreatePullRequestAsync(string headBranch, string baseBranch, string title, string body, CancellationToken cancellationToken) =>
        CallAsync($"open a pull request from '{headBranch}' into '{baseBranch}' in {Repo}", cancellationToken, async () =>
            Map(await _client.PullRequest.Create(_owner, _name, new NewPullRequest(title, headBranch, baseBranch) { Body = body }).ConfigureAwait(false)));

    public Task<GitHubPullRequest> UpdatePullRequestAsync(int number, string title, string body, CancellationToken cancellationToken) =>
        CallAsync($"update pull request #{number} in {Repo}", cancellationToken, async () =>
            Map(await _client.PullRequest.Update(_owner, _name, number, new PullRequestUpdate { Title = title, Body = body }).ConfigureAwait(false)));

    public Task<long> CreateDeploymentAsync(GitHubDeploymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync($"create a deployment to '{request.Environment}' in {Repo}", cancellationToken, async () =>
        {
            var deployment = new NewDeployment(request.Sha)
            {
                Task = "deploy",
                Environment = request.Environment,
                Description = request.Description,
                // The commit is deployed as it is: no merge of the default branch into it, no wait for other checks.
                AutoMerge = false,
                RequiredContexts = new Collection<string>(),
                Payload = request.Payload.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            };
            return (long)(await _client.Repository.Deployment.Create(_owner, _name, deployment).ConfigureAwait(false)).Id;
        });
    }

    public Task SetDeploymentStatusAsync(long deploymentId, GitHubDeploymentState state, string environment, string description, string? logUrl, CancellationToken cancellationToken) =>
        CallAsync($"set the status of deployment {deploymentId} in {Repo}", cancellationToken, () =>
            _client.Repository.Deployment.Status.Create(_owner, _name, deploymentId, new NewDeploymentStatus(state switch
            {
                GitHubDeploymentState.InProgress => DeploymentState.InProgress,
                GitHubDeploymentState.Success => DeploymentState.Success,
                _ => DeploymentState.Failure,
            })
            {
                Description = GitHubText.Truncate(description),
                Environment = environment,
                LogUrl = logUrl,
            }));

    public Task SetCommitStatusAsync(string sha, bool success, string context, string description, string? targetUrl, CancellationToken cancellationToken) =>
        CallAsync($"post commit status '{context}' on {sha} in {Repo}", cancellationToken, () =>
            _client.Repository.Status.Create(_owner, _name, sha, new NewCommitStatus
            {
                State = success ? CommitState.Success : CommitState.Failure,
                Context = context,
                Description = GitHubText.Truncate(description),
                TargetUrl = targetUrl,
            }));

    private static GitHubPullRequest Map(PullRequest pull) => new(pull.Number, pull.HtmlUrl);

    private static string EscapePath(string branch) => string.Join('/', branch.Split('/').Select(Uri.EscapeDataString));

    private static async Task<T> CallAsync<T>(string what, CancellationToken cancellationToken, Func<Task<T>> call)
    {
        // Octokit takes no cancellation token; we stop between calls instead.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (GitHubErrors.Map(what, ex) is { } mapped)
        {
            throw mapped;
        }
    }

    private static Task CallAsync(string what, CancellationToken cancellationToken, Func<Task> call) =>
        CallAsync(what, cancellationToken, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        });
}
