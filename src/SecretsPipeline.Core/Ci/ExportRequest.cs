namespace SecretsPipeline.Core.Ci;

/// <summary>
/// What a resolve hands to a CI host: whether to export every value as an environment variable of later steps, and
/// which output names also become step outputs.
/// </summary>
public sealed record ExportRequest(bool ExportEnvironment, IReadOnlyList<string> StepOutputs)
{
    public static ExportRequest Default { get; } = new(true, []);
}
