using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.Transit;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

/// <summary>Signing locks with a Vault transit key and trusting such signatures, alone and through Core's <see cref="LockVerifier"/>.</summary>
public class TransitTests
{
    private const string SigningKey = "lock-signer";
    private const string OtherKey = "someone-else";

    private static readonly byte[] _payload = Encoding.UTF8.GetBytes("""{"environments":{},"lock_version":1}""");

    private static async Task<FakeVault> StartAsync()
    {
        var vault = await FakeVault.StartAsync();
        vault.State.Transit.CreateKey(SigningKey, "ecdsa-p256");
        vault.State.Transit.CreateKey(OtherKey, "ecdsa-p256");
        return vault;
    }

    private static TransitSigner Signer(FakeVault vault, string key) => new(new TransitClient(vault.Client()), "transit", key);

    private static TransitTrustSource Trusting(FakeVault vault, params string[] keys)
    {
        var client = vault.Client();
        return new TransitTrustSource(mount => new TransitClient(client, mount), keys);
    }

    private static LockFile Lock(string version) => new(
        "sha256:" + new string('a', 64),
        new Dictionary<string, EnvironmentLock>
        {
            ["production"] = new(
                new Dictionary<string, string> { ["type"] = "vault", ["address"] = "https://vault.example.com:8200" },
                new Dictionary<string, SecretPin> { ["DB_PASSWORD"] = SecretPin.Static("secret/app/db#password", version, new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero), null) }),
        },
        []);

    public class TheSignAsyncMethod
    {
        [Fact]
        public async Task SignsInVaultAndNamesTheMountAndKey()
        {
            await using var vault = await StartAsync();

            var signature = await Signer(vault, SigningKey).SignAsync(_payload, Ct);

            Assert.Equal("vault-transit", signature.Algorithm);
            Assert.Equal("vault-transit:transit/lock-signer", signature.KeyId);
            Assert.StartsWith("vault:v1:", signature.Value, StringComparison.Ordinal);
            Assert.Single(vault.Requests("/v1/transit/sign/lock-signer", "POST"));
        }
    }

    public class TheVerifyAsyncMethod
    {
        [Fact]
        public async Task IsTrueForASignatureByATrustedKey()
        {
            await using var vault = await StartAsync();
            var signature = await Signer(vault, SigningKey).SignAsync(_payload, Ct);

            Assert.True(await Trusting(vault, "transit/lock-signer").VerifyAsync(signature, _payload, Ct));
        }

        [Fact]
        public async Task TrustsABareKeyNameOnTheTransitMount()
        {
            await using var vault = await StartAsync();
            var signature = await Signer(vault, SigningKey).SignAsync(_payload, Ct);

            Assert.True(await Trusting(vault, SigningKey).VerifyAsync(signature, _payload, Ct));
        }

        [Fact]
        public async Task IsFalseForATamperedPayload()
        {
            await using var vault = await StartAsync();
            var signature = await Signer(vault, SigningKey).SignAsync(_payload, Ct);
            var tampered = (byte[])_payload.Clone();
            tampered[^2] ^= 0x01;

            Assert.False(await Trusting(vault, "transit/lock-signer").VerifyAsync(signature, tampered, Ct));
        }

        [Fact]
        public async Task IsFalseForAValueThatIsNotATransitSignature()
        {
            await using var vault = await StartAsync();
            var signature = await Signer(vault, SigningKey).SignAsync(_payload, Ct);

            Assert.False(await Trusting(vault, "transit/lock-signer").VerifyAsync(signature with { Value = "not-a-signature" }, _payload, Ct));
        }

        [Fact]
        public async Task IsNullForAKeyThatIsNotTrustedWithoutAskingVault()
        {
            await using var vault = await StartAsync();
            var signature = await Signer(vault, OtherKey).SignAsync(_payload, Ct);
            var before = vault.Server.Requests.Count;

            Assert.Null(await Trusting(vault, "transit/lock-signer").VerifyAsync(signature, _payload, Ct));
            Assert.Equal(before, vault.Server.Requests.Count);
        }

        [Fact]
        public async Task IsNullForAnotherAlgorithmEvenWithATrustedKeyId()
        {
            await using var vault = await StartAsync();
            var signature = await Signer(vault, SigningKey).SignAsync(_payload, Ct);

            Assert.Null(await Trusting(vault, "transit/lock-signer").VerifyAsync(signature with { Algorithm = "ecdsa-p256-sha256" }, _payload, Ct));
        }
    }

    public class TheLockVerifier
    {
        private static async Task<LockFile> SignedAsync(FakeVault vault, LockFile lockFile, string key) =>
            lockFile.WithSignatures([await Signer(vault, key).SignAsync(LockSerializer.SignedPayload(lockFile), Ct)]);

        [Fact]
        public async Task AcceptsALockSignedByATrustedTransitKey()
        {
            await using var vault = await StartAsync();
            var signed = await SignedAsync(vault, Lock("3"), SigningKey);

            var keyId = await new LockVerifier([Trusting(vault, "transit/lock-signer")]).VerifyAsync("secrets.lock.json", signed, Ct);

            Assert.Equal("vault-transit:transit/lock-signer", keyId);
        }

        [Fact]
        public async Task RejectsALockSignedOnlyByAnUntrustedTransitKeyWithSpl2005()
        {
            await using var vault = await StartAsync();
            var signed = await SignedAsync(vault, Lock("3"), OtherKey);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => new LockVerifier([Trusting(vault, "transit/lock-signer")]).VerifyAsync("secrets.lock.json", signed, Ct));

            Assert.Same(Codes.LockUntrusted, ex.Code);
            Assert.Contains("vault-transit:transit/someone-else", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RejectsALockEditedAfterATrustedTransitKeySignedItWithSpl2004()
        {
            await using var vault = await StartAsync();
            var signed = await SignedAsync(vault, Lock("3"), SigningKey);
            var edited = Lock("2").WithSignatures(signed.Signatures);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => new LockVerifier([Trusting(vault, "transit/lock-signer")]).VerifyAsync("secrets.lock.json", edited, Ct));

            Assert.Same(Codes.LockBadSignature, ex.Code);
        }
    }
}
