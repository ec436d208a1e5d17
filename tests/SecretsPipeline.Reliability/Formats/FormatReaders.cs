namespace SecretsPipeline.Reliability.Formats;

/// <summary>
/// The reader of every output format, by its name in <c>OutputFormats.Names</c>. The injection attack fails for a
/// format with no reader here, so a new format is attacked as soon as it exists: add its consumer's rules as a reader.
/// </summary>
public static class FormatReaders
{
    public static IReadOnlyDictionary<string, IFormatReader> ByName { get; } = new Dictionary<string, IFormatReader>(StringComparer.Ordinal)
    {
        ["dotenv"] = new DotenvReader(),
        ["json"] = new JsonReader(),
        ["shell"] = new ShellReader(),
        ["github"] = new GitHubReader(),
        ["azure-devops"] = new AzureDevOpsReader(),
    };
}
