namespace SecretsPipeline.Core.Stores;

/// <summary>Why a version can or cannot be read.</summary>
public enum VersionState
{
    Active,
    Deleted,
    Destroyed,
    Revoked,
    Missing,
}
