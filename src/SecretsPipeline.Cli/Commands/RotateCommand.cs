using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecretsPipeline.Cli.Terminal;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Git;

namespace SecretsPipeline.Cli.Commands;

/// <summary>
/// <c>rotate NAME --env ENV (--value-stdin | --generate N) [--commit]</c>: a new version with check-and-set, the lock
/// re-pinned and re-signed, optionally committed — one transaction, serialised with other locks and rotations.
/// </summary>
internal static class RotateCommand
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "The secret, as named in secrets.yaml." };
        var valueStdin = new Option<bool>("--value-stdin") { Description = "Read the new value from standard input (one trailing newline dropped)." };
        var generate = new Option<int?>("--generate") { Description = "Generate a random value of N letters and digits (16 to 4096)." };
        var commit = new Option<bool>("--commit") { Description = "Commit the updated lock (only the lock) with git." };
        var command = new Command("rotate", "Write a new version with check-and-set, re-pin and re-sign the lock, optionally commit; all or nothing.") { name, valueStdin, generate, commit };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var environment = context.RequireEnvironment("rotate");
            var value = await ValueAsync(context.Get(valueStdin), context.Get(generate), cancellationToken).ConfigureAwait(false);
            var manifest = context.ReadManifest();
            using var repositoryLock = await RepositoryLock.AcquireAsync(context.ManifestDirectory, context.LockTimeout, cancellationToken).ConfigureAwait(false);
            var (current, _, _) = await context.ReadVerifiedLockAsync(null, cancellationToken).ConfigureAwait(false);
            LockConsistency.Check(context.LockPath, current, manifest, [manifest.Environment(environment).Name]);
            var secret = manifest.Secret(context.Get(name)!);
            await using var stores = context.OpenStores();
            var store = stores.Open(manifest.StoreFor(environment));
            using var signers = LockSigners.Create(context, []);
            Func<CancellationToken, Task>? commitStep = null;
            if (context.Get(commit))
            {
                commitStep = _ =>
                {
                    GitCommitter.CommitFile(context.LockPath, $"Rotate {secret.Name} in {environment}");
                    return Task.CompletedTask;
                };
            }

            try
            {
                var (next, written, old) = await new Rotator(stores)
                    .RotateAsync(manifest, current, context.LockPath, environment, secret.Name, value, signers.Signers, commitStep, cancellationToken)
                    .ConfigureAwait(false);
                await Audit.RecordAsync(context, [store], "rotate", environment, null, next.Digest, new Dictionary<string, string> { [secret.Name] = written.Version }, null, "ok").ConfigureAwait(false);
                if (context.Json)
                {
                    context.Output.WriteJson(new JsonObject { ["secret"] = secret.Name, ["environment"] = environment, ["old_version"] = old, ["new_version"] = written.Version, ["committed"] = commitStep is not null });
                }
                else
                {
                    context.Output.Info($"rotate: {secret.Name} in '{environment}': version {old ?? "-"} -> {written.Version}; lock re-signed{(commitStep is null ? string.Empty : " and committed")}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception ex)
            {
                await Audit.RecordAsync(context, [store], "rotate", environment, null, null, new Dictionary<string, string> { [secret.Name] = "-" }, null, Audit.Outcome(ex)).ConfigureAwait(false);
                throw;
            }
        });
        return command;
    }

    private static async Task<string> ValueAsync(bool fromStdin, int? generate, CancellationToken cancellationToken)
    {
        if (fromStdin == generate.HasValue)
        {
            throw new SecretsPipelineException(Codes.Usage, "give exactly one of --value-stdin (pipe the value in) and --generate N.");
        }

        if (generate is { } length)
        {
            return length is >= 16 and <= 4096
                ? RandomNumberGenerator.GetString(Alphabet, length)
                : throw new SecretsPipelineException(Codes.Usage, $"--generate {length}: choose a length from 16 to 4096.");
        }

        return await StandardInput.ReadValueAsync("--value-stdin needs the value piped on standard input.", "standard input was empty; nothing was rotated.", cancellationToken).ConfigureAwait(false);
    }
}
