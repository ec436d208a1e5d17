namespace SecretsPipeline.GitHub.Api;

internal static class GitHubText
{
    /// <summary>GitHub refuses (422) status descriptions longer than 140 characters.</summary>
    public const int MaxDescription = 140;

    public static string Truncate(string text) => text.Length <= MaxDescription ? text : string.Concat(text.AsSpan(0, MaxDescription - 1), "…");
}
