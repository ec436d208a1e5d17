namespace SecretsPipeline.Core.Errors;

/// <summary>Process exit codes of the <c>secrets-pipeline</c> tool (design §4).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int LockOutOfDate = 3;
}
