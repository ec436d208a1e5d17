using System.Text;

namespace SecretsPipeline.Core.Ci;

/// <summary>
/// The Markdown a job summary shows: what was resolved, verified or changed, by name, store and version. It is built
/// from names and versions only; no method here takes a value.
/// </summary>
public static class JobSummary
{
    public sealed record Row(string Name, string Store, string Version);

    public sealed record Change(string Environment, string Name, string? Reference, string? Old, string? New);

    public static string Resolve(string environment, string lockDigest, string? commit, string deployment, IReadOnlyList<Row> rows)
    {
        var builder = new StringBuilder();
        builder.Append("### secrets-pipeline resolve: ").Append(Cell(environment)).Append("\n\n");
        builder.Append("- lock digest: `").Append(Cell(lockDigest)).Append("`\n");
        builder.Append("- commit: `").Append(Cell(commit ?? "(not in git)")).Append("`\n");
        builder.Append("- deployment: `").Append(Cell(deployment)).Append("`\n\n");
        builder.Append("| name | store | version |\n|---|---|---|\n");
        foreach (var row in rows)
        {
            builder.Append("| ").Append(Cell(row.Name)).Append(" | ").Append(Cell(row.Store)).Append(" | ").Append(Cell(row.Version)).Append(" |\n");
        }

        return builder.ToString();
    }

    public static string Verify(string lockDisplay, string? lockDigest, bool ok, IReadOnlyList<string> findings)
    {
        var builder = new StringBuilder();
        builder.Append("### secrets-pipeline verify: ").Append(ok ? "passed" : "failed").Append("\n\n");
        builder.Append("- lock: `").Append(Cell(lockDisplay)).Append("`\n");
        if (lockDigest is not null)
        {
            builder.Append("- lock digest: `").Append(Cell(lockDigest)).Append("`\n");
        }

        if (findings.Count > 0)
        {
            builder.Append('\n');
            foreach (var finding in findings)
            {
                builder.Append("- ").Append(Cell(finding)).Append('\n');
            }
        }

        return builder.ToString();
    }

    public static string Diff(string from, string to, IReadOnlyList<Change> changes)
    {
        var builder = new StringBuilder();
        builder.Append("### secrets-pipeline diff: `").Append(Cell(from)).Append("` → `").Append(Cell(to)).Append("`\n\n");
        if (changes.Count == 0)
        {
            return builder.Append("No pin changed.\n").ToString();
        }

        builder.Append("| environment | name | ref | from | to |\n|---|---|---|---|---|\n");
        foreach (var change in changes)
        {
            builder.Append("| ").Append(Cell(change.Environment)).Append(" | ").Append(Cell(change.Name)).Append(" | ").Append(Cell(change.Reference ?? string.Empty))
                .Append(" | ").Append(Cell(change.Old ?? "(added)")).Append(" | ").Append(Cell(change.New ?? "(removed)")).Append(" |\n");
        }

        return builder.ToString();
    }

    // A table cell is one line with no bare pipe and no backtick run that could end inline code.
    private static string Cell(string text) => text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
