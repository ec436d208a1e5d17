using SecretsPipeline.Core.Signing;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests.Support;

/// <summary>A <see cref="SecretsPipelineHome"/> in a temp folder with a fresh signing key.</summary>
public sealed class SigningHome : IDisposable
{
    private readonly TempDirectory _directory = new("spl-tests-");

    public SigningHome()
    {
        Home = new SecretsPipelineHome(_directory.Combine("home"));
        Assert.True(EcdsaKeys.EnsureSigningKey(Home));
        Signer = new LocalSigner(EcdsaKeys.LoadPrivate(Home));
    }

    public SecretsPipelineHome Home { get; }

    public LocalSigner Signer { get; }

    public string PublicKeyPem => File.ReadAllText(Home.SigningPublicKey);

    public string Combine(params string[] parts) => _directory.Combine(parts);

    public LocalTrustSource Trust() => LocalTrustSource.Load(Home, [], null);

    public void Dispose()
    {
        Signer.Dispose();
        _directory.Dispose();
    }
}
