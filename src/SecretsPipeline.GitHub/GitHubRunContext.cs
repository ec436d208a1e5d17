using System.Text.Json;

namespace SecretsPipeline.GitHub;

/// <summary>Facts about the Actions run we are in, read from the runner's variables.</summary>
public static class GitHubRunContext
{
    /// <summary>
    /// The commit a status belongs on: on <c>pull_request</c> events the pull request's head (GITHUB_SHA is then a
    /// merge commit no one sees), else GITHUB_SHA, else <paramref name="fallback"/> (the local HEAD).
    /// </summary>
    public static string CommitForStatus(Func<string, string?> variable, Func<string> fallback)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentNullException.ThrowIfNull(fallback);
        if (variable("GITHUB_EVENT_NAME") is "pull_request" or "pull_request_target" && variable("GITHUB_EVENT_PATH") is { Length: > 0 } eventPath && File.Exists(eventPath))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(eventPath));
                if (document.RootElement.TryGetProperty("pull_request", out var pull)
                    && pull.TryGetProperty("head", out var head)
                    && head.TryGetProperty("sha", out var sha)
                    && sha.GetString() is { Length: 40 } headSha)
                {
                    return headSha;
                }
            }
            catch (JsonException)
            {
                // An unreadable event file leaves GITHUB_SHA as the best answer.
            }
        }

        return variable("GITHUB_SHA") is { Length: > 0 } githubSha ? githubSha : fallback();
    }
}
