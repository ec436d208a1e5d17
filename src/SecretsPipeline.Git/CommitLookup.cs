using LibGit2Sharp;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Git;

/// <summary>The commit a revision names, as git reads it: a branch, a commit id, or a tag, annotated ones included.</summary>
internal static class CommitLookup
{
    public static Commit Resolve(Repository repository, string revision)
    {
        try
        {
            // An annotated tag (what `git tag -a` and release tooling make) is its own object; peel it to its commit.
            return repository.Lookup(revision)?.Peel<Commit>()
                ?? throw new SecretsPipelineException(
                    Codes.GitBadRevision,
                    $"revision '{revision}' does not name a commit in {repository.Info.WorkingDirectory}; check `git log` or `git tag`.");
        }
        catch (LibGit2SharpException ex)
        {
            throw new SecretsPipelineException(Codes.GitBadRevision, $"revision '{revision}' cannot be read: {ex.Message}", inner: ex);
        }
    }
}
