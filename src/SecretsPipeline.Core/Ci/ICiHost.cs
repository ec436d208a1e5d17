using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Ci;

/// <summary>
/// A CI system the resolved values are handed to (GitHub Actions, Azure Pipelines). A host masks every value before
/// it writes anything else, and checks every value and name before it writes anything at all, so a value it cannot
/// carry safely exports nothing.
/// </summary>
public interface ICiHost
{
    /// <summary>The <c>--format</c> name.</summary>
    string Name { get; }

    /// <summary>
    /// Checks every name and value and builds every byte to write, throwing if one cannot be carried safely; nothing
    /// is written until <see cref="PreparedExport.Apply"/>, which masks first and then exports.
    /// </summary>
    PreparedExport Prepare(IReadOnlyList<ResolvedOutput> outputs, ExportRequest request);

    /// <summary>Publishes a Markdown summary (names, stores, versions; never values) on the host's summary page.</summary>
    void PublishSummary(string markdown, string? path);
}
