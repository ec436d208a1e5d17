namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>The running test's cancellation token, short to write: <c>using static ...TestToken;</c> then <c>Ct</c>.</summary>
internal static class TestToken
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}
