namespace SecretsPipeline.Core.Signing;

/// <summary>
/// The per-user folder outside any repository that holds the signing key, trusted keys and the embedded store's key:
/// <c>$SECRETS_PIPELINE_HOME</c>, default <c>~/.config/secrets-pipeline</c>.
/// </summary>
public sealed class SecretsPipelineHome(string path)
{
    public const string Variable = "SECRETS_PIPELINE_HOME";

    public string Path { get; } = path;

    public string SigningKey => System.IO.Path.Combine(Path, "signing-key.pem");

    public string SigningPublicKey => System.IO.Path.Combine(Path, "signing-key.pub.pem");

    public string TrustedKeys => System.IO.Path.Combine(Path, "trusted-keys");

    public string LocalStoreKey => System.IO.Path.Combine(Path, "local-store.key");

    public static SecretsPipelineHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new SecretsPipelineHome(System.IO.Path.GetFullPath(configured));
        }

        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new SecretsPipelineHome(System.IO.Path.Combine(profile, ".config", "secrets-pipeline"));
    }

    /// <summary>Creates the folder readable by its owner only.</summary>
    public void EnsureExists()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path);
        }
        else
        {
            Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
