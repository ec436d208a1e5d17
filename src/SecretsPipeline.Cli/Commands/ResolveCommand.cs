using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Cli.Commands;

/// <summary>
/// <c>resolve --env ENV [--at REV] [--format F] [--out FILE]</c>: verify, fetch exactly the pinned versions, then
/// write them all at once. Nothing reaches the output before every secret has been read.
/// </summary>
internal static class ResolveCommand
{
    public static Command Create(CommandRunner runner)
    {
        var at = SharedOptions.At();
        var format = new Option<string>("--format") { Description = $"Output format: {string.Join(", ", OutputFormats.Names)}.", DefaultValueFactory = _ => "dotenv" };
        var outFile = new Option<string?>("--out") { Description = "Write the values to this file (replaced atomically, mode 600) instead of standard output." };
        var command = new Command("resolve", "Fetch exactly the pinned secret versions of one environment, all or nothing.") { at, format, outFile };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var environment = context.RequireEnvironment("resolve");
            var outputFormat = OutputFormats.Get(context.Get(format)!);
            var outPath = context.Get(outFile);
            if (context.Json && outPath is null)
            {
                throw new SecretsPipelineException(Codes.Usage, "--json describes a resolve written with --out; to get the values as JSON on standard output use --format json.");
            }

            var revision = context.Get(at);
            var manifest = context.ReadManifest(revision);
            var (lockFile, display, signedBy) = await context.ReadVerifiedLockAsync(revision, cancellationToken).ConfigureAwait(false);
            LockConsistency.Check(display, lockFile, manifest, [manifest.Environment(environment).Name]);

            await using var stores = context.OpenStores();
            var result = await new Resolver(stores, context.Parallelism).ResolveAsync(manifest, lockFile, environment, cancellationToken).ConfigureAwait(false);
            var text = outputFormat.Render(result.Outputs);
            if (outPath is null)
            {
                context.Output.Out.Write(text);
                context.Output.Out.Flush();
                context.Output.Info($"resolve: {result.Outputs.Count} values for '{environment}' from {display} (signed by {signedBy})", toError: true);
                return ExitCodes.Ok;
            }

            AtomicFile.Write(outPath, Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Report(context, result, lockFile, display, signedBy, outPath);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Report(CommandContext context, ResolveResult result, LockFile lockFile, string display, string signedBy, string outPath)
    {
        if (context.Json)
        {
            context.Output.WriteJson(new JsonObject
            {
                ["environment"] = result.Environment,
                ["lock"] = display,
                ["signed_by"] = signedBy,
                ["lock_digest"] = Digest.Sha256(LockSerializer.Serialize(lockFile)),
                ["out"] = Path.GetFullPath(outPath),
                ["outputs"] = new JsonArray(result.Outputs.Select(o => (JsonNode?)new JsonObject
                {
                    ["name"] = o.Name,
                    ["secret"] = o.Secret,
                    ["version"] = o.Value.Version.Version,
                }).ToArray()),
            });
            return;
        }

        context.Output.Info($"resolve: wrote {result.Outputs.Count} values for '{result.Environment}' to {outPath} from {display} (signed by {signedBy})");
    }
}
