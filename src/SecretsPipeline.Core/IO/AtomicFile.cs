using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.IO;

/// <summary>
/// Replaces a file so that a crash at any instant leaves either the old bytes or the new ones: write a temporary
/// file beside the target, flush it to disk, then rename it over the target (an atomic rename on one file system).
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of temporary files; <c>init</c> git-ignores it, so one left by a crash is never committed.</summary>
    public const string TempSuffix = ".secrets-pipeline.tmp";

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is not null && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new SecretsPipelineException(Codes.OutputWrite, $"could not write the file: {ex.Message}", new SourceLocation(path), ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
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
}
