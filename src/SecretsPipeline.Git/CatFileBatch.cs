using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;

namespace SecretsPipeline.Git;

/// <summary>
/// One <c>git cat-file --batch</c>, started and drained on a thread of its own so that neither costs the log's reader
/// any time: each commit asked for is parsed as libgit2 would (<see cref="RawCommit"/>), and each blob is handed to the
/// caller's reader as it arrives, in one reused buffer, while the log still walks. It keeps draining after the caller's
/// reader throws (cat-file would block on a full pipe otherwise); that exception is kept for the caller, apart from any
/// fault in git's output.
/// </summary>
internal sealed class CatFileBatch<T>
    where T : class
{
    private static readonly string[] _arguments = ["--no-replace-objects", "cat-file", "--batch"];

    private readonly TaskCompletionSource<Process> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<ReadOnlySpan<byte>, T> _read;
    private readonly ConcurrentQueue<string> _asked = new();
    private readonly List<CommitSummary> _commits = [];
    private readonly List<T?> _blobs = [];
    private readonly Task _drain;
    private readonly object _gate = new();
    private int _requested;
    private int _answered;
    private bool _drained;
    private byte[] _buffer = new byte[64 * 1024];
    private byte[] _pending = new byte[4096];
    private int _pendingLength;

    public CatFileBatch(string git, string directory, Func<ReadOnlySpan<byte>, T> read)
    {
        _read = read;
        _drain = GitProcess.Background(() => Run(git, directory));
    }

    /// <summary>What the caller's reader threw, if it did: no git failure, so no reason to fall back.</summary>
    public ExceptionDispatchInfo? ReadFailure { get; private set; }

    // Throws what starting git threw (Win32Exception when it is not there).
    private Process Process => _started.Task.GetAwaiter().GetResult();

    public void RequestCommit(string commitId) => Request("commit", commitId);

    public void RequestBlob(string blobId) => Request("blob", blobId);

    /// <summary>Sends the requests made since the last flush (one write, one wake-up of cat-file for a whole batch).</summary>
    public void Flush()
    {
        if (_pendingLength == 0)
        {
            return;
        }

        var input = Process.StandardInput.BaseStream;
        input.Write(_pending, 0, _pendingLength);
        input.Flush();
        _pendingLength = 0;
    }

    /// <summary>
    /// Waits for every answer: per commit asked for, in order, its author, date and short message, and per blob what
    /// the caller's reader made of it (null for a blob git lacks); null when cat-file stopped answering.
    /// </summary>
    public (List<CommitSummary> Commits, List<T?> Blobs)? Finish()
    {
        Flush();
        _ = Process;
        lock (_gate)
        {
            while (_answered < _requested && !_drained)
            {
                Monitor.Wait(_gate);
            }

            if (_answered == _requested)
            {
                return (_commits, _blobs);
            }
        }

        // Drained before every answer came: bad output (rethrown here) or cat-file gone.
        _drain.GetAwaiter().GetResult();
        return null;
    }

    /// <summary>
    /// Ends cat-file and frees its pipes in the background: the answers are in, and closing a pipe for the first time
    /// costs a few milliseconds the caller need not wait for.
    /// </summary>
    public void Release() => GitProcess.Background(() =>
    {
        try
        {
            _started.Task.Wait();
        }
        catch (AggregateException)
        {
            return;
        }

        var process = _started.Task.Result;
        try
        {
            // End of input: cat-file answers what is left and exits.
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                GitProcess.Stop(process);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Gone already.
            GitProcess.Stop(process);
        }
        finally
        {
            process.Dispose();
        }
    });

    private void Request(string type, string id)
    {
        _asked.Enqueue(type);
        lock (_gate)
        {
            _requested++;
        }

        if (_pendingLength + id.Length + 1 > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + id.Length + 1));
        }

        _pendingLength += Encoding.ASCII.GetBytes(id, _pending.AsSpan(_pendingLength));
        _pending[_pendingLength++] = (byte)'\n';
    }

    private void Run(string git, string directory)
    {
        try
        {
            Process process;
            try
            {
                process = GitProcess.Start(git, directory, _arguments, redirectInput: true);
            }
            catch (Exception ex)
            {
                _started.SetException(ex);
                return;
            }

            _started.SetResult(process);
            GitProcess.DrainErrors(process);
            try
            {
                Drain(process.StandardOutput.BaseStream);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException)
            {
                // Nobody reads cat-file's answers now: stop it, so that a request still being written fails instead
                // of waiting for room in a pipe that never drains.
                GitProcess.Stop(process);
                throw;
            }
        }
        finally
        {
            lock (_gate)
            {
                _drained = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    // Each answer is "<id> <type> <size>\n", the bytes and "\n"; or "<id> missing\n" (libgit2 reads a missing lock
    // blob as no lock; a missing commit is a broken answer).
    private void Drain(Stream output)
    {
        using var input = new BufferedStream(output, 64 * 1024);
        while (ReadLine(input) is { } header)
        {
            var parts = header.Split(' ');
            if (!_asked.TryDequeue(out var asked))
            {
                throw new InvalidDataException($"git cat-file printed '{header}' unasked.");
            }

            if (parts is [_, "missing"] && asked == "blob")
            {
                _blobs.Add(null);
            }
            else if (parts is [_, var type, var length] && type == asked && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                if (size > _buffer.Length)
                {
                    _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
                }

                input.ReadExactly(_buffer, 0, size);
                if (input.ReadByte() != '\n')
                {
                    throw new InvalidDataException("git cat-file printed an object without its closing newline.");
                }

                if (asked == "commit")
                {
                    _commits.Add(RawCommit.Parse(_buffer.AsSpan(0, size)));
                }
                else
                {
                    _blobs.Add(ReadFailure is null ? Read(_buffer.AsSpan(0, size)) : null);
                }
            }
            else
            {
                throw new InvalidDataException($"git cat-file printed '{header}' where a {asked} header belongs.");
            }

            lock (_gate)
            {
                _answered++;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private T? Read(ReadOnlySpan<byte> content)
    {
        try
        {
            return _read(content);
        }
        catch (Exception ex)
        {
            ReadFailure = ExceptionDispatchInfo.Capture(ex);
            return null;
        }
    }

    private static string? ReadLine(Stream input)
    {
        var line = new StringBuilder();
        for (var b = input.ReadByte(); b != '\n'; b = input.ReadByte())
        {
            if (b < 0)
            {
                return line.Length == 0 ? null : throw new InvalidDataException("git cat-file's output ends mid-line.");
            }

            line.Append((char)b);
        }

        return line.ToString();
    }
}
