using System.Text;
using SecretsPipeline.Reliability.Formats;

namespace SecretsPipeline.Reliability.Support;

/// <summary>A dotenv output file as a map, read by <see cref="DotenvReader"/>'s rules.</summary>
public static class Dotenv
{
    public static Dictionary<string, string> Read(byte[] bytes) =>
        new DotenvReader().Read(bytes, Path.GetTempPath()).Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    public static Dictionary<string, string> Read(string text) => Read(Encoding.UTF8.GetBytes(text));
}
