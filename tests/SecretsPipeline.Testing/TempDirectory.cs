namespace SecretsPipeline.Testing;

/// <summary>A throw-away folder under the system temp folder, deleted (best effort) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="prefix">The start of the folder's name (e.g. <c>spl-e2e-</c>), so a leftover says which tests left it.</param>
    public TempDirectory(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="content"/> to the file <paramref name="name"/> in this folder and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var file = Combine(name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => TryDelete(Path);

    /// <summary>Deletes <paramref name="path"/> and everything in it, read-only files included; gives up quietly after three tries.</summary>
    public static void TryDelete(string path)
    {
        for (var attempt = 0; attempt < 3 && Directory.Exists(path); attempt++)
        {
            try
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
                {
                    // git writes read-only object files.
                    File.SetAttributes(file, FileAttributes.Normal);
                }

                Directory.Delete(path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
