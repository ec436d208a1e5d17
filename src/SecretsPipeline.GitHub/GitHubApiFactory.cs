using SecretsPipeline.GitHub.Api;

namespace SecretsPipeline.GitHub;

/// <summary>Connects to GitHub as the environment says (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL).</summary>
public static class GitHubApiFactory
{
    public static (IGitHubApi Api, GitHubOptions Options) FromEnvironment(Func<string, string?> variable, string? repository = null)
    {
        var options = GitHubOptions.FromEnvironment(variable, repository);
        return (new OctokitGitHubApi(options), options);
    }
}
