using LibGit2Sharp;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Git;

/// <summary>One commit that changed the lock, with the lock as it was after that commit.</summary>
public sealed record LockRevision(string Commit, string Author, DateTimeOffset Date, string Message, LockFile? Lock);

/// <summary>
/// Walks history for the commits that changed the lock. Instead of diffing trees, it compares the lock's blob id with
/// the first parent's, a cheap lookup per commit, and parses each distinct blob once.
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
        var start = repository.Lookup<Commit>(revision)
            ?? throw new SecretsPipelineException(Codes.GitBadRevision, $"revision '{revision}' does not name a commit.");
        var parsed = new Dictionary<ObjectId, LockFile?>();
        var result = new List<LockRevision>();
        for (var commit = start; commit is not null; commit = commit.Parents.FirstOrDefault())
        {
            var blob = commit[relative]?.Target as Blob;
            var parentBlob = commit.Parents.FirstOrDefault()?[relative]?.Target as Blob;
            if (blob?.Id == parentBlob?.Id)
            {
                continue;
            }

            LockFile? lockFile = null;
            if (blob is not null && !parsed.TryGetValue(blob.Id, out lockFile))
            {
                lockFile = TryParse($"{commit.Sha[..10]}:{relative}", blob);
                parsed[blob.Id] = lockFile;
            }

            result.Add(new LockRevision(commit.Sha, $"{commit.Author.Name} <{commit.Author.Email}>", commit.Author.When, commit.MessageShort, lockFile));
        }

        return result;
    }

    private static LockFile? TryParse(string display, Blob blob)
    {
        using var stream = blob.GetContentStream();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        try
        {
            return LockSerializer.Parse(display, memory.ToArray());
        }
        catch (SecretsPipelineException)
        {
            // A lock that does not parse at some commit (hand-edited, older format) has no pins to report there.
            return null;
        }
    }
}
