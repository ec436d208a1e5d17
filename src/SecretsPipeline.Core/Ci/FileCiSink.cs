using System.Text;

namespace SecretsPipeline.Core.Ci;

/// <summary>The real sink: lines to a writer (standard output), appends to files on disk.</summary>
public sealed class FileCiSink(TextWriter output) : ICiSink
{
    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public void WriteLine(string line)
    {
        output.Write(line);
        output.Write('\n');
        output.Flush();
    }

    public long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    public void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(_utf8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    public void Truncate(string path, long length)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(length);
    }
}
