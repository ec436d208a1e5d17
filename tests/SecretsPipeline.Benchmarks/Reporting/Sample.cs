using System.Globalization;

namespace SecretsPipeline.Benchmarks.Reporting;

/// <summary>Repeated measurements of one thing in one unit; a computed value (a lower bound) is a sample of one with <see cref="Computed"/> set.</summary>
internal sealed record Sample(IReadOnlyList<double> Values, string Unit, bool Computed = false)
{
    public double Median
    {
        get
        {
            var sorted = Values.Order().ToArray();
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public double Min => Values.Min();

    public double Max => Values.Max();

    public static Sample Of(double value, string unit) => new([value], unit, Computed: true);

    /// <summary><c>123 ms (110–140, n=5)</c>; a computed value is just <c>80 ms (computed)</c>.</summary>
    public override string ToString() =>
        Computed
            ? $"{Format(Median)} {Unit} (computed)"
            : $"{Format(Median)} {Unit} ({Format(Min)}–{Format(Max)}, n={Values.Count})";

    public static string Format(double value) =>
        value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
