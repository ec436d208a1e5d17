namespace SecretsPipeline.Core.Ci;

/// <summary>
/// Every byte a CI host sees from us: command lines on standard output and appends to the files the runner reads
/// (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). Tests record it; the CLI writes to the console and the disk.
/// </summary>
public interface ICiSink
{
    /// <summary>Writes one line (a workflow or logging command) to standard output and flushes it.</summary>
    void WriteLine(string line);

    /// <summary>The current length of a file, or 0 if it does not exist; used to undo an append.</summary>
    long Length(string path);

    /// <summary>Appends text (UTF-8) to a file, creating it if needed.</summary>
    void Append(string path, string text);

    /// <summary>Cuts a file back to a length recorded before an append that must be undone.</summary>
    void Truncate(string path, long length);
}
