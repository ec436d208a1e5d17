using System.CommandLine;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>verify [--at REV] [--online]</c>: signature, trust and manifest digest; online, every pinned version is still readable.</summary>
internal static class VerifyCommand
{
    public static Command Create(CommandRunner runner)
    {
        var at = SharedOptions.At();
        var online = new Option<bool>("--online") { Description = "Also check in the stores that every pinned version is still readable (not deleted, destroyed, revoked or missing)." };
        var command = new Command("verify", "Check the lock's signature, its signer's trust and that it matches secrets.yaml.") { at, online };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var revision = context.Get(at);
            var manifest = context.ReadManifest(revision);
            var (lockFile, display, signedBy) = await context.ReadVerifiedLockAsync(revision, cancellationToken).ConfigureAwait(false);
            var environments = context.Environment is { } env ? [manifest.Environment(env).Name] : manifest.Environments.Keys.ToArray();
            LockConsistency.Check(display, lockFile, manifest, environments);
            var problems = context.Get(online)
                ? await CheckOnlineAsync(context, manifest, lockFile, environments, cancellationToken).ConfigureAwait(false)
                : [];
            var pins = environments.Sum(e => lockFile.Environments[e].Secrets.Count);
            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["lock"] = display,
                    ["signed_by"] = signedBy,
                    ["manifest_digest"] = lockFile.ManifestDigest,
                    ["environments"] = new JsonArray(environments.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
                    ["pins"] = pins,
                    ["online"] = context.Get(online),
                    ["problems"] = new JsonArray(problems.Select(p => (JsonNode?)JsonValue.Create(p.Message)).ToArray()),
                    ["ok"] = problems.Count == 0,
                });
            }
            else
            {
                context.Output.Info($"verify: {display} is signed by {signedBy} (trusted) and matches {Path.GetFileName(manifest.Path)}; {pins} pins in {environments.Length} environments");
            }

            foreach (var problem in problems)
            {
                context.Output.Error.WriteLine(problem.ToDiagnostic());
            }

            if (problems.Count > 0)
            {
                return ExitCodes.Failed;
            }

            if (context.Get(online) && !context.Json)
            {
                context.Output.Info("verify: every pinned version is readable in its store");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<List<SecretsPipelineException>> CheckOnlineAsync(
        CommandContext context, SecretsManifest manifest, LockFile lockFile, IEnumerable<string> environments, CancellationToken cancellationToken)
    {
        var problems = new List<SecretsPipelineException>();
        await using var stores = context.OpenStores();
        foreach (var environment in environments)
        {
            var store = stores.Open(manifest.StoreFor(environment));
            foreach (var secret in manifest.Secrets.Where(s => !s.IsDynamic))
            {
                var pin = lockFile.Environments[environment].Secrets[secret.Name];
                var versions = await store.ListVersionsAsync(secret.RefFor(environment), cancellationToken).ConfigureAwait(false);
                var pinned = versions.FirstOrDefault(v => v.Version == pin.Version);
                var newest = versions.LastOrDefault(v => v.IsReadable)?.Version ?? "none";
                if (pinned is null || !pinned.IsReadable)
                {
                    var state = pinned?.State ?? VersionState.Missing;
                    var code = new VersionUnavailableException(state, pin.Version!, string.Empty).Code;
                    problems.Add(new SecretsPipelineException(
                        code,
                        $"secret '{secret.Name}' (environment '{environment}') is pinned to version {pin.Version}, which is {state.ToString().ToLowerInvariant()}; the newest good version is {newest}. Run `secrets-pipeline lock --update {secret.Name} --env {environment}`.",
                        secret.Location));
                }
                else if (store is IVersionRetention retention)
                {
                    var outlook = await retention.OutlookAsync(secret.RefFor(environment), pin.Version!, cancellationToken).ConfigureAwait(false);
                    foreach (var warning in RetentionWarnings.For(secret.Name, environment, pin.Version!, outlook, DateTimeOffset.UtcNow))
                    {
                        context.Output.Error.WriteLine(Diagnostic.Format(secret.Location, "warning", Codes.RetentionWarning.Id, warning));
                    }
                }

                if (pinned is not null && pin.Created is { } created && pinned.Created != created)
                {
                    problems.Add(new SecretsPipelineException(
                        Codes.VersionReplaced,
                        $"secret '{secret.Name}' (environment '{environment}') version {pin.Version} has a different creation time than pinned: the key was recreated.",
                        secret.Location));
                }
            }
        }

        return problems;
    }
}
