using System.Security.Cryptography;
using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Tests.Support;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

public class LockVerifierTests
{
    private static async Task<byte[]> WriteSignedAsync(SigningHome signing, LockFile lockFile, params ILockSigner[] signers)
    {
        var path = signing.Combine($"lock-{Guid.NewGuid():N}.json");
        Assert.True((await LockWriter.WriteAsync(path, lockFile, null, signers.Length == 0 ? [signing.Signer] : signers, CancellationToken.None)).Written);
        return File.ReadAllBytes(path);
    }

    private static async Task<string> ParseAndVerifyAsync(byte[] bytes, params ITrustSource[] trust) =>
        await new LockVerifier(trust).VerifyAsync("secrets.lock.json", LockSerializer.Parse("secrets.lock.json", bytes), CancellationToken.None);

    private static async Task<SecretsPipelineException> RejectedAsync(byte[] bytes, params ITrustSource[] trust)
    {
        var ex = await Record.ExceptionAsync(() => ParseAndVerifyAsync(bytes, trust));
        Assert.NotNull(ex);
        return Assert.IsType<SecretsPipelineException>(ex);
    }

    public class TheVerifyAsyncMethod
    {
        [Fact]
        public async Task AcceptsALockSignedByATrustedKeyAndNamesTheKey()
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();
            var bytes = await WriteSignedAsync(signing, LockSamples.Full());

            var keyId = await ParseAndVerifyAsync(bytes, trust);

            Assert.Equal(signing.Signer.KeyId, keyId);
            Assert.Matches("^local:[0-9a-f]{32}$", keyId);
        }

        [Fact]
        public async Task RejectsAnUnsignedLockWithSpl2003()
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();

            var ex = await RejectedAsync(LockSerializer.Serialize(LockSamples.Full()), trust);

            Assert.Same(Codes.LockUnsigned, ex.Code);
        }

        [Fact]
        public async Task RejectsALockReSignedByAnUntrustedKeyWithSpl2005()
        {
            using var trusted = new SigningHome();
            using var attacker = new SigningHome();
            using var trust = trusted.Trust();
            var original = LockSerializer.Parse("l", await WriteSignedAsync(trusted, LockSamples.Full()));
            var edited = original with { ManifestDigest = "sha256:" + new string('b', 64) };

            var ex = await RejectedAsync(await WriteSignedAsync(attacker, edited), trust);

            Assert.Same(Codes.LockUntrusted, ex.Code);
            Assert.Contains(attacker.Signer.KeyId, ex.Message, StringComparison.Ordinal);
            Assert.Equal(1, ex.ExitCode);
        }

        [Fact]
        public async Task RejectsACanonicalEditThatWasNotReSignedWithSpl2004()
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();
            var signed = LockSerializer.Parse("l", await WriteSignedAsync(signing, LockSamples.Full()));
            var pins = new Dictionary<string, SecretPin>(signed.Environments["production"].Secrets)
            {
                ["DB_ROOT_PW"] = SecretPin.Static("secret/production/app/db#password", "6", LockSamples.Created, null),
            };
            var environments = new Dictionary<string, EnvironmentLock>(signed.Environments) { ["production"] = signed.Environments["production"] with { Secrets = pins } };
            var rolledBack = signed with { Environments = environments };

            var ex = await RejectedAsync(LockSerializer.Serialize(rolledBack), trust);

            Assert.Same(Codes.LockBadSignature, ex.Code);
            Assert.Contains(signing.Signer.KeyId, ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RejectsASignatureCopiedFromAnotherLockWithSpl2004()
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();
            var other = LockSerializer.Parse("l", await WriteSignedAsync(signing, LockSamples.Small([])));

            var ex = await RejectedAsync(LockSerializer.Serialize(LockSamples.Full(other.Signatures)), trust);

            Assert.Same(Codes.LockBadSignature, ex.Code);
        }

        [Fact]
        public async Task RejectsWhenATrustedKeysSignatureFailsEvenIfAnotherVerifies()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();
            using var trust = LocalTrustSource.Load(first.Home, [second.PublicKeyPem], null);
            var good = LockSerializer.Parse("l", await WriteSignedAsync(first, LockSamples.Full(), first.Signer, second.Signer));
            var forged = good.Signatures.Select(s => s.KeyId == second.Signer.KeyId ? s with { Value = Convert.ToBase64String(new byte[64]) } : s).ToArray();

            var ex = await RejectedAsync(LockSerializer.Serialize(good.WithSignatures(forged)), trust);

            Assert.Same(Codes.LockBadSignature, ex.Code);
        }

        [Fact]
        public async Task IgnoresSignaturesOfUnknownKeysWhenATrustedOneVerifies()
        {
            using var trusted = new SigningHome();
            using var stranger = new SigningHome();
            using var trust = trusted.Trust();

            var keyId = await ParseAndVerifyAsync(await WriteSignedAsync(trusted, LockSamples.Full(), trusted.Signer, stranger.Signer), trust);

            Assert.Equal(trusted.Signer.KeyId, keyId);
        }

        [Fact]
        public async Task RejectsASignatureWithAnotherAlgorithmNameAsUntrusted()
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();
            var signed = LockSerializer.Parse("l", await WriteSignedAsync(signing, LockSamples.Full()));
            var renamed = signed.WithSignatures([signed.Signatures[0] with { Algorithm = "ecdsa-p384-sha384" }]);

            var ex = await RejectedAsync(LockSerializer.Serialize(renamed), trust);

            Assert.Same(Codes.LockUntrusted, ex.Code);
        }

        public static TheoryData<string> Variants => ["xor 0x01", "replaced by '~' (or '!')", "replaced by 0xFF"];

        [Theory]
        [MemberData(nameof(Variants))]
        public async Task RejectsEveryChangedByteWithAnSpl2Error(string variant)
        {
            await AssertEveryByteTamperIsRejectedAsync(variant);
        }

        [Fact]
        public async Task RejectsEveryByteReplacedByTheNextPrintableCharacter()
        {
            await AssertEveryByteTamperIsRejectedAsync("replaced by the next printable character");
        }

        [Fact]
        public async Task RejectsASignatureValueWithNonZeroPaddingBits()
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();
            var signed = LockSerializer.Parse("l", await WriteSignedAsync(signing, LockSamples.Full()));
            var value = signed.Signatures[0].Value;
            Assert.EndsWith("=", value, StringComparison.Ordinal);
            var last = value.TrimEnd('=').Length - 1;
            var malleable = value[..last] + (char)(value[last] + 1) + value[(last + 1)..];
            Assert.Equal(Convert.FromBase64String(value), Convert.FromBase64String(malleable));

            var ex = await RejectedAsync(LockSerializer.Serialize(signed.WithSignatures([signed.Signatures[0] with { Value = malleable }])), trust);

            Assert.StartsWith("SPL2", ex.Code.Id, StringComparison.Ordinal);
        }

        private static async Task AssertEveryByteTamperIsRejectedAsync(string variant)
        {
            using var signing = new SigningHome();
            using var trust = signing.Trust();
            var original = await WriteSignedAsync(signing, LockSamples.Full());
            Assert.Equal(signing.Signer.KeyId, await ParseAndVerifyAsync(original, trust));
            var verifier = new LockVerifier([trust]);

            var accepted = new List<string>();
            for (var i = 0; i < original.Length; i++)
            {
                var tampered = (byte[])original.Clone();
                tampered[i] = Tamper(variant, original[i]);
                Assert.NotEqual(original[i], tampered[i]);
                try
                {
                    await verifier.VerifyAsync("secrets.lock.json", LockSerializer.Parse("secrets.lock.json", tampered), CancellationToken.None);
                    accepted.Add(Describe(original, i, tampered[i], "verified"));
                }
                catch (SecretsPipelineException ex) when (ex.Code.Id.StartsWith("SPL2", StringComparison.Ordinal))
                {
                    // Rejected as it must be.
                }
                catch (Exception ex)
                {
                    accepted.Add(Describe(original, i, tampered[i], $"threw {ex.GetType().Name}: {ex.Message}"));
                }
            }

            Assert.True(accepted.Count == 0, $"{variant}: {original.Length} positions, not rejected with SPL2xxx:\n{string.Join("\n", accepted)}");
        }

        private static byte Tamper(string variant, byte b) => variant switch
        {
            "xor 0x01" => (byte)(b ^ 0x01),
            "replaced by '~' (or '!')" => b == (byte)'~' ? (byte)'!' : (byte)'~',
            "replaced by 0xFF" => 0xFF,
            "replaced by the next printable character" => b is >= 0x20 and < 0x7E ? (byte)(b + 1) : (byte)'!',
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        private static string Describe(byte[] original, int position, byte replacement, string outcome)
        {
            var start = Math.Max(0, position - 20);
            var context = Encoding.UTF8.GetString(original, start, Math.Min(original.Length, position + 20) - start).Replace("\n", "\\n", StringComparison.Ordinal);
            return $"  byte {position} '{(char)original[position]}' -> 0x{replacement:X2}: {outcome} (near \"{context}\")";
        }
    }
}

public class LocalTrustSourceTests
{
    public class TheLoadMethod
    {
        [Fact]
        public async Task TrustsTheHomeFoldersOwnKey()
        {
            using var signing = new SigningHome();

            using var trust = signing.Trust();

            Assert.Equal([signing.Signer.KeyId], trust.KeyIds);
            var payload = Encoding.UTF8.GetBytes("payload");
            Assert.True(await trust.VerifyAsync(await signing.Signer.SignAsync(payload, CancellationToken.None), payload, CancellationToken.None));
        }

        [Fact]
        public async Task TrustsAPemPassedAsExtraSoASecondKeyVerifies()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();
            var bytes = await SignAsync(second);
            using (var without = first.Trust())
            {
                Assert.Same(Codes.LockUntrusted, (await Assert.ThrowsAsync<SecretsPipelineException>(() => VerifyAsync(bytes, without))).Code);
            }

            using var trust = LocalTrustSource.Load(first.Home, [second.PublicKeyPem], null);

            Assert.Equal(new[] { first.Signer.KeyId, second.Signer.KeyId }.Order(StringComparer.Ordinal), trust.KeyIds.Order(StringComparer.Ordinal));
            Assert.Equal(second.Signer.KeyId, await VerifyAsync(bytes, trust));
        }

        [Fact]
        public async Task TrustsAPemFilePathPassedAsExtra()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();

            using var trust = LocalTrustSource.Load(first.Home, [second.Home.SigningPublicKey], null);

            Assert.Equal(second.Signer.KeyId, await VerifyAsync(await SignAsync(second), trust));
        }

        [Fact]
        public async Task TrustsPemBlocksInTheVariable()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();
            using var third = new SigningHome();

            using var trust = LocalTrustSource.Load(first.Home, [], second.PublicKeyPem + third.PublicKeyPem);

            Assert.Equal(3, trust.KeyIds.Count);
            Assert.Equal(third.Signer.KeyId, await VerifyAsync(await SignAsync(third), trust));
        }

        [Fact]
        public async Task TrustsPathsInTheVariable()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();
            using var third = new SigningHome();

            using var trust = LocalTrustSource.Load(first.Home, [], second.Home.SigningPublicKey + Path.PathSeparator + third.Home.SigningPublicKey);

            Assert.Equal(3, trust.KeyIds.Count);
            Assert.Equal(second.Signer.KeyId, await VerifyAsync(await SignAsync(second), trust));
        }

        [Fact]
        public async Task TrustsPemFilesInTheTrustedKeysFolder()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();
            Directory.CreateDirectory(first.Home.TrustedKeys);
            File.WriteAllText(Path.Combine(first.Home.TrustedKeys, "ci.pem"), second.PublicKeyPem);

            using var trust = first.Trust();

            Assert.Equal(second.Signer.KeyId, await VerifyAsync(await SignAsync(second), trust));
        }

        [Theory]
        [InlineData("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n")]
        [InlineData("/nonexistent/key.pem")]
        public void RejectsAnInvalidKeyWithSpl2010(string extra)
        {
            using var signing = new SigningHome();

            var ex = Assert.Throws<SecretsPipelineException>(() => LocalTrustSource.Load(signing.Home, [extra], null));

            Assert.Same(Codes.TrustKeyInvalid, ex.Code);
        }

        [Fact]
        public async Task TrustsAKeyFileWithExplanatoryTextAndCrlfLineEnds()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();
            var pem = "CI signer, rotated 2026-11\r\n" + second.PublicKeyPem.Replace("\n", "\r\n", StringComparison.Ordinal);

            using var trust = LocalTrustSource.Load(first.Home, [pem], null);

            Assert.Equal(second.Signer.KeyId, await VerifyAsync(await SignAsync(second), trust));
        }

        // `openssl ecparam -genkey` style files carry an EC PARAMETERS block too; two blocks take ImportFromPem's path,
        // which refused every public key there (it asked the key for a private part).
        private const string EcParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";

        [Fact]
        public async Task TrustsAKeyFileThatAlsoHoldsEcParameters()
        {
            using var first = new SigningHome();
            using var second = new SigningHome();

            using var trust = LocalTrustSource.Load(first.Home, [EcParameters + second.PublicKeyPem], null);

            Assert.Equal(second.Signer.KeyId, await VerifyAsync(await SignAsync(second), trust));
        }

        [Fact]
        public void LoadsASec1SigningKeyWithEcParameters()
        {
            using var signing = new SigningHome();
            using var original = EcdsaKeys.LoadPrivate(signing.Home);
            File.WriteAllText(signing.Home.SigningKey, EcParameters + original.ExportECPrivateKeyPem());

            using var loaded = EcdsaKeys.LoadPrivate(signing.Home);

            Assert.Equal(signing.Signer.KeyId, EcdsaKeys.KeyId(loaded));
        }

        public static TheoryData<string> NotOneP256PublicKey()
        {
            using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var rsa = RSA.Create(2048);
            using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var offCurve = a.ExportSubjectPublicKeyInfo();
            offCurve[^1] ^= 0x01;
            return new TheoryData<string>
            {
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                p384.ExportSubjectPublicKeyInfoPem(),
                rsa.ExportSubjectPublicKeyInfoPem(),
                a.ExportSubjectPublicKeyInfoPem() + "\n" + b.ExportSubjectPublicKeyInfoPem(),
                a.ExportSubjectPublicKeyInfoPem().Replace("-----END PUBLIC KEY-----", "AAAA\n-----END PUBLIC KEY-----", StringComparison.Ordinal),

                // The form `init` writes, but its point is not on the curve.
                new string(PemEncoding.Write("PUBLIC KEY", offCurve)),

                // A private key given as a trusted key, as `init` writes one and with the EC PARAMETERS openssl adds.
                a.ExportPkcs8PrivateKeyPem(),
                EcParameters + a.ExportPkcs8PrivateKeyPem(),
                EcParameters + a.ExportECPrivateKeyPem(),
            };
        }

        [Theory]
        [MemberData(nameof(NotOneP256PublicKey))]
        public void RejectsWhatIsNotOneP256PublicKeyWithSpl2010(string pem)
        {
            using var signing = new SigningHome();

            var ex = Assert.Throws<SecretsPipelineException>(() => LocalTrustSource.Load(signing.Home, [pem], null));

            Assert.Same(Codes.TrustKeyInvalid, ex.Code);
        }

        [Fact]
        public void LoadsTheSigningKeyItCreated()
        {
            using var signing = new SigningHome();
            using var loaded = EcdsaKeys.LoadPrivate(signing.Home);

            Assert.Equal(signing.Signer.KeyId, EcdsaKeys.KeyId(loaded));
        }

        public static TheoryData<string> NotAP256PrivateKey()
        {
            using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return new TheoryData<string>
            {
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                p384.ExportPkcs8PrivateKeyPem(),
                p256.ExportSubjectPublicKeyInfoPem(),
                "not a key at all\n",
            };
        }

        [Theory]
        [MemberData(nameof(NotAP256PrivateKey))]
        public void RefusesASigningKeyThatIsNotAP256PrivateKeyWithSpl2011(string pem)
        {
            using var signing = new SigningHome();
            File.WriteAllText(signing.Home.SigningKey, pem);

            var ex = Assert.Throws<SecretsPipelineException>(() => EcdsaKeys.LoadPrivate(signing.Home));

            Assert.Same(Codes.SigningKeyInvalid, ex.Code);
            Assert.Equal(signing.Home.SigningKey, ex.Location?.Path);
        }

        [Fact]
        public void TrustsNothingInAnEmptyHome()
        {
            using var temp = new TempDirectory("spl-tests-");

            using var trust = LocalTrustSource.Load(new SecretsPipelineHome(temp.Combine("nothing")), [], null);

            Assert.Empty(trust.KeyIds);
        }

        private static async Task<byte[]> SignAsync(SigningHome signing)
        {
            var path = signing.Combine("secrets.lock.json");
            await LockWriter.WriteAsync(path, LockSamples.Full(), null, [signing.Signer], CancellationToken.None);
            return File.ReadAllBytes(path);
        }

        private static Task<string> VerifyAsync(byte[] bytes, LocalTrustSource trust) =>
            new LockVerifier([trust]).VerifyAsync("secrets.lock.json", LockSerializer.Parse("secrets.lock.json", bytes), CancellationToken.None);
    }
}

public class LockWriterTests
{
    public class TheWriteAsyncMethod
    {
        [Fact]
        public async Task WritesTheCanonicalSignedLock()
        {
            using var signing = new SigningHome();
            var path = signing.Combine("secrets.lock.json");

            var result = await LockWriter.WriteAsync(path, LockSamples.Full(), null, [signing.Signer], CancellationToken.None);

            Assert.True(result.Written);
            Assert.Equal(Digest.Sha256(File.ReadAllBytes(path)), result.Digest);
            var written = LockSerializer.Read(path);
            var signature = Assert.Single(written.Signatures);
            Assert.Equal((EcdsaKeys.Algorithm, signing.Signer.KeyId), (signature.Algorithm, signature.KeyId));
            Assert.Equal(LockSerializer.SignedPayload(LockSamples.Full()), LockSerializer.SignedPayload(written));
        }

        [Fact]
        public async Task LeavesTheFileAloneWhenNothingChanged()
        {
            using var signing = new SigningHome();
            var path = signing.Combine("secrets.lock.json");
            await LockWriter.WriteAsync(path, LockSamples.Full(), null, [signing.Signer], CancellationToken.None);
            var before = File.ReadAllBytes(path);

            var result = await LockWriter.WriteAsync(path, LockSamples.Full(), LockSerializer.Read(path), [signing.Signer], CancellationToken.None);

            Assert.False(result.Written);
            Assert.Equal(Digest.Sha256(before), result.Digest);

            Assert.Equal(before, File.ReadAllBytes(path));
        }
    }
}
