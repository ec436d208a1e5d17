using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Stores;

/// <summary>A store refused to return a version; <see cref="State"/> says why. The resolver turns it into a message that names the way forward.</summary>
public sealed class VersionUnavailableException(VersionState state, string version, string detail)
    : SecretsPipelineException(CodeFor(state), detail)
{
    public VersionState State { get; } = state;

    public string Version { get; } = version;

    /// <summary>How a refusal reads after "version N", the same in a resolve and in <c>verify --online</c>.</summary>
    public static string Describe(VersionState state) => state switch
    {
        VersionState.Revoked => "was revoked as compromised and will not be resolved again",
        VersionState.Deleted => "is deleted in the store",
        VersionState.Destroyed => "was destroyed in the store",
        _ => "does not exist in the store (never written, or pruned by version retention)",
    };

    public static ErrorCode CodeFor(VersionState state) => state switch
    {
        VersionState.Revoked => Codes.VersionRevoked,
        VersionState.Deleted => Codes.VersionDeleted,
        VersionState.Destroyed => Codes.VersionDestroyed,
        _ => Codes.VersionMissing,
    };
}
