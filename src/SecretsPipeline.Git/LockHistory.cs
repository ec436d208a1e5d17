using LibGit2Sharp;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Git;

/// <summary>One commit that changed the lock, with the lock's bytes after that commit (null where it was deleted).</summary>
public sealed record LockRevision(string Commit, string Author, DateTimeOffset Date, string Message, byte[]? Content);

/// <summary>
/// Walks history for the commits that changed the lock. Instead of diffing trees, it compares the lock's blob id with
/// the first parent's: one tree lookup per commit, each carried over as the next commit's "after", and no blob is
/// read unless its id changed. Reading and parsing the changed locks is the caller's (history needs one entry of each).
/// </summary>
public static class LockHistory
{
    /// <summary>Newest first, following first parents from <paramref name="revision"/> (what was deployed on the mainline).</summary>
    public static IReadOnlyList<LockRevision> Changes(string lockPath, string revision = "HEAD")
    {
        var root = Repository.Discover(Path.GetDirectoryName(Path.GetFullPath(lockPath)))
            ?? throw new SecretsPipelineException(Codes.GitNoRepository, $"{lockPath} is not inside a git repository; history needs one.");
        using var repository = new Repository(root);
        var relative = Path.GetRelativePath(repository.Info.WorkingDirectory, Path.GetFullPath(lockPath)).Replace('\\', '/');
        var commit = repository.Lookup<Commit>(revision)
            ?? throw new SecretsPipelineException(Codes.GitBadRevision, $"revision '{revision}' does not name a commit.");
        var result = new List<LockRevision>();

        // libgit2 re-hashes every object it inflates (SHA-1 with collision detection, the walk's largest single cost).
        // History is a read-only report, and a lock it shows is never trusted without its signature, so skip that here.
        GlobalSettings.SetStrictHashVerification(false);
        try
        {
            Walk(repository, commit, relative, result);
        }
        finally
        {
            GlobalSettings.SetStrictHashVerification(true);
        }

        return result;
    }

    private static void Walk(Repository repository, Commit? commit, string relative, List<LockRevision> result)
    {
        var blob = LockBlobId(commit!, relative);
        while (commit is not null)
        {
            var parent = commit.Parents.FirstOrDefault();
            var parentBlob = parent is null ? null : LockBlobId(parent, relative);
            if (blob != parentBlob)
            {
                var content = blob is null ? null : repository.Lookup<Blob>(blob) is { } b ? Read(b) : null;
                result.Add(new LockRevision(commit.Sha, $"{commit.Author.Name} <{commit.Author.Email}>", commit.Author.When, commit.MessageShort, content));
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
