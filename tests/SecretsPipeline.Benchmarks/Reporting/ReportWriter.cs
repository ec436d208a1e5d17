using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Benchmarks.Reporting;

/// <summary>Writes the table three ways: to the console, as <c>results.json</c>, and as <c>results.md</c> for the README.</summary>
internal static class ReportWriter
{
    private static readonly string[] _headers = ["row", "what", "measured", "baseline", "ratio", "target", "met?"];

    public static void WriteAll(string outDirectory, MachineInfo machine, IReadOnlyList<RowResult> rows)
    {
        Directory.CreateDirectory(outDirectory);
        var json = Path.Combine(outDirectory, "results.json");
        var markdown = Path.Combine(outDirectory, "results.md");
        File.WriteAllText(json, Json(machine, rows).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        File.WriteAllText(markdown, Markdown(machine, rows));
        Console.WriteLine();
        Console.WriteLine(ConsoleTable(machine, rows));
        Console.WriteLine($"bench: wrote {json} and {markdown}");
    }

    private static string[] Cells(RowResult row) =>
    [
        row.Spec.Name,
        row.Spec.What,
        row.Measured?.ToString() ?? row.Note ?? "not measured",
        row.Baseline is { } baseline ? $"{row.Spec.Baseline}: {baseline}" : row.Spec.Baseline,
        row.RatioText,
        row.Spec.Target,
        row.MetText,
    ];

    private static string ConsoleTable(MachineInfo machine, IReadOnlyList<RowResult> rows)
    {
        var cells = rows.Select(Cells).Prepend(_headers).ToList();
        var widths = Enumerable.Range(0, _headers.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();
        var text = new StringBuilder($"bench on {machine.Describe()}\n");
        foreach (var (line, index) in cells.Select((c, i) => (c, i)))
        {
            text.AppendLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            if (index == 0)
            {
                text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        return text.ToString();
    }

    private static string Markdown(MachineInfo machine, IReadOnlyList<RowResult> rows)
    {
        var text = new StringBuilder();
        text.AppendLine($"Measured by `./build.sh bench` on {machine.Describe()}. Ratios are median over median within one run; ranges are min–max.");
        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", _headers) + " |");
        text.AppendLine("|" + string.Concat(_headers.Select(_ => "---|")));
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", Cells(row).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        text.AppendLine();
        foreach (var row in rows.Where(r => r.Method.Length > 0 || (r.Note is not null && r.Measured is not null)))
        {
            var note = row.Measured is not null && row.Note is not null ? $" {row.Note}" : string.Empty;
            text.AppendLine($"- **{row.Spec.Name}**: {row.Method}{note}");
        }

        return text.ToString();
    }

    private static JsonObject Json(MachineInfo machine, IReadOnlyList<RowResult> rows) => new()
    {
        ["machine"] = new JsonObject
        {
            ["cores"] = machine.Cores,
            ["cpu"] = machine.Cpu,
            ["os"] = machine.Os,
            ["runtime"] = machine.Runtime,
            ["memory_gib"] = Math.Round(machine.MemoryGiB, 1),
            ["date"] = machine.Date.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        },
        ["rows"] = new JsonArray(rows.Select(row => (JsonNode)new JsonObject
        {
            ["row"] = row.Spec.Name,
            ["what"] = row.Spec.What,
            ["baseline_is"] = row.Spec.Baseline,
            ["measured"] = SampleJson(row.Measured),
            ["baseline"] = SampleJson(row.Baseline),
            ["ratio"] = row.Ratio is { } ratio ? Math.Round(ratio, 4) : null,
            ["target_ratio"] = row.Spec.TargetRatio,
            ["met"] = row.Met,
            ["method"] = row.Method,
            ["note"] = row.Note,
        }).ToArray()),
    };

    private static JsonObject? SampleJson(Sample? sample) => sample is null ? null : new JsonObject
    {
        ["unit"] = sample.Unit,
        ["median"] = Math.Round(sample.Median, 3),
        ["min"] = Math.Round(sample.Min, 3),
        ["max"] = Math.Round(sample.Max, 3),
        ["runs"] = sample.Computed ? 0 : sample.Values.Count,
        ["computed"] = sample.Computed,
        ["values"] = new JsonArray(sample.Values.Select(v => (JsonNode?)Math.Round(v, 3)).ToArray()),
    };
}
