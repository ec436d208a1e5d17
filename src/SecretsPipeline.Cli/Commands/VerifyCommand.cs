using System.CommandLine;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>verify [--at REV] [--online]</c>: signature, trust and manifest digest; online, every pinned version is still readable.</summary>
internal static class VerifyCommand
{
    public static Command Create(CommandRunner runner)
    {
        var at = SharedOptions.At();
        var online = new Option<bool>("--online") { Description = "Also check in the stores that every pinned version is still readable (not deleted, destroyed, revoked or missing)." };
        var summary = SharedOptions.Summary();
        var githubStatus = new Option<bool>("--github-status") { Description = "Post the outcome as the commit status secrets-pipeline/verify (on --at's commit, else the pull request's head, GITHUB_SHA or HEAD); needs GITHUB_TOKEN and GITHUB_REPOSITORY." };
        var command = new Command("verify", "Check the lock's signature, its signer's trust and that it matches secrets.yaml.") { at, online, summary, githubStatus };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var revision = context.Get(at);
            var summaryPath = context.Get(summary);
            async Task<(int ExitCode, string Summary)> Verify()
            {
                try
                {
                    return await VerifyAsync(context, revision, context.Get(online), summaryPath, cancellationToken).ConfigureAwait(false);
                }
                catch (SecretsPipelineException ex) when (summaryPath is not null)
                {
                    Summaries.Publish(context, null, JobSummary.Verify(context.LockPath, null, ok: false, [ex.ToDiagnostic()]), summaryPath);
                    throw;
                }
            }

            return context.Get(githubStatus)
                ? await GitHubCli.Connect().PostVerifyStatusAsync(context, revision, Verify, cancellationToken).ConfigureAwait(false)
                : (await Verify().ConfigureAwait(false)).ExitCode;
        });
        return command;
    }

    // Its own method, so a verify without --json does not load System.Text.Json: the state machine of VerifyAsync would.
    private static void WriteJsonReport(CommandContext context, string display, string signedBy, string manifestDigest, string[] environments, int pins, bool online, IReadOnlyList<SecretsPipelineException> findings) =>
        context.Output.WriteJson(new JsonObject
        {
            ["lock"] = display,
            ["signed_by"] = signedBy,
            ["manifest_digest"] = manifestDigest,
            ["environments"] = new JsonArray(environments.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
            ["pins"] = pins,
            ["online"] = online,
            ["problems"] = new JsonArray(findings.Where(f => !f.IsWarning).Select(p => (JsonNode?)JsonValue.Create(p.Message)).ToArray()),
            ["warnings"] = new JsonArray(findings.Where(f => f.IsWarning).Select(w => (JsonNode?)JsonValue.Create(w.Message)).ToArray()),
            ["ok"] = !findings.Any(f => !f.IsWarning),
        });

    private static async Task<(int ExitCode, string Summary)> VerifyAsync(CommandContext context, string? revision, bool online, string? summaryPath, CancellationToken cancellationToken)
    {
        var manifest = context.ReadManifest(revision);
        var (lockFile, display, signedBy) = await context.ReadVerifiedLockAsync(revision, cancellationToken).ConfigureAwait(false);
        var environments = context.Environment is { } env ? [manifest.Environment(env).Name] : manifest.Environments.Keys.ToArray();
        LockConsistency.Check(display, lockFile, manifest, environments);
        IReadOnlyList<SecretsPipelineException> findings = [];
        if (online)
        {
            await using var stores = context.OpenStores();
            findings = await OnlineVerifier.CheckAsync(stores, manifest, lockFile, environments, cancellationToken).ConfigureAwait(false);
        }

        var problems = findings.Where(f => !f.IsWarning).ToArray();
        var pins = 0;
        foreach (var name in environments)
        {
            pins += lockFile.Environments[name].Secrets.Count;
        }

        if (context.Json)
        {
            WriteJsonReport(context, display, signedBy, lockFile.ManifestDigest, environments, pins, online, findings);
        }
        else
        {
            context.Output.Info($"verify: {display} is signed by {signedBy} (trusted) and matches {Path.GetFileName(manifest.Path)}; {pins} pins in {environments.Length} environments");
        }

        foreach (var finding in findings)
        {
            context.Output.Error.WriteLine(finding.ToDiagnostic());
        }

        if (summaryPath is not null)
        {
            var lines = findings.Select(f => f.ToDiagnostic()).Prepend($"signed by {signedBy}; {pins} pins in {environments.Length} environments{(online ? ", checked online" : string.Empty)}").ToArray();
            Summaries.Publish(context, null, JobSummary.Verify(display, Digest.Sha256(LockSerializer.Serialize(lockFile)), problems.Length == 0, lines), summaryPath);
        }

        if (problems.Length > 0)
        {
            return (ExitCodes.Failed, $"{problems.Length} problem(s) online; first {problems[0].Code.Id}: {problems[0].Message}");
        }

        if (online && !context.Json)
        {
            context.Output.Info("verify: every pinned version is readable in its store");
        }

        return (ExitCodes.Ok, $"signed by {signedBy} (trusted), matches {Path.GetFileName(manifest.Path)}; {pins} pins in {environments.Length} environments{(online ? ", all readable" : string.Empty)}");
    }
}
