namespace SecretsPipeline.Reliability.Formats;

/// <summary>What reading an output set: the variables (name, value) in order, and anything else it would have done.</summary>
public sealed record FormatReading(IReadOnlyList<KeyValuePair<string, string>> Variables, IReadOnlyList<string> Extras);
