namespace SecretsPipeline.Git;

/// <summary>One commit that changed the lock, with what the caller's reader made of the lock's bytes after it (null where the commit deleted the lock).</summary>
public sealed record LockRevision<T>(string Commit, string Author, DateTimeOffset Date, string Message, T? Lock)
    where T : class;
