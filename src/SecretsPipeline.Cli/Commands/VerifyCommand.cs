using System.CommandLine;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
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
        var githubStatus = new Option<bool>("--github-status") { Description = "Post the outcome as the commit status secrets-pipeline/verify (on --at's commit, else the pull request's head, GITHUB_SHA or HEAD); needs GITHUB_TOKEN and GITHUB_REPOSITORY." };
        var command = new Command("verify", "Check the lock's signature, its signer's trust and that it matches secrets.yaml.") { at, online, githubStatus };
        runner.SetAction(command, async (context, cancellationToken) => context.Get(githubStatus)
            ? await GitHubCli.Connect().PostVerifyStatusAsync(context, context.Get(at), () => VerifyAsync(context, at, online, cancellationToken), cancellationToken).ConfigureAwait(false)
            : (await VerifyAsync(context, at, online, cancellationToken).ConfigureAwait(false)).ExitCode);
        return command;
    }

    private static async Task<(int ExitCode, string Summary)> VerifyAsync(CommandContext context, Option<string?> at, Option<bool> online, CancellationToken cancellationToken)
    {
        var revision = context.Get(at);
        var manifest = context.ReadManifest(revision);
        var (lockFile, display, signedBy) = await context.ReadVerifiedLockAsync(revision, cancellationToken).ConfigureAwait(false);
        var environments = context.Environment is { } env ? [manifest.Environment(env).Name] : manifest.Environments.Keys.ToArray();
        LockConsistency.Check(display, lockFile, manifest, environments);
        IReadOnlyList<SecretsPipelineException> findings = [];
        if (context.Get(online))
        {
            await using var stores = context.OpenStores();
            findings = await OnlineVerifier.CheckAsync(stores, manifest, lockFile, environments, cancellationToken).ConfigureAwait(false);
        }

        var problems = findings.Where(f => !f.IsWarning).ToArray();
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
                ["warnings"] = new JsonArray(findings.Where(f => f.IsWarning).Select(w => (JsonNode?)JsonValue.Create(w.Message)).ToArray()),
                ["ok"] = problems.Length == 0,
            });
        }
        else
        {
            context.Output.Info($"verify: {display} is signed by {signedBy} (trusted) and matches {Path.GetFileName(manifest.Path)}; {pins} pins in {environments.Length} environments");
        }

        foreach (var finding in findings)
        {
            context.Output.Error.WriteLine(finding.ToDiagnostic());
        }

        if (problems.Length > 0)
        {
            return (ExitCodes.Failed, $"{problems.Length} problem(s) online; first {problems[0].Code.Id}: {problems[0].Message}");
        }

        if (context.Get(online) && !context.Json)
        {
            context.Output.Info("verify: every pinned version is readable in its store");
        }

        return (ExitCodes.Ok, $"signed by {signedBy} (trusted), matches {Path.GetFileName(manifest.Path)}; {pins} pins in {environments.Length} environments{(context.Get(online) ? ", all readable" : string.Empty)}");
    }
}
