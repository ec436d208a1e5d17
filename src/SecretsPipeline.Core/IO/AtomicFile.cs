using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.IO;

/// <summary>
/// Replaces a file so that a crash at any instant leaves either the old bytes or the new ones: write a temporary
/// file beside the target, flush it to disk, then rename it over the target (an atomic rename on one file system).
/// A writer killed before its rename leaves its temporary file (with the new content, mode 600 for outputs); the next
/// write of the same target removes it, unless a live writer still holds it open.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of temporary files; <c>init</c> git-ignores it, so one left by a crash is never committed.</summary>
    public const string TempSuffix = ".secrets-pipeline.tmp";

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        using var staged = Stage(path, content, mode);
        staged.Commit();
    }

    /// <summary>
    /// The first half of <see cref="Write"/>: the new bytes written and flushed to a temporary file beside the target,
    /// which is untouched until <see cref="StagedFile.Commit"/> renames it over; disposing without committing deletes it.
    /// For a write that must happen together with another one (a resolve's <c>--out</c> copy and its CI export).
    /// </summary>
    public static StagedFile Stage(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
        RemoveStale(directory, Path.GetFileName(full));
        FileStream? stream = null;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is not null && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            // Kept open (and so locked) until the rename: another writer never takes it for a stale one.
            stream = new FileStream(temp, options);
            stream.Write(content);
            stream.Flush(flushToDisk: true);
            return new StagedFile(path, full, temp, stream);
        }
        catch (Exception ex)
        {
            stream?.Dispose();
            TryDelete(temp);
            throw ex is IOException or UnauthorizedAccessException ? Failed(path, ex) : ex;
        }
    }

    internal static SecretsPipelineException Failed(string path, Exception ex) =>
        new(Codes.OutputWrite, $"could not write the file: {ex.Message}", new SourceLocation(path), ex);

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The rename did not happen; a stray temporary file is harmless and named so users recognise it.
        }
    }

    /// <summary>
    /// Deletes the temporary files of <paramref name="fileName"/> that killed writers left. A live writer holds its
    /// temporary file open with <see cref="FileShare.None"/> (an exclusive lock on Unix), so opening it fails and it is kept.
    /// </summary>
    private static void RemoveStale(string directory, string fileName)
    {
        var prefix = $".{fileName}.";
        string[] candidates;
        try
        {
            candidates = [.. Directory.EnumerateFiles(directory, "*" + TempSuffix).Where(f => IsTempOf(Path.GetFileName(f), prefix))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var candidate in candidates)
        {
            try
            {
                using var held = new FileStream(candidate, FileMode.Open, FileAccess.Read, FileShare.None);
                File.Delete(candidate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Held by a live writer, or already gone.
            }
        }
    }

    private static bool IsTempOf(string name, string prefix) =>
        name.Length == prefix.Length + 32 + TempSuffix.Length
        && name.StartsWith(prefix, StringComparison.Ordinal)
        && name.EndsWith(TempSuffix, StringComparison.Ordinal)
        && !name.AsSpan(prefix.Length, 32).ContainsAnyExcept("0123456789abcdef");
}
