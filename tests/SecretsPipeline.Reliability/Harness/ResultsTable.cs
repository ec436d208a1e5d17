using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Reliability.Harness;

/// <summary>
/// The rows of this run, rewritten to <c>artifacts/reliability/</c> after every attack (results.md and .json for the
/// full run, subset.md and .json otherwise), so a run cut short still leaves the rows it finished.
/// </summary>
public static class ResultsTable
{
    private static readonly Lock _sync = new();
    private static readonly List<ResultRow> _rows = [];

    public static void Add(ResultRow row)
    {
        lock (_sync)
        {
            _rows.RemoveAll(r => r.Promise == row.Promise && r.Attack == row.Attack);
            _rows.Add(row);
            Write([.. _rows]);
        }
    }

    public static string Markdown(IReadOnlyList<ResultRow> rows)
    {
        var settings = TrialSettings.Current;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Reliability run: {settings.Mode}, seed {settings.Seed} (replay: `{settings.Replay} dotnet test tests/SecretsPipeline.Reliability`), ");
        text.Append(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd}\n\n");
        text.Append("| promise | attack | trials | failures | lost | time |\n|---|---|---:|---:|---|---:|\n");
        foreach (var row in rows)
        {
            var lost = row.Lost == 0 ? "0" : $"{row.Lost} ({row.LostWhat})";
            text.Append(CultureInfo.InvariantCulture, $"| {row.Promise} | {row.Attack} | {row.Trials:N0} | {row.Failures:N0} | {lost} | {row.Elapsed.TotalSeconds:0} s |\n");
        }

        return text.ToString();
    }

    private static void Write(IReadOnlyList<ResultRow> rows)
    {
        var settings = TrialSettings.Current;
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "reliability");
        Directory.CreateDirectory(folder);
        var name = settings.Full ? "results" : "subset";
        File.WriteAllText(Path.Combine(folder, name + ".md"), Markdown(rows));
        var json = new JsonObject
        {
            ["mode"] = settings.Mode,
            ["seed"] = settings.Seed,
            ["cores"] = Environment.ProcessorCount,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim(),
            ["rows"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["promise"] = r.Promise,
                ["attack"] = r.Attack,
                ["trials"] = r.Trials,
                ["failures"] = r.Failures,
                ["lost"] = r.Lost,
                ["lost_what"] = r.LostWhat,
                ["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 1),
            })]),
        };
        File.WriteAllText(Path.Combine(folder, name + ".json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretsPipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no SecretsPipeline.sln above {AppContext.BaseDirectory}");
    }
}
