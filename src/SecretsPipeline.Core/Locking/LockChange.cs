namespace SecretsPipeline.Core.Locking;

/// <summary>What happened to one pin during <c>lock</c>: names and versions only.</summary>
public sealed record LockChange(string Environment, string Secret, LockChangeKind Kind, string? OldVersion, string? NewVersion);
