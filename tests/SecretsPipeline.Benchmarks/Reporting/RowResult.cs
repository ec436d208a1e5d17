using System.Globalization;

namespace SecretsPipeline.Benchmarks.Reporting;

/// <summary>A row's outcome: both samples and how they were taken, or why the row was not measured.</summary>
internal sealed record RowResult(RowSpec Spec, Sample? Measured, Sample? Baseline, string Method, string? Note)
{
    /// <summary>Median over median; the targets are stated as this ratio.</summary>
    public double? Ratio => Measured is { } m && Baseline is { } b && b.Median > 0 ? m.Median / b.Median : null;

    public bool? Met => Ratio is { } ratio ? ratio <= Spec.TargetRatio : null;

    public string MetText => Met switch
    {
        true => "yes",
        false => "no",
        null => "n/a",
    };

    public string RatioText => Ratio is { } ratio ? string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}×") : "—";

    public RowResult WithNote(string note) => this with { Note = note };
}
