using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Vault.Http;

/// <summary>A Vault request that ended in an error status; carries the response so callers can map well-known cases.</summary>
public sealed class VaultApiException : SecretsPipelineException
{
    internal VaultApiException(ErrorCode code, string message, int status, IReadOnlyList<string> errors)
        : base(code, message)
    {
        Status = status;
        VaultErrors = errors;
    }

    public int Status { get; }

    public IReadOnlyList<string> VaultErrors { get; }
}
