namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>Which Vault a contract test runs against.</summary>
public enum Backend
{
    /// <summary>The in-process fake server; always runs.</summary>
    Fake,

    /// <summary>The Vault named by <c>VAULT_ADDR</c>/<c>VAULT_TOKEN</c> (e.g. <c>vault server -dev</c>); skipped when they are not set.</summary>
    Real,
}
