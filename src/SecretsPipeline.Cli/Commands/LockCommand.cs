using System.CommandLine;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>lock [--update [NAME...]]</c>: compute the pins, sign, and replace secrets.lock.json atomically.</summary>
internal static class LockCommand
{
    public static Command Create(CommandRunner runner)
    {
        var update = new Option<bool>("--update") { Description = "Move pins to the newest readable version (all secrets, or the NAMEs given)." };
        var names = new Argument<string[]>("NAME") { Description = "With --update: the secrets to move.", Arity = ArgumentArity.ZeroOrMore };
        var signerOption = new Option<string[]>("--signer") { Description = "Who signs: `local` (the key in SECRETS_PIPELINE_HOME) and/or `vault-transit:MOUNT/KEY`; repeatable. Default: SECRETS_PIPELINE_SIGNERS, else local." };
        var pullRequest = new Option<bool>("--pull-request") { Description = "Also push the lock change to the branch secrets-pipeline/lock-update/<env|all> and open (or update) its pull request; needs GITHUB_TOKEN and GITHUB_REPOSITORY." };
        var command = new Command("lock", "Pin every secret of secrets.yaml to an exact store version in a signed secrets.lock.json.") { update, names, signerOption, pullRequest };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var selected = context.Get(names) ?? [];
            if (selected.Length > 0 && !context.Get(update))
            {
                throw new Core.Errors.SecretsPipelineException(Core.Errors.Codes.Usage, "naming secrets needs --update (e.g. `secrets-pipeline lock --update DB_PASSWORD`).");
            }

            var github = context.Get(pullRequest) ? GitHubCli.Connect() : null;
            var manifest = context.ReadManifest();
            using var repositoryLock = await RepositoryLock.AcquireAsync(context.ManifestDirectory, context.LockTimeout, cancellationToken).ConfigureAwait(false);
            LockFile? previous = null;
            if (File.Exists(context.LockPath))
            {
                // A tampered lock must not be laundered: its pins are reused only after its signature checks out.
                (previous, _, _) = await context.ReadVerifiedLockAsync(null, cancellationToken).ConfigureAwait(false);
            }

            var environments = context.Environment is { } env ? new[] { env } : [];
            await using var stores = context.OpenStores();
            var (lockFile, changes) = await new Locker(stores, context.Parallelism)
                .ComputeAsync(manifest, previous, new LockRequest(environments, context.Get(update), selected), cancellationToken)
                .ConfigureAwait(false);
            using var signers = LockSigners.Create(context, context.Get(signerOption) ?? []);
            var result = await LockWriter.WriteAsync(context.LockPath, lockFile, previous, signers.Signers, cancellationToken).ConfigureAwait(false);
            if (result.Written)
            {
                var moved = changes.Where(c => c.NewVersion is not null).GroupBy(c => c.Environment);
                foreach (var group in moved)
                {
                    var pins = group.ToDictionary(c => c.Secret, c => c.NewVersion!, StringComparer.Ordinal);
                    await Audit.RecordAsync(context, [stores.Open(manifest.StoreFor(group.Key))], "lock", group.Key, null, result.Digest, pins, null, "ok").ConfigureAwait(false);
                }
            }

            var pull = github is null ? null : await github.ProposeLockAsync(context, manifest, previous, result.Lock, result.Digest, cancellationToken).ConfigureAwait(false);
            Report(context, lockFile, changes, result.Written, github is null ? null : new JsonObject
            {
                ["number"] = pull?.Number,
                ["url"] = pull?.Url,
                ["created"] = pull?.Created,
                ["branch"] = pull?.Branch,
                ["commit"] = pull?.Commit,
            });
            return 0;
        });
        return command;
    }

    private static void Report(CommandContext context, LockFile lockFile, IReadOnlyList<LockChange> changes, bool written, JsonObject? pull)
    {
        if (context.Json)
        {
            context.Output.WriteJson(new JsonObject
            {
                ["lock"] = context.LockPath,
                ["written"] = written,
                ["manifest_digest"] = lockFile.ManifestDigest,
                ["changes"] = new JsonArray(changes.Select(c => (JsonNode?)new JsonObject
                {
                    ["environment"] = c.Environment,
                    ["secret"] = c.Secret,
                    ["change"] = c.Kind.ToString().ToLowerInvariant(),
                    ["old_version"] = c.OldVersion,
                    ["new_version"] = c.NewVersion,
                }).ToArray()),
                ["pull_request"] = pull,
            });
            return;
        }

        foreach (var change in changes)
        {
            var detail = change.Kind switch
            {
                LockChangeKind.Added => change.NewVersion is null ? "pinned (dynamic)" : $"pinned to version {change.NewVersion}",
                LockChangeKind.Removed => "pin removed",
                _ => $"version {change.OldVersion} -> {change.NewVersion}",
            };
            context.Output.Info($"lock: {change.Environment}/{change.Secret}: {detail}");
        }

        var pins = lockFile.Environments.Values.Sum(e => e.Secrets.Count);
        context.Output.Info(written
            ? $"lock: wrote {Path.GetFileName(context.LockPath)} ({pins} pins in {lockFile.Environments.Count} environments, signed)"
            : $"lock: {Path.GetFileName(context.LockPath)} is up to date ({pins} pins)");
        if (pull is not null)
        {
            context.Output.Info(pull["url"] is { } url
                ? $"lock: {((bool)pull["created"]! ? "opened" : "updated")} pull request #{pull["number"]} from {pull["branch"]}: {url}"
                : "lock: no pin moved; no pull request");
        }
    }
}
