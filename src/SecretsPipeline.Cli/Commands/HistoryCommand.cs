using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Git;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>history NAME [--env ENV]</c>: every version a secret was pinned to, newest first, with commit, author and date.</summary>
internal static class HistoryCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "The secret, as named in secrets.yaml." };
        var command = new Command("history", "Every version a secret was pinned to, with the commit, author and date that pinned it.") { name };
        runner.SetAction(command, (context, _) =>
        {
            var secret = context.Get(name)!;
            var environment = context.Environment;
            // Only this secret's entry of each lock is read, while the walk goes on; a lock that is not of this format
            // at some commit (hand-edited, older) has no pins there.
            var revisions = LockHistory.Changes(context.LockPath, bytes => new PinsAt(LockPinReader.TryRead(bytes, secret)));
            var entries = new List<Entry>();

            // Walk oldest to newest so each entry is a change from the pin before it.
            var last = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var revision in revisions.AsEnumerable().Reverse())
            {
                var pins = revision.Lock?.Pins;
                if (pins is null)
                {
                    if (revision.Lock is null)
                    {
                        // The lock was deleted: every environment's pin is gone.
                        foreach (var env in last.Keys.ToArray())
                        {
                            Record(revision, env, null);
                        }
                    }

                    continue;
                }

                foreach (var env in pins.Keys.Union(last.Keys).Where(e => environment is null || e == environment).Order(StringComparer.Ordinal).ToArray())
                {
                    Record(revision, env, pins.GetValueOrDefault(env));
                }
            }

            void Record(LockRevision<PinsAt> revision, string env, SecretPin? pin)
            {
                var label = pin is null ? null : pin.IsDynamic ? $"lease {pin.Dynamic} ttl {pin.Ttl ?? "default"}" : pin.Version;
                if (last.TryGetValue(env, out var previous) ? previous != label : label is not null)
                {
                    entries.Add(new Entry(revision, env, label, pin?.Ref ?? pin?.Dynamic));
                }

                last[env] = label;
            }

            entries.Reverse();
            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["secret"] = secret,
                    ["history"] = new JsonArray(entries.Select(e => (JsonNode?)new JsonObject
                    {
                        ["commit"] = e.Revision.Commit,
                        ["author"] = e.Revision.Author,
                        ["date"] = e.Revision.Date.ToString("O", CultureInfo.InvariantCulture),
                        ["message"] = e.Revision.Message,
                        ["environment"] = e.Environment,
                        ["version"] = e.Version,
                        ["ref"] = e.Ref,
                    }).ToArray()),
                });
                return Task.FromResult(0);
            }

            if (entries.Count > 0)
            {
                // One write for all the lines, not a write per line.
                context.Output.Info(string.Join(Environment.NewLine, entries.Select(e =>
                    $"{e.Revision.Commit[..10]}  {e.Revision.Date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}  {e.Environment}  {secret} {e.Version ?? "(removed)"}  {e.Revision.Author}  {e.Revision.Message}")));
            }
            else
            {
                context.Output.Info($"history: '{secret}' was never pinned in this history{(environment is null ? string.Empty : $" for '{environment}'")}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>One secret's pins in one lock (null where the lock is not of this format).</summary>
    private sealed record PinsAt(IReadOnlyDictionary<string, SecretPin>? Pins);

    // Records rather than tuples: generic code over a class is shared and ahead-of-time compiled; over a tuple it is
    // compiled at run time, which a short run pays for.
    private sealed record Entry(LockRevision<PinsAt> Revision, string Environment, string? Version, string? Ref);
}
