using SecretsPipeline.Core.Ci;

namespace SecretsPipeline.Core.Tests.Support;

/// <summary>Captures every byte a CI host would see: the standard-output lines and each file's appended text.</summary>
public sealed class RecordingCiSink : ICiSink
{
    public List<string> Lines { get; } = [];

    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>A path whose appends fail, to test that earlier appends are undone.</summary>
    public string? FailingPath { get; init; }

    public void WriteLine(string line) => Lines.Add(line);

    public long Length(string path) => Files.TryGetValue(path, out var text) ? text.Length : 0;

    public void Append(string path, string text)
    {
        if (path == FailingPath)
        {
            throw new IOException($"disk full writing {path}");
        }

        Files[path] = (Files.TryGetValue(path, out var old) ? old : string.Empty) + text;
    }

    public void Truncate(string path, long length)
    {
        if (Files.TryGetValue(path, out var text))
        {
            Files[path] = text[..(int)length];
        }
    }

    /// <summary>Everything recorded, for grepping a value.</summary>
    public string All => string.Join("\n", Lines) + "\n" + string.Join("\n", Files.Values);
}
