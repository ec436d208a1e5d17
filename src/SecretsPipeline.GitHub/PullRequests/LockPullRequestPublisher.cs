using SecretsPipeline.GitHub.Api;

namespace SecretsPipeline.GitHub.PullRequests;

/// <summary>
/// "Dependabot for secrets": puts a lock update on its own branch as one commit on top of the commit it was computed
/// from, and opens a pull request for it, or updates the one already open from that branch.
/// </summary>
public sealed class LockPullRequestPublisher(IGitHubApi api)
{
    public async Task<LockPullRequestResult> PublishAsync(LockUpdateProposal proposal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var repository = await api.GetRepositoryAsync(cancellationToken).ConfigureAwait(false);
        var baseBranch = proposal.BaseBranch ?? repository.DefaultBranch;
        var branch = LockPullRequestText.Branch(proposal.Environment);

        // Parenting on the commit the lock was computed from (not the base's tip) means a base that moved the lock
        // meanwhile shows as a conflict in the pull request instead of being silently overwritten.
        var commit = await api.CommitFileAsync(proposal.ParentCommit, proposal.LockPath, proposal.Content, LockPullRequestText.CommitMessage(proposal), cancellationToken).ConfigureAwait(false);
        if (await api.GetBranchHeadAsync(branch, cancellationToken).ConfigureAwait(false) is null)
        {
            await api.CreateBranchAsync(branch, commit, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await api.MoveBranchAsync(branch, commit, cancellationToken).ConfigureAwait(false);
        }

        var compareUrl = $"{repository.HtmlUrl.TrimEnd('/')}/compare/{baseBranch}...{branch}";
        var title = LockPullRequestText.Title(proposal.Environment);
        var body = LockPullRequestText.Body(proposal, compareUrl, baseBranch, branch);
        var existing = await api.FindOpenPullRequestAsync(branch, baseBranch, cancellationToken).ConfigureAwait(false);
        var pull = existing is null
            ? await api.CreatePullRequestAsync(branch, baseBranch, title, body, cancellationToken).ConfigureAwait(false)
            : await api.UpdatePullRequestAsync(existing.Number, title, body, cancellationToken).ConfigureAwait(false);
        return new LockPullRequestResult(pull.Number, pull.HtmlUrl, existing is null, branch, baseBranch, commit, compareUrl);
    }
}
