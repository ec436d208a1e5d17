using System.CommandLine;

namespace SecretsPipeline.Cli.Commands;

/// <summary>Options that several commands take with the same meaning.</summary>
internal static class SharedOptions
{
    public static Option<string?> At() =>
        new("--at") { Description = "Read secrets.yaml and secrets.lock.json as they were at this commit, tag or branch (the work tree is not touched)." };

    public static Option<string?> Summary() =>
        new("--summary") { Description = "Append a Markdown summary (names, stores, versions; never values) to this file, e.g. \"$GITHUB_STEP_SUMMARY\"." };
}
