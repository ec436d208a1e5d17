using LibGit2Sharp;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Git;

/// <summary>
/// The lock's history through libgit2, for when no usable git executable is there. Instead of diffing trees, it compares
/// the lock's blob id with the first parent's: one tree lookup per commit, each carried over as the next commit's
/// "after", and no blob is read unless its id changed.
/// </summary>
internal static class LibGit2LockHistory
{
    public static IReadOnlyList<LockRevision<T>> Changes<T>(string lockPath, Func<ReadOnlySpan<byte>, T> read, string revision)
        where T : class
    {
        var root = Repository.Discover(Path.GetDirectoryName(Path.GetFullPath(lockPath)))
            ?? throw new SecretsPipelineException(Codes.GitNoRepository, $"{lockPath} is not inside a git repository; history needs one.");
        using var repository = new Repository(root);
        var relative = Path.GetRelativePath(repository.Info.WorkingDirectory, Path.GetFullPath(lockPath)).Replace('\\', '/');
        var commit = CommitLookup.Resolve(repository, revision);
        var result = new List<LockRevision<T>>();

        // libgit2 re-hashes every object it inflates (SHA-1 with collision detection, the walk's largest single cost).
        // History is a read-only report, and a lock it shows is never trusted without its signature, so skip that here.
        GlobalSettings.SetStrictHashVerification(false);
        try
        {
            Walk(repository, commit, relative, read, result);
        }
        finally
        {
            GlobalSettings.SetStrictHashVerification(true);
        }

        return result;
    }

    private static void Walk<T>(Repository repository, Commit? commit, string relative, Func<ReadOnlySpan<byte>, T> read, List<LockRevision<T>> result)
        where T : class
    {
        var blob = LockBlobId(commit!, relative);
        while (commit is not null)
        {
            var parent = commit.Parents.FirstOrDefault();
            var parentBlob = parent is null ? null : LockBlobId(parent, relative);
            if (blob != parentBlob)
            {
                var content = blob is null ? null : repository.Lookup<Blob>(blob) is { } b ? read(Read(b)) : null;
                result.Add(new LockRevision<T>(commit.Sha, $"{commit.Author.Name} <{commit.Author.Email}>", commit.Author.When, commit.MessageShort, content));
            }

            (commit, blob) = (parent, parentBlob);
        }
    }

    // The entry's id, from the tree alone: TreeEntry.Target is built lazily and reads no blob.
    private static ObjectId? LockBlobId(Commit commit, string relative) =>
        commit[relative] is { TargetType: TreeEntryTargetType.Blob } entry ? entry.Target.Id : null;

    private static byte[] Read(Blob blob)
    {
        using var stream = blob.GetContentStream();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
