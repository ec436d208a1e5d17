using System.Globalization;
using Octokit;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.GitHub.Api;

/// <summary>
/// Turns Octokit's failures into one coded line that says what was attempted, what GitHub answered and what to do.
/// GitHub's own message is quoted: it describes our request, whose bodies hold names, versions and digests only.
/// </summary>
internal static class GitHubErrors
{
    public static SecretsPipelineException? Map(string what, Exception exception) => exception switch
    {
        SecretsPipelineException => null,
        RateLimitExceededException limit => RateLimited(what, limit.Reset, exception),
        AbuseException abuse => RateLimited(what, abuse.RetryAfterSeconds is { } s ? DateTimeOffset.UtcNow.AddSeconds(s) : RetryAfter(abuse), exception),
        ApiException api when IsRateLimit(api) => RateLimited(what, RetryAfter(api), exception),
        AuthorizationException => new SecretsPipelineException(Codes.GitHubBadCredentials,
            $"could not {what}: GitHub answered 401 bad credentials; check that GITHUB_TOKEN holds a valid, unexpired token for this GitHub host (GITHUB_API_URL).", inner: exception),
        ForbiddenException forbidden => new SecretsPipelineException(Codes.GitHubForbidden,
            $"could not {what}: GitHub answered 403 ({Quote(forbidden)}); give the token the permissions this needs (contents: write, pull-requests: write, deployments: write, statuses: write) in the workflow's `permissions:` or the token's scopes.", inner: exception),
        NotFoundException => new SecretsPipelineException(Codes.GitHubNotFound,
            $"could not {what}: GitHub answered 404 not found; check GITHUB_REPOSITORY, that the commit was pushed, and that the token can see the repository (a token without access also gets 404).", inner: exception),
        ApiValidationException validation => new SecretsPipelineException(Codes.GitHubValidation,
            $"could not {what}: GitHub answered 422 ({Quote(validation)}); fix what GitHub names, e.g. a protected or misnamed branch.", inner: exception),
        ApiException api => new SecretsPipelineException(Codes.GitHubRequest,
            $"could not {what}: GitHub answered {(int)api.StatusCode} ({Quote(api)}); retry, and check GitHub's status page if it persists.", inner: exception),
        HttpRequestException or TaskCanceledException => new SecretsPipelineException(Codes.GitHubRequest,
            $"could not {what}: GitHub could not be reached ({exception.GetType().Name}); check GITHUB_API_URL and the network.", inner: exception),
        _ => null,
    };

    private static SecretsPipelineException RateLimited(string what, DateTimeOffset? reset, Exception inner) =>
        new(Codes.GitHubRateLimited,
            $"could not {what}: GitHub's API rate limit is exhausted; retry after {(reset is { } r ? r.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "a few minutes")}, or use a token with a higher limit (a GitHub App installation token).",
            inner: inner);

    /// <summary>GitHub signals both rate limits with 403 or 429; the primary one also with <c>X-RateLimit-Remaining: 0</c>.</summary>
    private static bool IsRateLimit(ApiException exception) =>
        exception is SecondaryRateLimitExceededException
        || (int)exception.StatusCode == 429
        || ((int)exception.StatusCode == 403 && Header(exception, "X-RateLimit-Remaining") == "0");

    private static string? Header(ApiException exception, string name) =>
        exception.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>When to retry, from <c>Retry-After</c> (seconds) or <c>X-RateLimit-Reset</c> (epoch seconds).</summary>
    private static DateTimeOffset? RetryAfter(ApiException? exception)
    {
        if (exception is null)
        {
            return null;
        }

        if (long.TryParse(Header(exception, "Retry-After"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.UtcNow.AddSeconds(seconds);
        }

        return long.TryParse(Header(exception, "X-RateLimit-Reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : null;
    }

    private static string Quote(ApiException exception)
    {
        var details = exception.ApiError?.Errors?.Select(e => e.Message ?? $"{e.Resource} {e.Field} {e.Code}".Trim()).Where(m => !string.IsNullOrWhiteSpace(m)).ToArray() ?? [];
        var message = exception.ApiError?.Message ?? exception.Message;
        return details.Length == 0 ? message : $"{message}: {string.Join("; ", details)}";
    }
}
