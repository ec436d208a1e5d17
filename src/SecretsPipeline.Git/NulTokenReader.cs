namespace SecretsPipeline.Git;

/// <summary>
/// Splits a stream into the NUL-terminated fields of git's <c>-z</c> output. Output that stops inside a field (git
/// killed, a pipe cut) is refused rather than read as a shorter answer. <c>beforeWaiting</c> runs before each read
/// from the stream, which may wait for git: the moment to send what the fields read so far asked for.
/// </summary>
internal sealed class NulTokenReader(Stream stream, Action? beforeWaiting = null)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>The next field, or null at the end of the stream.</summary>
    public byte[]? Next()
    {
        while (true)
        {
            var nul = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)0);
            if (nul >= 0)
            {
                var token = _buffer[_start..(_start + nul)];
                _start += nul + 1;
                return token;
            }

            if (_ended)
            {
                // Only a last newline may follow the last field.
                return _end - _start == 0 || (_end - _start == 1 && _buffer[_start] == '\n')
                    ? null
                    : throw new InvalidDataException("git's output ends inside a field.");
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        beforeWaiting?.Invoke();
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        _ended = read == 0;
        _end += read;
    }
}
