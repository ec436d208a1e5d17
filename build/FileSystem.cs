namespace Build;

internal static class FileSystem
{
    // Git marks its object files read-only, which makes a plain recursive delete fail on Windows.
    public static void DeleteTree(string path)
    {
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(path, recursive: true);
    }

    public static void TryDeleteTree(string path)
    {
        try
        {
            DeleteTree(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder must not hide the result of the work that used it.
            Console.Error.WriteLine($"warning: could not delete {path}: {ex.Message}");
        }
    }
}
