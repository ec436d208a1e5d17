namespace SecretsPipeline.Core.Lock;

/// <summary>One difference between two locks: names, stores and versions, never values.</summary>
public sealed record PinChange(string Environment, string Secret, string Kind, string? OldVersion, string? NewVersion, string? OldRef, string? NewRef);
