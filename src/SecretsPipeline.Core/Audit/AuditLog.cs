using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Audit;

/// <summary>
/// Appends records to a store's audit trail: who (CI actor or OS user, and the CI run), what, and the outcome.
/// A concurrent append (sequence taken) is retried on the new head, so the chain never forks.
/// </summary>
public sealed class AuditLog(IAuditTrail trail, Func<string, string?> variable)
{
    public async Task<AuditRecord> AppendAsync(
        string command, string? environment, string? commit, string? lockDigest, IReadOnlyDictionary<string, string> secrets, IReadOnlyList<string> leases, string outcome, CancellationToken cancellationToken)
    {
        var draft = new AuditRecord(0, DateTimeOffset.UtcNow, Actor(), CiRun(), command, environment, commit, lockDigest, secrets, leases, outcome, string.Empty, string.Empty);
        for (var attempt = 0; ; attempt++)
        {
            var last = await trail.LastAsync(cancellationToken).ConfigureAwait(false);
            var sealedRecord = AuditChain.Seal(draft, last);
            try
            {
                await trail.AppendAsync(sealedRecord, cancellationToken).ConfigureAwait(false);
                return sealedRecord;
            }
            catch (SecretsPipelineException ex) when (ex.Code == Codes.CheckAndSetMismatch && attempt < 10)
            {
                await Task.Delay(Random.Shared.Next(5, 50), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string Actor() =>
        variable("GITHUB_ACTOR") is { Length: > 0 } gh ? $"github:{gh}"
        : variable("BUILD_REQUESTEDFOREMAIL") is { Length: > 0 } ado ? $"azure-devops:{ado}"
        : $"user:{Environment.UserName}@{Environment.MachineName}";

    private string? CiRun() =>
        variable("GITHUB_RUN_ID") is { Length: > 0 } run ? $"github:{variable("GITHUB_REPOSITORY")}/actions/runs/{run}"
        : variable("BUILD_BUILDID") is { Length: > 0 } build ? $"azure-devops:{variable("SYSTEM_TEAMPROJECT")}/builds/{build}"
        : null;
}
