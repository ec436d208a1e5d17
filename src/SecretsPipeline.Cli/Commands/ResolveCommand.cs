using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Git;

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
        var deploymentOption = new Option<string?>("--deployment") { Description = "The deployment this resolve belongs to (default: ENV-<commit>); its leases are recorded in the store's ledger." };
        var promote = new Option<bool>("--promote") { Description = "Mark the deployment live once its output is written, then revoke the leases of the deployment it replaces." };
        var stepOutputs = new Option<string[]>("--step-output") { Description = "With --format github|azure-devops: also set this resolved variable as a step output (repeatable; commas allowed).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var noExportEnv = new Option<bool>("--no-export-env") { Description = "With --format github|azure-devops: mask the values and set step outputs only, without exporting environment variables." };
        var summary = SharedOptions.Summary();
        var githubDeployment = new Option<bool>("--github-deployment") { Description = "Record a GitHub deployment of the commit (lock digest in its payload): in_progress, then success or failure; needs GITHUB_TOKEN and GITHUB_REPOSITORY." };
        var command = new Command("resolve", "Fetch exactly the pinned secret versions of one environment, all or nothing.") { at, format, outFile, deploymentOption, promote, stepOutputs, noExportEnv, summary, githubDeployment };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var environment = context.RequireEnvironment("resolve");
            var formatName = context.Get(format)!;
            OutputFormats.Check(formatName);
            var host = CiHosts.IsHost(formatName) ? CiHosts.Create(formatName, new FileCiSink(context.Output.Out), Environment.GetEnvironmentVariable) : null;
            var request = new ExportRequest(!context.Get(noExportEnv), SplitNames(context.Get(stepOutputs)));
            if (host is null && (request.StepOutputs.Count > 0 || !request.ExportEnvironment))
            {
                throw new SecretsPipelineException(Codes.Usage, "--step-output and --no-export-env need a CI-host format: --format github or --format azure-devops.");
            }

            // A CI host takes the values from the runner's files or logging commands; --out then keeps a dotenv copy.
            var outputFormat = OutputFormats.Get(host is null ? formatName : "dotenv");
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
            var store = stores.Open(manifest.StoreFor(environment));
            var commit = revision is null ? GitCommitter.HeadCommit(context.ManifestDirectory) : context.CommitOf(revision);
            var lockDigest = Digest.Sha256(LockSerializer.Serialize(lockFile));
            var deployment = new DeploymentContext(DeploymentContext.Validate(context.Get(deploymentOption) ?? DeploymentContext.DefaultId(environment, commit, lockDigest)), commit, lockDigest);
            await using var github = context.Get(githubDeployment) ? await GitHubCli.Connect().StartDeploymentAsync(context, environment, commit, lockDigest, deployment.Id, cancellationToken).ConfigureAwait(false) : null;
            ResolveResult? result = null;
            try
            {
                result = await new Resolver(stores, context.Parallelism).ResolveAsync(manifest, lockFile, environment, deployment, resolved =>
                {
                    if (host is not null)
                    {
                        // Every name and value is checked before the first byte. The --out copy is staged beside its
                        // target and renamed only once the export succeeded, so a failed export leaves the old file.
                        var export = host.Prepare(resolved.Outputs, request);
                        using var copy = outPath is null ? null : AtomicFile.Stage(outPath, Encoding.UTF8.GetBytes(outputFormat.Render(resolved.Outputs)), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                        export.Apply();
                        copy?.Commit();
                        return Task.CompletedTask;
                    }

                    var text = outputFormat.Render(resolved.Outputs);
                    if (outPath is null)
                    {
                        context.Output.Out.Write(text);
                        context.Output.Out.Flush();
                    }
                    else
                    {
                        AtomicFile.Write(outPath, Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    }

                    return Task.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await Audit.RecordAsync(context, [store], "resolve", environment, commit, lockDigest, null, null, Audit.Outcome(ex)).ConfigureAwait(false);
                throw;
            }

            var versions = result.Outputs.Where(o => !manifest.Secret(o.Secret).IsDynamic).ToDictionary(o => o.Name, o => o.Value.Version.Version, StringComparer.Ordinal);
            await Audit.RecordAsync(context, [store], "resolve", environment, commit, lockDigest, versions, result.Leases.Select(l => l.LeaseId).ToArray(), "ok").ConfigureAwait(false);
            if (context.Get(promote))
            {
                await PromoteCommand.PromoteAsync(context, store, manifest.Environment(environment), deployment, cancellationToken).ConfigureAwait(false);
            }

            if (github is not null)
            {
                await github.SucceedAsync($"resolved {result.Outputs.Count} pinned values; deployment {deployment.Id}").ConfigureAwait(false);
            }

            var summaryPath = context.Get(summary);
            if (host is not null || summaryPath is not null)
            {
                var rows = result.Outputs.Select(o => new JobSummary.Row(o.Name, manifest.StoreFor(environment).Name, manifest.Secret(o.Secret).IsDynamic ? "lease" : o.Value.Version.Version)).ToArray();
                var markdown = JobSummary.Resolve(environment, lockDigest, commit, deployment.Id, rows);
                Summaries.Publish(context, host, markdown, summaryPath);
            }

            if (outPath is null)
            {
                context.Output.Info($"resolve: {result.Outputs.Count} values for '{environment}' from {display} (signed by {signedBy}); deployment {deployment.Id}", toError: true);
                return ExitCodes.Ok;
            }

            Report(context, result, lockFile, display, signedBy, outPath, deployment.Id);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string[] SplitNames(string[]? names) =>
        (names ?? []).SelectMany(n => n.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToArray();

    private static void Report(CommandContext context, ResolveResult result, LockFile lockFile, string display, string signedBy, string outPath, string deploymentId)
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
                ["deployment"] = deploymentId,
                ["leases"] = new JsonArray(result.Leases.Select(l => (JsonNode?)new JsonObject { ["lease_id"] = l.LeaseId, ["role"] = l.Role, ["expires"] = l.Expires.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }).ToArray()),
                ["outputs"] = new JsonArray(result.Outputs.Select(o => (JsonNode?)new JsonObject
                {
                    ["name"] = o.Name,
                    ["secret"] = o.Secret,
                    ["version"] = o.Value.Version.Version,
                }).ToArray()),
            });
            return;
        }

        context.Output.Info($"resolve: wrote {result.Outputs.Count} values for '{result.Environment}' to {outPath} from {display} (signed by {signedBy}); deployment {deploymentId}, {result.Leases.Count} leases");
    }
}
