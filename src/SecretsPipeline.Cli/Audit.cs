using SecretsPipeline.Core.Audit;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Cli;

/// <summary>
/// Appends a command's record to the audit trail of each store it touched. A failed append is reported as a warning
/// (the command's own outcome stands); stores without a trail are skipped.
/// </summary>
internal static class Audit
{
    public static async Task RecordAsync(
        CommandContext context,
        IEnumerable<ISecretStore> stores,
        string command,
        string? environment,
        string? commit,
        string? lockDigest,
        IReadOnlyDictionary<string, string>? secrets,
        IReadOnlyList<string>? leases,
        string outcome)
    {
        foreach (var trail in stores.OfType<IAuditTrail>().Distinct())
        {
            try
            {
                await new AuditLog(trail, Environment.GetEnvironmentVariable)
                    .AppendAsync(command, environment, commit, lockDigest, secrets ?? new Dictionary<string, string>(), leases ?? [], outcome, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (SecretsPipelineException ex)
            {
                context.Output.Error.WriteLine(Diagnostic.Format(null, "warning", Codes.AuditWriteFailed.Id, $"the audit record of `{command}` could not be written: {ex.Message}"));
            }
        }
    }

    public static string Outcome(Exception? ex) => ex switch
    {
        null => "ok",
        SecretsPipelineException known => $"failed {known.Code.Id}",
        _ => "failed",
    };
}
