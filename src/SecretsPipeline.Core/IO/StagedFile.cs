namespace SecretsPipeline.Core.IO;

/// <summary>
/// New bytes flushed to a temporary file beside their target (<see cref="AtomicFile.Stage"/>). <see cref="Commit"/>
/// renames it over the target; <see cref="Dispose"/> without a commit deletes it and leaves the target as it was.
/// </summary>
public sealed class StagedFile : IDisposable
{
    private readonly string _path;
    private readonly string _full;
    private readonly string _temp;
    private FileStream? _stream;
    private bool _committed;

    internal StagedFile(string path, string full, string temp, FileStream stream)
    {
        _path = path;
        _full = full;
        _temp = temp;
        _stream = stream;
    }

    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // Windows cannot rename a file that is open without delete sharing.
                Close();
                File.Move(_temp, _full, overwrite: true);
            }
            else
            {
                File.Move(_temp, _full, overwrite: true);
                Close();
            }

            _committed = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw AtomicFile.Failed(_path, ex);
        }
    }

    public void Dispose()
    {
        Close();
        if (!_committed)
        {
            AtomicFile.TryDelete(_temp);
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
