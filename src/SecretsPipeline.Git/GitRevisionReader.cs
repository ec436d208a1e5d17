using LibGit2Sharp;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Git;

/// <summary>Reads files as they were at a commit, tag or branch, straight from the object database.</summary>
public sealed class GitRevisionReader : IDisposable
{
    private readonly Repository _repository;

    private GitRevisionReader(Repository repository) => _repository = repository;

    /// <summary>The work tree root of the repository that contains <paramref name="path"/>.</summary>
    public string WorkingDirectory => _repository.Info.WorkingDirectory;

    public static GitRevisionReader Open(string path)
    {
        var root = Repository.Discover(path)
            ?? throw new SecretsPipelineException(Codes.GitNoRepository, $"{path} is not inside a git repository; --at needs one (run `git init` or drop --at).");
        return new GitRevisionReader(new Repository(root));
    }

    /// <summary>Returns the bytes of <paramref name="fullPath"/> (a path in the work tree) at <paramref name="revision"/>.</summary>
    public byte[] ReadFile(string revision, string fullPath)
    {
        var commit = Resolve(revision);
        var relative = Path.GetRelativePath(WorkingDirectory, Path.GetFullPath(fullPath)).Replace('\\', '/');
        if (commit[relative]?.Target is not Blob blob)
        {
            throw new SecretsPipelineException(
                Codes.GitFileMissing,
                $"{relative} does not exist at {revision} ({commit.Sha[..10]}); pick a revision that has it.",
                new SourceLocation(fullPath));
        }

        using var stream = blob.GetContentStream();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>The full commit id a revision names.</summary>
    public string CommitId(string revision) => Resolve(revision).Sha;

    public void Dispose() => _repository.Dispose();

    private Commit Resolve(string revision) => CommitLookup.Resolve(_repository, revision);
}
