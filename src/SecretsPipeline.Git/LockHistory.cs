namespace SecretsPipeline.Git;

/// <summary>The commits that changed the lock, newest first, following first parents (what was deployed on the mainline).</summary>
public static class LockHistory
{
    /// <summary>
    /// Newest first, following first parents from <paramref name="revision"/>: a commit is listed when its lock blob
    /// differs from its first parent's. Each changed lock's bytes go through <paramref name="read"/> once, and are
    /// valid only during that call (history needs one entry of each lock, not the bytes).
    /// </summary>
    public static IReadOnlyList<LockRevision<T>> Changes<T>(string lockPath, Func<ReadOnlySpan<byte>, T> read, string revision = "HEAD")
        where T : class =>
        LibGit2LockHistory.Changes(lockPath, read, revision);
}
