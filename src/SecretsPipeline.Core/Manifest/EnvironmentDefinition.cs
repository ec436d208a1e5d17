using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Manifest;

/// <summary>An <c>environments.&lt;name&gt;</c> entry: which store serves it.</summary>
public sealed record EnvironmentDefinition(string Name, string Store, SourceLocation Location);
