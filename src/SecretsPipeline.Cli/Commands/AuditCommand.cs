using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Audit;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>audit list [--since DATE]</c> and <c>audit verify</c>: the hash-chained trail in the environment's store.</summary>
internal static class AuditCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("audit", "List or verify the audit trail kept in the store of --env.");
        var since = new Option<string?>("--since") { Description = "Only records at or after this UTC date or time (e.g. 2026-11-24 or 2026-11-24T10:00:00Z)." };
        var list = new Command("list", "Print the audit records (names, versions, lease ids; never values).") { since };
        runner.SetAction(list, async (context, ct) =>
        {
            var records = await ReadAsync(context, ct).ConfigureAwait(false);
            var from = context.Get(since) is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new SecretsPipelineException(Codes.Usage, $"--since '{text}' is not a date; write e.g. 2026-11-24 or 2026-11-24T10:00:00Z.")
                : DateTimeOffset.MinValue;
            var shown = records.Where(r => r.Time >= from).ToArray();
            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject { ["records"] = new JsonArray(shown.Select(r => (JsonNode?)AuditChain.ToJson(r)).ToArray()) });
                return ExitCodes.Ok;
            }

            foreach (var r in shown)
            {
                var secrets = string.Join(", ", r.Secrets.Select(p => $"{p.Key}@{p.Value}"));
                context.Output.Info($"#{r.Sequence} {r.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {r.Command} {r.Environment ?? "-"} {r.Outcome} by {r.Actor}{(r.CiRun is null ? string.Empty : $" ({r.CiRun})")}{(secrets.Length == 0 ? string.Empty : $" [{secrets}]")}{(r.Leases.Count == 0 ? string.Empty : $" leases: {string.Join(", ", r.Leases)}")}");
            }

            return ExitCodes.Ok;
        });

        var verify = new Command("verify", "Check the hash chain: no record removed, reordered or edited.");
        runner.SetAction(verify, async (context, ct) =>
        {
            var records = await ReadAsync(context, ct).ConfigureAwait(false);
            var broken = AuditChain.Verify(records);
            if (broken is not null)
            {
                throw new SecretsPipelineException(Codes.AuditBroken, $"the audit trail is broken: {broken}.");
            }

            context.Output.Info($"audit: {records.Count} records, hash chain intact{(records.Count == 0 ? string.Empty : $" (head {records[^1].Hash[..19]}…)")}");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(verify);
        return command;
    }

    private static async Task<IReadOnlyList<AuditRecord>> ReadAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var environment = context.RequireEnvironment("audit");
        var manifest = context.ReadManifest();
        await using var stores = context.OpenStores();
        var trail = stores.Open(manifest.StoreFor(environment)) as IAuditTrail
            ?? throw new SecretsPipelineException(Codes.LedgerUnsupported, $"the store of '{environment}' keeps no audit trail.");
        return await trail.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
