using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Locking;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public class RotatorTests
{
    private const string Environment = "development";
    private const string NewValue = "rotated-value-canary-0123456789";

    private const string ManifestText = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }
          API_KEY: { ref: "secret/${env}/api#key" }
          APP_DB: { dynamic: database/creds/app, ttl: 1h }

        """;

    private static readonly DateTimeOffset _created = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretRef _dbRef = new("secret", "development/app/db", "password");
    private static readonly SecretVersionInfo _written = new("2", _created.AddDays(1));

    /// <summary>A signed lock on disk, a substitute store where every step works, and a real signer; tests break one step.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly SigningHome _signing = new();

        public Harness(string dbPinRef = "secret/development/app/db#password")
        {
            Manifest = ManifestParser.Parse("secrets.yaml", ManifestText);
            Store = Substitute.For<ISecretStore>();
            Store.Identity.Returns(new Dictionary<string, string> { ["type"] = "local", ["path"] = ".secrets-pipeline/store.db" });
            Store.WriteAsync(_dbRef, NewValue, Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns(_written);
            Store.FingerprintAsync(_dbRef, Arg.Any<SecretValue>(), Arg.Any<CancellationToken>()).Returns("hmac-sha256:new");
            var factory = Substitute.For<IStoreFactory>();
            factory.Type.Returns("local");
            factory.Open(Arg.Any<StoreDefinition>(), Arg.Any<string>()).Returns(Store);
            Registry = new StoreRegistry([factory], _signing.Combine("repo"));
            Current = new LockFile(
                "sha256:" + new string('c', 64),
                new Dictionary<string, EnvironmentLock>
                {
                    [Environment] = new(Store.Identity, new Dictionary<string, SecretPin>
                    {
                        ["DB_PASSWORD"] = SecretPin.Static(dbPinRef, "1", _created, "hmac-sha256:old"),
                        ["API_KEY"] = SecretPin.Static("secret/development/api#key", "5", _created, "hmac-sha256:api"),
                        ["APP_DB"] = new(null, null, null, null, "database/creds/app", "3600s", null, ["username", "password"]),
                    }),
                },
                []);
            LockPath = _signing.Combine("secrets.lock.json");
            LockWriter.WriteAsync(LockPath, Current, null, [_signing.Signer], CancellationToken.None).GetAwaiter().GetResult();
            Current = LockSerializer.Read(LockPath);
            OriginalBytes = File.ReadAllBytes(LockPath);
            Signers = [_signing.Signer];
        }

        public SecretsManifest Manifest { get; }

        public ISecretStore Store { get; }

        public StoreRegistry Registry { get; }

        public LockFile Current { get; }

        public string LockPath { get; }

        public byte[] OriginalBytes { get; }

        public IReadOnlyList<ILockSigner> Signers { get; set; }

        public int Commits { get; private set; }

        /// <summary>What the commit step saw on disk when it ran.</summary>
        public byte[]? LockAtCommit { get; private set; }

        public Func<CancellationToken, Task> Commit(Exception? failure = null) => _ =>
        {
            Commits++;
            LockAtCommit = File.ReadAllBytes(LockPath);
            return failure is null ? Task.CompletedTask : Task.FromException(failure);
        };

        public Task<(LockWriteResult Lock, SecretVersionInfo Written, string? OldVersion)> RotateAsync(
            string secret = "DB_PASSWORD", Func<CancellationToken, Task>? commit = null, LockFile? current = null, CancellationToken cancellationToken = default) =>
            new Rotator(Registry).RotateAsync(Manifest, current ?? Current, LockPath, Environment, secret, NewValue, Signers, commit, cancellationToken);

        public async Task<string> VerifyLockAsync() =>
            await new LockVerifier([_signing.Trust()]).VerifyAsync(LockPath, LockSerializer.Read(LockPath), CancellationToken.None);

        public void AssertRolledBack()
        {
            Store.Received(1).DeleteVersionAsync(_dbRef, "2", Arg.Any<CancellationToken>());
            Assert.Equal(OriginalBytes, File.ReadAllBytes(LockPath));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(LockPath)!, "*.tmp"));
        }

        public void Dispose() => _signing.Dispose();
    }

    public class WhenEveryStepWorks
    {
        [Fact]
        public async Task WritesWithCheckAndSetAgainstThePinnedVersion()
        {
            using var harness = new Harness();

            await harness.RotateAsync();

            await harness.Store.Received(1).WriteAsync(_dbRef, NewValue, "1", Arg.Any<CancellationToken>());
            await harness.Store.DidNotReceive().GetCurrentAsync(Arg.Any<SecretRef>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RePinsOnlyTheRotatedSecretAndReSignsTheLock()
        {
            using var harness = new Harness();

            var (next, written, old) = await harness.RotateAsync();

            Assert.Equal("1", old);
            Assert.Equal(_written, written);
            var onDisk = LockSerializer.Read(harness.LockPath);
            Assert.Equal(LockSerializer.SignedPayload(next.Lock), LockSerializer.SignedPayload(onDisk));
            Assert.Equal(Digest.Sha256(File.ReadAllBytes(harness.LockPath)), next.Digest);
            var pins = onDisk.Environments[Environment].Secrets;
            Assert.Equal(SecretPin.Static("secret/development/app/db#password", "2", _written.Created, "hmac-sha256:new"), pins["DB_PASSWORD"]);
            Assert.Equal(harness.Current.Environments[Environment].Secrets["API_KEY"], pins["API_KEY"]);
            Assert.Equal(harness.Current.Environments[Environment].Secrets["APP_DB"], pins["APP_DB"]);
            Assert.Equal(harness.Current.ManifestDigest, onDisk.ManifestDigest);
            Assert.StartsWith("local:", await harness.VerifyLockAsync(), StringComparison.Ordinal);
            await harness.Store.DidNotReceive().DeleteVersionAsync(Arg.Any<SecretRef>(), Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task CommitsOnceAfterTheNewLockIsOnDisk()
        {
            using var harness = new Harness();

            await harness.RotateAsync(commit: harness.Commit());

            Assert.Equal(1, harness.Commits);
            Assert.Equal(File.ReadAllBytes(harness.LockPath), harness.LockAtCommit);
            Assert.NotEqual(harness.OriginalBytes, harness.LockAtCommit);
        }

        [Fact]
        public async Task ExpectsTheCurrentVersionWhenThePinIsForAnotherRef()
        {
            using var harness = new Harness(dbPinRef: "secret/development/old/db#password");
            harness.Store.ListVersionsAsync(_dbRef, Arg.Any<CancellationToken>())
                .Returns(Enumerable.Range(1, 7).Select(v => new SecretVersionInfo(v.ToString(System.Globalization.CultureInfo.InvariantCulture), _created)).ToList());

            await harness.RotateAsync();

            await harness.Store.Received(1).WriteAsync(_dbRef, NewValue, "7", Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task ExpectsNoVersionYetWhenTheSecretDoesNotExist()
        {
            using var harness = new Harness(dbPinRef: "secret/development/old/db#password");
            harness.Store.GetCurrentAsync(_dbRef, Arg.Any<CancellationToken>()).Returns((SecretVersionInfo?)null);

            var (_, _, old) = await harness.RotateAsync();

            await harness.Store.Received(1).WriteAsync(_dbRef, NewValue, "0", Arg.Any<CancellationToken>());
            Assert.Equal("1", old);
        }
    }

    public class WhenAStepFails
    {
        [Fact]
        public async Task ACheckAndSetMismatchWritesNothingAndLeavesTheLockAlone()
        {
            using var harness = new Harness();
            var conflict = new SecretsPipelineException(Codes.CheckAndSetMismatch, "another writer");
            harness.Store.WriteAsync(_dbRef, NewValue, "1", Arg.Any<CancellationToken>()).Throws(conflict);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(commit: harness.Commit()));

            Assert.Same(conflict, ex);
            Assert.Equal(harness.OriginalBytes, File.ReadAllBytes(harness.LockPath));
            Assert.Equal(0, harness.Commits);
            await harness.Store.DidNotReceive().FingerprintAsync(Arg.Any<SecretRef>(), Arg.Any<SecretValue>(), Arg.Any<CancellationToken>());
            await harness.Store.DidNotReceive().DeleteVersionAsync(Arg.Any<SecretRef>(), Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task AFailedFingerprintSoftDeletesTheNewVersionAndRestoresTheLock()
        {
            using var harness = new Harness();
            var failure = new SecretsPipelineException(Codes.VaultRequest, "transit/hmac failed");
            harness.Store.FingerprintAsync(_dbRef, Arg.Any<SecretValue>(), Arg.Any<CancellationToken>()).Throws(failure);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(commit: harness.Commit()));

            Assert.Same(failure, ex);
            harness.AssertRolledBack();
            Assert.Equal(0, harness.Commits);
        }

        [Fact]
        public async Task AFailedLockWriteSoftDeletesTheNewVersionAndRestoresTheLock()
        {
            using var harness = new Harness();
            var signer = Substitute.For<ILockSigner>();
            signer.KeyId.Returns("vault-transit:transit/missing");
            var failure = new SecretsPipelineException(Codes.VaultRequest, "transit/sign/missing: 400");
            signer.SignAsync(Arg.Any<byte[]>(), Arg.Any<CancellationToken>()).Throws(failure);
            harness.Signers = [.. harness.Signers, signer];

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(commit: harness.Commit()));

            Assert.Same(failure, ex);
            harness.AssertRolledBack();
            Assert.Equal(0, harness.Commits);
        }

        [Fact]
        public async Task AFailedCommitSoftDeletesTheNewVersionAndPutsTheOldLockBackByteForByte()
        {
            using var harness = new Harness();
            var failure = new SecretsPipelineException(Codes.GitCommitFailed, "other changes are staged");

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(commit: harness.Commit(failure)));

            Assert.Same(failure, ex);
            Assert.Equal(1, harness.Commits);
            Assert.NotEqual(harness.OriginalBytes, harness.LockAtCommit);
            harness.AssertRolledBack();
            await harness.VerifyLockAsync();
        }

        [Fact]
        public async Task ACancelledCommitStillRollsBackWithoutTheCancelledToken()
        {
            using var harness = new Harness();
            using var cancellation = new CancellationTokenSource();
            var tokens = new List<CancellationToken>();
            harness.Store.DeleteVersionAsync(_dbRef, "2", Arg.Do<CancellationToken>(tokens.Add)).Returns(Task.CompletedTask);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.RotateAsync(
                commit: async ct =>
                {
                    await cancellation.CancelAsync();
                    ct.ThrowIfCancellationRequested();
                },
                cancellationToken: cancellation.Token));

            harness.AssertRolledBack();
            Assert.False(Assert.Single(tokens).IsCancellationRequested);
        }

        [Fact]
        public async Task AFailedSoftDeleteNeitherHidesTheOriginalErrorNorKeepsTheNewLock()
        {
            using var harness = new Harness();
            harness.Store.DeleteVersionAsync(_dbRef, "2", Arg.Any<CancellationToken>()).Throws(new SecretsPipelineException(Codes.StoreUnavailable, "store went away"));
            var failure = new SecretsPipelineException(Codes.GitCommitFailed, "commit failed");

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(commit: harness.Commit(failure)));

            Assert.Same(failure, ex);
            harness.AssertRolledBack();
        }

        [Fact]
        public async Task ASoftDeleteThatThrowsSomethingElseStillRestoresTheLockAndKeepsTheOriginalError()
        {
            using var harness = new Harness();
            harness.Store.DeleteVersionAsync(_dbRef, "2", Arg.Any<CancellationToken>()).Throws(new TimeoutException("store timed out"));
            var failure = new SecretsPipelineException(Codes.GitCommitFailed, "commit failed");

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(commit: harness.Commit(failure)));

            Assert.Same(failure, ex);
            Assert.Equal(harness.OriginalBytes, File.ReadAllBytes(harness.LockPath));
        }

        [Fact]
        public async Task RefusesADynamicSecretBeforeWritingAnything()
        {
            using var harness = new Harness();

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(secret: "APP_DB"));

            Assert.Equal(Codes.Usage, ex.Code);
            await harness.Store.DidNotReceive().WriteAsync(Arg.Any<SecretRef>(), Arg.Any<string>(), Arg.Any<string?>(), Arg.Any<CancellationToken>());
            Assert.Equal(harness.OriginalBytes, File.ReadAllBytes(harness.LockPath));
        }

        [Fact]
        public async Task RefusesAnEnvironmentWithoutPinsAndLeavesNoReadableNewVersion()
        {
            using var harness = new Harness();
            var empty = harness.Current with { Environments = new Dictionary<string, EnvironmentLock>() };
            harness.Store.WriteAsync(_dbRef, NewValue, "0", Arg.Any<CancellationToken>()).Returns(_written);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.RotateAsync(current: empty));

            Assert.Equal(Codes.LockMissingPin, ex.Code);
            Assert.Equal(harness.OriginalBytes, File.ReadAllBytes(harness.LockPath));
            var writes = harness.Store.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(ISecretStore.WriteAsync));
            var deletes = harness.Store.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(ISecretStore.DeleteVersionAsync));
            Assert.Equal(writes, deletes);
        }
    }
}
