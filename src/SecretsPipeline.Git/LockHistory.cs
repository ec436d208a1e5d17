namespace SecretsPipeline.Git;

/// <summary>
/// The commits that changed the lock, newest first, following first parents (what was deployed on the mainline). Asks
/// the git executable on PATH when there is one that answers (<see cref="GitCliLockHistory"/>), and libgit2 otherwise
/// (<see cref="LibGit2LockHistory"/>); both give the same list.
/// </summary>
public static class LockHistory
{
    private const string GitExecutable = "git";

    /// <summary>
    /// Newest first, following first parents from <paramref name="revision"/>: a commit is listed when its lock blob
    /// differs from its first parent's. Each changed lock's bytes go through <paramref name="read"/> once, possibly on
    /// another thread while the walk goes on, and are valid only during that call (history needs one entry of each
    /// lock, not the bytes).
    /// </summary>
    public static IReadOnlyList<LockRevision<T>> Changes<T>(string lockPath, Func<ReadOnlySpan<byte>, T> read, string revision = "HEAD")
        where T : class =>
        Changes(lockPath, read, revision, GitExecutable);

    /// <summary>As <see cref="Changes{T}(string, Func{ReadOnlySpan{byte}, T}, string)"/>, with the git executable to try first (null: libgit2 only).</summary>
    internal static IReadOnlyList<LockRevision<T>> Changes<T>(string lockPath, Func<ReadOnlySpan<byte>, T> read, string revision, string? git)
        where T : class =>
        (git is null ? null : GitCliLockHistory.TryChanges(lockPath, read, revision, git)) ?? LibGit2LockHistory.Changes(lockPath, read, revision);
}
