using SecretsPipeline.Core.Errors;
using SecretsPipeline.GitHub.Api;

namespace SecretsPipeline.GitHub.Statuses;

/// <summary>Posts the outcome of <c>verify</c> as the commit status <c>secrets-pipeline/verify</c>.</summary>
public static class VerifyCommitStatus
{
    public const string Context = "secrets-pipeline/verify";

    /// <summary>
    /// Runs <paramref name="verify"/> and posts success for exit 0, failure otherwise; a coded failure is posted
    /// with its code and message (which never hold values) and then rethrown, so the command's own output is unchanged.
    /// </summary>
    public static async Task<int> RunAsync(IGitHubApi api, string sha, string? targetUrl, Func<Task<(int ExitCode, string Summary)>> verify, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(verify);
        (int ExitCode, string Summary) outcome;
        try
        {
            outcome = await verify().ConfigureAwait(false);
        }
        catch (SecretsPipelineException ex) when (!ex.IsWarning)
        {
            await api.SetCommitStatusAsync(sha, false, Context, $"{ex.Code.Id}: {ex.Message}", targetUrl, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await api.SetCommitStatusAsync(sha, outcome.ExitCode == ExitCodes.Ok, Context, outcome.Summary, targetUrl, cancellationToken).ConfigureAwait(false);
        return outcome.ExitCode;
    }
}
