using LibGit2Sharp;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Git;

/// <summary>Commits one file (the lock) with LibGit2Sharp, as the user configured in git, without touching other staged changes.</summary>
public static class GitCommitter
{
    public static string CommitFile(string path, string message)
    {
        var root = Repository.Discover(Path.GetDirectoryName(Path.GetFullPath(path)))
            ?? throw new SecretsPipelineException(Codes.GitNoRepository, $"{path} is not inside a git repository; drop --commit or run `git init`.");
        try
        {
            using var repository = new Repository(root);
            var relative = Path.GetRelativePath(repository.Info.WorkingDirectory, Path.GetFullPath(path)).Replace('\\', '/');
            var signature = repository.Config.BuildSignature(DateTimeOffset.Now)
                ?? new Signature("secrets-pipeline", "secrets-pipeline@localhost", DateTimeOffset.Now);
            var status = repository.RetrieveStatus(new StatusOptions());
            var staged = status.Added.Concat(status.Staged).Concat(status.Removed).Concat(status.RenamedInIndex)
                .Where(e => e.FilePath != relative).Select(e => e.FilePath).Distinct().ToArray();
            if (staged.Length > 0)
            {
                throw new SecretsPipelineException(Codes.GitCommitFailed, $"other changes are staged ({string.Join(", ", staged.Take(3))}); commit or unstage them first, so the rotation's commit holds only the lock.");
            }

            Commands.Stage(repository, relative);
            var commit = repository.Commit(message, signature, signature);
            return commit.Sha;
        }
        catch (LibGit2SharpException ex)
        {
            throw new SecretsPipelineException(Codes.GitCommitFailed, $"committing {path} failed: {ex.Message}", inner: ex);
        }
    }

    /// <summary>The commit HEAD points at, or <c>null</c> outside a repository or before the first commit.</summary>
    public static string? HeadCommit(string directory)
    {
        var root = Repository.Discover(directory);
        if (root is null)
        {
            return null;
        }

        using var repository = new Repository(root);
        return repository.Head?.Tip?.Sha;
    }
}
