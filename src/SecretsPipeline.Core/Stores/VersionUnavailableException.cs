using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Stores;

/// <summary>A store refused to return a version; <see cref="State"/> says why. The resolver turns it into a message that names the way forward.</summary>
public sealed class VersionUnavailableException(VersionState state, string version, string detail)
    : SecretsPipelineException(CodeFor(state), detail)
{
    public VersionState State { get; } = state;

    public string Version { get; } = version;

    private static ErrorCode CodeFor(VersionState state) => state switch
    {
        VersionState.Revoked => Codes.VersionRevoked,
        VersionState.Deleted => Codes.VersionDeleted,
        VersionState.Destroyed => Codes.VersionDestroyed,
        _ => Codes.VersionMissing,
    };
}
