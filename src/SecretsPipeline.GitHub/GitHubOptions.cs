using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.GitHub;

/// <summary>
/// Where and as whom to call GitHub: the token (<c>GITHUB_TOKEN</c>), the repository (<c>GITHUB_REPOSITORY</c>,
/// <c>owner/name</c>) and the API root (<c>GITHUB_API_URL</c>, as the Actions runner sets it; GitHub Enterprise
/// Server's is <c>https://HOST/api/v3</c>). The token is never part of any message.
/// </summary>
public sealed record GitHubOptions(string Token, string Owner, string Name, Uri ApiUrl, string? RunUrl)
{
    public static readonly Uri PublicApiUrl = new("https://api.github.com/");

    public string Repository => $"{Owner}/{Name}";

    public static GitHubOptions FromEnvironment(Func<string, string?> variable, string? repository = null)
    {
        var token = variable("GITHUB_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new SecretsPipelineException(Codes.GitHubConfig, "GITHUB_TOKEN is not set; in a workflow add `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` (or a token with the permissions the README lists).");
        }

        repository ??= variable("GITHUB_REPOSITORY");
        var parts = (repository ?? string.Empty).Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            throw new SecretsPipelineException(Codes.GitHubConfig, repository is null
                ? "GITHUB_REPOSITORY is not set; set it to `owner/name` (the Actions runner sets it for you)."
                : $"GITHUB_REPOSITORY '{repository}' is not `owner/name`.");
        }

        var api = variable("GITHUB_API_URL");
        Uri apiUrl = PublicApiUrl;
        if (!string.IsNullOrWhiteSpace(api)
            && (!Uri.TryCreate(api.Trim(), UriKind.Absolute, out apiUrl!) || (apiUrl.Scheme != Uri.UriSchemeHttps && apiUrl.Scheme != Uri.UriSchemeHttp)))
        {
            throw new SecretsPipelineException(Codes.GitHubConfig, $"GITHUB_API_URL '{api}' is not an http(s) URL; for GitHub Enterprise Server use `https://HOST/api/v3`.");
        }

        var server = variable("GITHUB_SERVER_URL");
        var runId = variable("GITHUB_RUN_ID");
        var runUrl = string.IsNullOrEmpty(server) || string.IsNullOrEmpty(runId) ? null : $"{server.TrimEnd('/')}/{parts[0]}/{parts[1]}/actions/runs/{runId}";
        return new GitHubOptions(token.Trim(), parts[0], parts[1], apiUrl, runUrl);
    }

    /// <summary>Keeps the token out of logs and exception messages should a record ever be printed.</summary>
    public override string ToString() => $"GitHubOptions {{ Repository = {Repository}, ApiUrl = {ApiUrl} }}";
}
