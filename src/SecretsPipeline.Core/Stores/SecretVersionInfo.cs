namespace SecretsPipeline.Core.Stores;

/// <summary>One version of a secret as the store reports it; never holds the value.</summary>
public sealed record SecretVersionInfo(string Version, DateTimeOffset Created, VersionState State = VersionState.Active, string? RevokeReason = null)
{
    public bool IsReadable => State == VersionState.Active;
}
