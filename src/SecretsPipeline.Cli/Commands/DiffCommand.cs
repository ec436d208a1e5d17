using System.CommandLine;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Cli.Commands;

/// <summary>
/// <c>diff [REV1] [REV2]</c>: which pins changed between two revisions (names and versions, never values).
/// No revision: HEAD against the work tree; one: that revision against the work tree.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CommandRunner runner)
    {
        var from = new Argument<string?>("REV1") { Description = "The older revision (default HEAD).", Arity = ArgumentArity.ZeroOrOne };
        var to = new Argument<string?>("REV2") { Description = "The newer revision (default: the work tree).", Arity = ArgumentArity.ZeroOrOne };
        var summary = SharedOptions.Summary();
        var command = new Command("diff", "Show which pins changed between two revisions of the lock.") { from, to, summary };
        runner.SetAction(command, (context, _) =>
        {
            var older = context.Get(from) ?? "HEAD";
            var newer = context.Get(to);
            var before = context.ReadLock(older).Lock;
            var after = newer is null ? (File.Exists(context.LockPath) ? context.ReadLock().Lock : null) : context.ReadLock(newer).Lock;
            var changes = LockDiff.Compare(before, after);
            if (context.Get(summary) is { } summaryPath)
            {
                var rows = changes.Select(c => new JobSummary.Change(c.Environment, c.Secret, c.NewRef ?? c.OldRef, c.OldVersion, c.NewVersion)).ToArray();
                Summaries.Publish(context, null, JobSummary.Diff(older, newer ?? "work tree", rows), summaryPath);
            }

            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["from"] = older,
                    ["to"] = newer ?? "work tree",
                    ["changes"] = new JsonArray(changes.Select(c => (JsonNode?)new JsonObject
                    {
                        ["environment"] = c.Environment,
                        ["secret"] = c.Secret,
                        ["change"] = c.Kind,
                        ["old"] = c.OldVersion,
                        ["new"] = c.NewVersion,
                        ["old_ref"] = c.OldRef,
                        ["new_ref"] = c.NewRef,
                    }).ToArray()),
                });
                return Task.FromResult(0);
            }

            context.Output.Info($"diff {older}..{newer ?? "work tree"}: {(changes.Count == 0 ? "no pin changed" : $"{changes.Count} change(s)")}");
            foreach (var c in changes)
            {
                context.Output.Info(c.Kind switch
                {
                    "added" => $"  + {c.Environment}/{c.Secret} {c.NewVersion} ({c.NewRef})",
                    "removed" => $"  - {c.Environment}/{c.Secret} {c.OldVersion} ({c.OldRef})",
                    "store" => $"  ~ {c.Environment} store: {c.OldVersion} -> {c.NewVersion}",
                    _ => $"  ~ {c.Environment}/{c.Secret} {c.OldVersion} -> {c.NewVersion}{(c.OldRef == c.NewRef ? string.Empty : $" (ref {c.OldRef} -> {c.NewRef})")}",
                });
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
