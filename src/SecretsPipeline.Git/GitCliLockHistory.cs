using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SecretsPipeline.Git;

/// <summary>
/// The lock's history from the git executable, which walks commits several times faster than libgit2 can: one
/// <c>git log</c> lists the first-parent commits whose lock blob differs from their first parent's, with both blob ids,
/// and one <c>git cat-file --batch</c>, started beside it, reads each of those commits and new blobs while the log is
/// still walking. Gives null, never a partial answer, when git cannot start, fails, or prints anything not in the
/// expected shape, so the caller falls back to <see cref="LibGit2LockHistory"/>, whose answer this one must equal.
/// </summary>
internal static class GitCliLockHistory
{
    public static IReadOnlyList<LockRevision<T>>? TryChanges<T>(string lockPath, Func<ReadOnlySpan<byte>, T> read, string revision, string git)
        where T : class
    {
        var fullPath = Path.GetFullPath(lockPath);
        var directory = Path.GetDirectoryName(fullPath);
        if (!IsOneCommit(revision) || directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        // Both run in the lock's folder and find the repository from there as libgit2 does; --relative makes the paths
        // git prints relative to that folder, so the lock is the entry named exactly as its file. The log starts first:
        // it is the long pole, and cat-file's first request comes only once the log has found a change.
        Process? log = null;
        CatFileBatch<T>? objects = null;
        List<LockRevision<T>>? result;
        try
        {
            log = GitProcess.Start(git, directory, LogArguments(revision, Path.GetFileName(fullPath)), redirectInput: false);
            objects = new CatFileBatch<T>(git, directory, read);
            GitProcess.DrainErrors(log);
            var changes = ReadLog(log.StandardOutput.BaseStream, Encoding.UTF8.GetBytes(Path.GetFileName(fullPath)), objects);

            // The last answers and the log's exit are awaited together: cat-file works while git log exits.
            var answers = objects.Finish();
            log.WaitForExit();
            result = log.ExitCode == 0 && answers is { } a ? Combine(changes, a.Commits, a.Blobs) : null;
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or InvalidDataException or InvalidOperationException or ArgumentException or AggregateException)
        {
            // Not there, not startable, gone mid-way, or an answer we cannot read: libgit2 gives the answer instead.
            result = null;
        }
        finally
        {
            GitProcess.Release(log);
            objects?.Release();
        }

        // The caller's reader failing is no git failure: it would fail the same way on libgit2's bytes.
        objects?.ReadFailure?.Throw();
        return result;
    }

    private static string[] LogArguments(string revision, string fileName) =>
    [
        // Nothing in the user's or the repository's config may change which commits are listed or how: literal paths,
        // no replace refs (libgit2 ignores them), no following renames, no signature checks printed into the output.
        "--no-pager", "--literal-pathspecs", "--no-replace-objects", "-c", "log.follow=false", "-c", "log.showSignature=false",
        "log", "--first-parent", "--diff-merges=first-parent", "--root", "--raw", "--no-abbrev", "--no-renames", "--relative",
        "--ignore-submodules=none", "--no-ext-diff", "--no-textconv", "--no-color", "--no-show-signature", "-z", "--format=%H",
        "--end-of-options", revision, "--", fileName,
    ];

    // libgit2 looks a revision up as one commit; git log would also take ranges and sets (A..B, ^A, A^@), which walk
    // other commits. Those go to libgit2, which refuses them as it always did.
    private static bool IsOneCommit(string revision) =>
        revision.Length > 0
        && revision[0] is not ('-' or '^')
        && !revision.Contains("..", StringComparison.Ordinal)
        && !revision.Contains("^@", StringComparison.Ordinal)
        && !revision.Contains("^!", StringComparison.Ordinal)
        && !revision.Contains("^-", StringComparison.Ordinal)
        && !revision.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// Reads <c>git log -z --raw --format=%H</c>: per commit its id, then per changed path a status field
    /// (<c>:mode mode id id S</c>, the first after a newline) and the path. Each commit that changed the lock, and its
    /// new lock blob, go to cat-file with the next batch, before the reader waits for more of the log.
    /// </summary>
    private static List<LockChange> ReadLog<T>(Stream output, byte[] fileName, CatFileBatch<T> objects)
        where T : class
    {
        var fields = new NulTokenReader(output, objects.Flush);
        var changes = new List<LockChange>();
        var field = Trim(fields.Next());
        while (field is not null)
        {
            var commit = Encoding.ASCII.GetString(field);
            if (!IsObjectId(commit))
            {
                throw new InvalidDataException($"git log printed '{commit}' where a commit id belongs.");
            }

            LockChange? change = null;
            while ((field = Trim(fields.Next())) is [(byte)':', ..])
            {
                var entry = ParseEntry(commit, Encoding.ASCII.GetString(field));
                var path = fields.Next() ?? throw new InvalidDataException("git log's output ends before a path.");
                if (path.AsSpan().SequenceEqual(fileName))
                {
                    change = entry;
                }
            }

            if (change is not null && change.Before != change.After)
            {
                changes.Add(change);
                objects.RequestCommit(commit);
                if (change.After is not null)
                {
                    objects.RequestBlob(change.After);
                }
            }
        }

        return changes;
    }

    // ":100644 100644 <old id> <new id> M": the blob ids on each side, null where the path is absent or no blob (a
    // submodule, a folder), as libgit2's walk sees it; a mode-only change leaves the ids equal, which is no change.
    private static LockChange ParseEntry(string commit, string status)
    {
        var parts = status[1..].Split(' ');
        if (parts.Length != 5 || !IsObjectId(parts[2]) || !IsObjectId(parts[3]))
        {
            throw new InvalidDataException($"git log printed '{status}' where a raw diff entry belongs.");
        }

        return new LockChange(commit, BlobId(parts[0], parts[2]), BlobId(parts[1], parts[3]));
    }

    private static string? BlobId(string mode, string id) => mode is "000000" or "160000" or "040000" ? null : id;

    private static List<LockRevision<T>> Combine<T>(List<LockChange> changes, List<CommitSummary> commits, List<T?> blobs)
        where T : class
    {
        var result = new List<LockRevision<T>>(changes.Count);
        var nextBlob = 0;
        for (var i = 0; i < changes.Count && i < commits.Count; i++)
        {
            var lockAfter = changes[i].After is null ? null : nextBlob < blobs.Count ? blobs[nextBlob++] : throw new InvalidDataException("git cat-file answered fewer blobs than were asked for.");
            result.Add(new LockRevision<T>(changes[i].Commit, commits[i].Author, commits[i].Date, commits[i].Message, lockAfter));
        }

        return result.Count == changes.Count && commits.Count == changes.Count && nextBlob == blobs.Count
            ? result
            : throw new InvalidDataException("git cat-file answered a different number of objects than were asked for.");
    }

    // The first field after a commit's id (and a commit after one with no entries) starts with git's newline.
    private static byte[]? Trim(byte[]? field) => field is [(byte)'\n', ..] ? field[1..] : field;

    private static bool IsObjectId(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigitLower);

    /// <summary>One commit's lock entry: the blob ids before and after it (null: no lock there).</summary>
    private sealed record LockChange(string Commit, string? Before, string? After);
}
