namespace SecretsPipeline.Core.Errors;

/// <summary>A place in a file; line and column are 1-based, 0 when unknown.</summary>
public sealed record SourceLocation(string Path, int Line = 0, int Column = 0);
