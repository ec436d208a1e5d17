using System.Text;
using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.GitHub.PullRequests;

/// <summary>The branch, title, commit message and body of a lock-update pull request: names, stores and versions, never values.</summary>
public static class LockPullRequestText
{
    public const string BranchPrefix = "secrets-pipeline/lock-update/";

    /// <summary>Marks bodies we wrote, so a reader (or a later tool) can tell them from hand-written ones.</summary>
    public const string Marker = "<!-- secrets-pipeline:lock-update -->";

    public static string Branch(string? environment) => BranchPrefix + (environment ?? "all");

    public static string Title(string? environment) =>
        environment is null ? "Update secret pins" : $"Update secret pins for {environment}";

    public static string CommitMessage(LockUpdateProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var moved = proposal.Changes.Where(c => c.Secret != "*").Select(c => $"{c.Environment}/{c.Secret}").Distinct().ToArray();
        return $"{Title(proposal.Environment)}\n\n{string.Join('\n', moved.Select(m => $"- {m}"))}\n\nLock digest: {proposal.LockDigest}\n";
    }

    public static string Body(LockUpdateProposal proposal, string compareUrl, string baseBranch, string branch)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var body = new StringBuilder();
        body.AppendLine(Marker);
        body.AppendLine($"`secrets-pipeline lock --update` moved these pins in `{proposal.LockPath}`. Merging this pull request deploys the new versions wherever this branch is resolved; reverting it brings the old ones back.");
        body.AppendLine();
        body.AppendLine("| secret | environment | store | old version | new version |");
        body.AppendLine("|---|---|---|---|---|");
        foreach (var change in proposal.Changes)
        {
            var store = proposal.StoreOfEnvironment.GetValueOrDefault(change.Environment) ?? string.Empty;
            body.AppendLine($"| {Cell(change.Secret == "*" ? "(store)" : change.Secret)} | {Cell(change.Environment)} | {Cell(store)} | {Cell(Version(change.OldVersion, change.Kind == "added"))} | {Cell(Version(change.NewVersion, change.Kind == "removed"))} |");
        }

        body.AppendLine();
        body.AppendLine($"Diff: [{baseBranch}...{branch}]({compareUrl})");
        body.AppendLine();
        body.AppendLine($"Lock digest: `{proposal.LockDigest}`. Names, stores and versions only; no secret value is ever written here. Re-running updates this pull request.");
        return body.ToString();
    }

    private static string Version(string? version, bool absent) => absent || version is null ? "—" : version;

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
}
