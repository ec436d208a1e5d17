using System.Globalization;

namespace SecretsPipeline.Benchmarks.Reporting;

/// <summary>One row of the issue-8 table: what is measured, against which baseline, and the ratio it should reach.</summary>
internal sealed record RowSpec(string Name, string What, string Baseline, double TargetRatio)
{
    public string Target => string.Create(CultureInfo.InvariantCulture, $"≤ {TargetRatio:0.00}×");

    public RowResult Measured(Sample measured, Sample baseline, string method) =>
        new(this, measured, baseline, method, Note: null);

    public RowResult NotMeasured(string why) => new(this, null, null, Method: string.Empty, Note: why.ReplaceLineEndings(" "));
}
