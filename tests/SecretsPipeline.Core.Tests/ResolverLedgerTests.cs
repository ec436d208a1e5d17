using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Tests;

/// <summary>The resolver with a deployment: the ledger is written as leases are issued, and a failed attempt is never left live or holding leases.</summary>
public class ResolverLedgerTests
{
    private const string Environment = "production";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private const string ManifestText = """
        version: 1
        stores:
          prod: { type: vault }
        environments:
          production: { store: prod }
          staging: { store: prod }
        secrets:
          API_KEY: { ref: "secret/${env}/api#key" }
          DB: { dynamic: database/creds/app, ttl: 1h }
          CACHE: { dynamic: redis/creds/app, fields: [password] }

        """;

    private static readonly DateTimeOffset _created = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly DeploymentContext _deployment = new("production-0123456789ab", Commit, "sha256:lockdigest");

    /// <summary>Credential values the store hands out; none may reach the ledger.</summary>
    private static readonly string[] _credentials = ["db-user-canary", "db-pass-canary", "cache-pass-canary"];

    /// <summary>A store that is also a ledger (in memory), with every read and lease working; tests break one step.</summary>
    private sealed class Harness
    {
        private readonly Dictionary<string, DeploymentRecord> _records = new(StringComparer.Ordinal);
        private int _saves;

        public Harness()
        {
            Manifest = ManifestParser.Parse("secrets.yaml", ManifestText);
            Store = Substitute.For<ISecretStore, IDeploymentLedger>();
            Store.Identity.Returns(new Dictionary<string, string> { ["type"] = "vault" });
            Store.ReadAsync(Arg.Any<SecretRef>(), "4", Arg.Any<CancellationToken>()).Returns(new SecretValue("api-value", new SecretVersionInfo("4", _created)));
            Lease("database/creds/app", "lease-db", ("username", _credentials[0]), ("password", _credentials[1]));
            Lease("redis/creds/app", "lease-cache", ("password", _credentials[2]));
            Ledger.GetDeploymentAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(ci => _records.GetValueOrDefault(ci.Arg<string>()));
            Ledger.SaveDeploymentAsync(Arg.Any<DeploymentRecord>(), Arg.Any<CancellationToken>()).Returns(ci =>
            {
                if (++_saves == FailSave)
                {
                    throw new SecretsPipelineException(Codes.StoreUnavailable, $"ledger write {_saves} failed");
                }

                var record = ci.Arg<DeploymentRecord>();
                Saves.Add(record);
                _records[record.Id] = record;
                return Task.CompletedTask;
            });
            var factory = Substitute.For<IStoreFactory>();
            factory.Type.Returns("vault");
            factory.Open(Arg.Any<StoreDefinition>(), Arg.Any<string>()).Returns(Store);
            Registry = new StoreRegistry([factory], "/repo");
            var pins = new Dictionary<string, SecretPin>
            {
                ["API_KEY"] = SecretPin.Static("secret/production/api#key", "4", _created, null),
                ["DB"] = new(null, null, null, null, "database/creds/app", "3600s", null, ["username", "password"]),
                ["CACHE"] = new(null, null, null, null, "redis/creds/app", null, null, ["password"]),
            };
            Lock = new LockFile("sha256:x", new Dictionary<string, EnvironmentLock> { [Environment] = new(Store.Identity, pins), ["staging"] = new(Store.Identity, pins) }, []);
        }

        public SecretsManifest Manifest { get; }

        public ISecretStore Store { get; }

        public IDeploymentLedger Ledger => (IDeploymentLedger)Store;

        public StoreRegistry Registry { get; }

        public LockFile Lock { get; }

        /// <summary>Every record saved to the ledger, in order.</summary>
        public List<DeploymentRecord> Saves { get; } = [];

        /// <summary>The n-th ledger save (1-based) fails; 0 for none.</summary>
        public int FailSave { get; set; }

        /// <summary>What the ledger held for the deployment when each lease was issued.</summary>
        public List<IReadOnlyList<string>> LedgerAtIssue { get; } = [];

        public DeploymentRecord? Record(string id = "production-0123456789ab") => _records.GetValueOrDefault(id);

        public void Seed(DeploymentRecord record) => _records[record.Id] = record;

        public void Lease(string role, string leaseId, params (string Field, string Value)[] credentials) =>
            Store.IssueLeaseAsync(role, Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>()).Returns(_ =>
            {
                LedgerAtIssue.Add([.. Record()?.Leases.Select(l => l.LeaseId) ?? []]);
                return new Lease(leaseId, role, _created.AddHours(1), true, credentials.ToDictionary(c => c.Field, c => c.Value));
            });

        public Task<ResolveResult> ResolveAsync(Func<ResolveResult, Task>? deliver = null, string environment = Environment, DeploymentContext? deployment = null) =>
            new Resolver(Registry).ResolveAsync(Manifest, Lock, environment, deployment ?? _deployment, deliver ?? (_ => Task.CompletedTask), CancellationToken.None);

        public void AssertNoCredentialInTheLedger()
        {
            foreach (var record in Saves)
            {
                var json = DeploymentJson.ToJson(record).ToJsonString();
                Assert.All(_credentials, c => Assert.DoesNotContain(c, json, StringComparison.Ordinal));
            }
        }
    }

    public class WhenTheResolveSucceeds
    {
        [Fact]
        public async Task RecordsAPendingDeploymentWithEachLeasesIdSecretRoleAndExpiry()
        {
            var harness = new Harness();

            await harness.ResolveAsync();

            var record = harness.Record()!;
            Assert.Equal(DeploymentState.Pending, record.State);
            Assert.Equal(Environment, record.Environment);
            Assert.Equal(Commit, record.Commit);
            Assert.Equal("sha256:lockdigest", record.LockDigest);
            Assert.Equal(
                [new LeaseRecord("lease-db", "DB", "database/creds/app", _created.AddHours(1)), new LeaseRecord("lease-cache", "CACHE", "redis/creds/app", _created.AddHours(1))],
                record.Leases);
            harness.AssertNoCredentialInTheLedger();
        }

        [Fact]
        public async Task WritesEachLeaseToTheLedgerBeforeTheNextStep()
        {
            var harness = new Harness();
            IReadOnlyList<string>? atDelivery = null;

            await harness.ResolveAsync(_ =>
            {
                atDelivery = [.. harness.Record()!.Leases.Select(l => l.LeaseId)];
                return Task.CompletedTask;
            });

            Assert.Equal(2, harness.LedgerAtIssue.Count);
            Assert.Empty(harness.LedgerAtIssue[0]);
            Assert.Equal(["lease-db"], harness.LedgerAtIssue[1]);
            Assert.Equal(["lease-db", "lease-cache"], atDelivery);
        }

        [Fact]
        public async Task LeavesTheLedgerAloneWithoutADeployment()
        {
            var harness = new Harness();

            await new Resolver(harness.Registry).ResolveAsync(harness.Manifest, harness.Lock, Environment, CancellationToken.None);

            Assert.DoesNotContain(harness.Store.ReceivedCalls(), c => c.GetMethodInfo().DeclaringType == typeof(IDeploymentLedger));
            Assert.Empty(harness.Saves);
        }

        [Fact]
        public async Task AddsTheLeasesOfARepeatedResolveToTheLiveDeploymentItKeepsLive()
        {
            var harness = new Harness();
            harness.Seed(new DeploymentRecord(_deployment.Id, Environment, Commit, "sha256:lockdigest", DeploymentState.Live, [new LeaseRecord("lease-old", "DB", "database/creds/app", _created)], _created, _created));

            await harness.ResolveAsync();

            var record = harness.Record()!;
            Assert.Equal(DeploymentState.Live, record.State);
            Assert.Equal(["lease-old", "lease-db", "lease-cache"], record.Leases.Select(l => l.LeaseId));
        }

        [Fact]
        public async Task ReopensAFailedOrReleasedDeploymentAsPending()
        {
            var harness = new Harness();
            harness.Seed(new DeploymentRecord(_deployment.Id, Environment, Commit, "sha256:lockdigest", DeploymentState.Failed, [new LeaseRecord("lease-old", "DB", "database/creds/app", _created, Revoked: true)], _created, _created));

            await harness.ResolveAsync();

            var record = harness.Record()!;
            Assert.Equal(DeploymentState.Pending, record.State);
            Assert.Equal([true, false, false], record.Leases.Select(l => l.Revoked));
        }
    }

    public class WhenTheResolveFails
    {
        [Fact]
        public async Task AFailedDeliveryRevokesEveryLeaseAndMarksTheAttemptFailedNotLive()
        {
            var harness = new Harness();
            var failure = new IOException("disk full");

            var ex = await Assert.ThrowsAsync<IOException>(() => harness.ResolveAsync(_ => throw failure));

            Assert.Same(failure, ex);
            await harness.Store.Received(1).RevokeLeaseAsync("lease-db", Arg.Any<CancellationToken>());
            await harness.Store.Received(1).RevokeLeaseAsync("lease-cache", Arg.Any<CancellationToken>());
            var record = harness.Record()!;
            Assert.Equal(DeploymentState.Failed, record.State);
            Assert.All(record.Leases, l => Assert.True(l.Revoked));
            Assert.Equal(["lease-db", "lease-cache"], record.Leases.Select(l => l.LeaseId));
            harness.AssertNoCredentialInTheLedger();
        }

        [Fact]
        public async Task AFailedSecondLeaseRevokesTheFirstAndMarksTheAttemptFailed()
        {
            var harness = new Harness();
            harness.Store.IssueLeaseAsync("redis/creds/app", Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>()).Throws(new SecretsPipelineException(Codes.VaultRequest, "503"));

            await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.ResolveAsync());

            await harness.Store.Received(1).RevokeLeaseAsync("lease-db", Arg.Any<CancellationToken>());
            var record = harness.Record()!;
            Assert.Equal(DeploymentState.Failed, record.State);
            Assert.Equal([new LeaseRecord("lease-db", "DB", "database/creds/app", _created.AddHours(1), Revoked: true)], record.Leases);
        }

        [Theory]
        [InlineData(1, 0)]
        [InlineData(2, 1)]
        [InlineData(3, 2)]
        public async Task AFailedLedgerWriteRevokesTheLeasesIssuedSoFar(int failingSave, int issued)
        {
            var harness = new Harness { FailSave = failingSave };

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.ResolveAsync());

            Assert.Equal(Codes.StoreUnavailable, ex.Code);
            Assert.Equal(issued, harness.LedgerAtIssue.Count);
            await harness.Store.Received(issued).RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
            if (harness.Record() is { } record)
            {
                Assert.NotEqual(DeploymentState.Live, record.State);
                Assert.All(record.Leases, l => Assert.True(l.Revoked, $"{l.LeaseId} is still held in the ledger"));
            }
        }

        [Fact]
        public async Task AFailedStaticReadIssuesNoLeaseAndWritesNoLedgerRecord()
        {
            var harness = new Harness();
            harness.Store.ReadAsync(Arg.Any<SecretRef>(), "4", Arg.Any<CancellationToken>()).Throws(new VersionUnavailableException(VersionState.Revoked, "4", "revoked"));

            await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.ResolveAsync());

            await harness.Store.DidNotReceive().IssueLeaseAsync(Arg.Any<string>(), Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>());
            Assert.Empty(harness.Saves);
        }

        [Fact]
        public async Task AFailedReResolveOfTheLiveDeploymentKeepsItLiveAndItsOldLeasesHeld()
        {
            var harness = new Harness();
            var old = new LeaseRecord("lease-old", "DB", "database/creds/app", _created);
            harness.Seed(new DeploymentRecord(_deployment.Id, Environment, Commit, "sha256:lockdigest", DeploymentState.Live, [old], _created, _created));

            await Assert.ThrowsAsync<IOException>(() => harness.ResolveAsync(_ => throw new IOException("disk full")));

            var record = harness.Record()!;
            Assert.Equal(DeploymentState.Live, record.State);
            Assert.Equal([false, true, true], record.Leases.Select(l => l.Revoked));
            await harness.Store.DidNotReceive().RevokeLeaseAsync("lease-old", Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task ALeaseThatCouldNotBeRevokedStaysHeldInTheLedgerAndTheErrorNamesTheReleaseCommand()
        {
            var harness = new Harness();
            harness.Store.RevokeLeaseAsync("lease-db", Arg.Any<CancellationToken>()).Throws(new SecretsPipelineException(Codes.VaultUnreachable, "down"));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.ResolveAsync(_ => throw new SecretsPipelineException(Codes.OutputWrite, "could not write")));

            Assert.Equal(Codes.OutputWrite, ex.Code);
            Assert.Contains("lease-db", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"leases release --deployment {_deployment.Id}", ex.Message, StringComparison.Ordinal);
            var record = harness.Record()!;
            Assert.NotEqual(DeploymentState.Live, record.State);
            Assert.Equal([false, true], record.Leases.Select(l => l.Revoked));
        }

        [Fact]
        public async Task RefusesAStoreWithoutALedgerBeforeIssuingAnyLease()
        {
            var harness = new Harness();
            var plain = Substitute.For<ISecretStore>();
            var factory = Substitute.For<IStoreFactory>();
            factory.Type.Returns("vault");
            factory.Open(Arg.Any<StoreDefinition>(), Arg.Any<string>()).Returns(plain);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() =>
                new Resolver(new StoreRegistry([factory], "/repo")).ResolveAsync(harness.Manifest, harness.Lock, Environment, _deployment, _ => Task.CompletedTask, CancellationToken.None));

            Assert.Equal(Codes.LedgerUnsupported, ex.Code);
            await plain.DidNotReceive().IssueLeaseAsync(Arg.Any<string>(), Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RefusesADeploymentIdThatBelongsToAnotherEnvironment()
        {
            var harness = new Harness();
            harness.Seed(new DeploymentRecord(_deployment.Id, Environment, Commit, "sha256:lockdigest", DeploymentState.Live, [new LeaseRecord("lease-prod", "DB", "database/creds/app", _created)], _created, _created));

            await Assert.ThrowsAsync<SecretsPipelineException>(() => harness.ResolveAsync(environment: "staging"));

            await harness.Store.DidNotReceive().IssueLeaseAsync(Arg.Any<string>(), Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>());
            Assert.Equal(["lease-prod"], harness.Record()!.Leases.Select(l => l.LeaseId));
        }
    }
}
