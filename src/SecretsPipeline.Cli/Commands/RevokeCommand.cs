using System.CommandLine;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>revoke NAME --env ENV --version V</c>: mark a version compromised in the store itself, where no git revert can undo it.</summary>
internal static class RevokeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "The secret, as named in secrets.yaml." };
        var version = new Option<string>("--version") { Description = "The store version to revoke.", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the store, never a value)." };
        var command = new Command("revoke", "Mark a secret version compromised in its store; no rollback may resolve it again.") { name, version, reason };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var environment = context.RequireEnvironment("revoke");
            var manifest = context.ReadManifest();
            var secret = manifest.Secret(context.Get(name)!);
            var secretRef = secret.RefFor(manifest.Environment(environment).Name);
            var target = context.Get(version)!;
            await using var stores = context.OpenStores();
            var store = stores.Open(manifest.StoreFor(environment));
            await store.RevokeVersionAsync(secretRef, target, context.Get(reason) ?? $"revoked with secrets-pipeline by {Environment.UserName}", cancellationToken).ConfigureAwait(false);
            await Audit.RecordAsync(context, [store], "revoke", environment, null, null, new Dictionary<string, string> { [secret.Name] = target }, null, "ok").ConfigureAwait(false);
            var newest = (await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false)).LastOrDefault(v => v.IsReadable)?.Version;
            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["secret"] = secret.Name,
                    ["environment"] = environment,
                    ["ref"] = secretRef.ToString(),
                    ["revoked_version"] = target,
                    ["newest_good_version"] = newest,
                });
            }
            else
            {
                context.Output.Info($"revoke: {secret.Name} version {target} in '{environment}' ({secretRef}) is revoked; any lock pinning it will be refused. Newest good version: {newest ?? "none"}.");
            }

            return 0;
        });
        return command;
    }
}
