using NSubstitute;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Tests;

public class ResolverTests
{
    private const string Environment = "development";

    private const string ManifestText = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          API_KEY: { ref: "secret/${env}/api#key" }
          STRIPE_KEY: { ref: "secret/${env}/payments#stripe" }
          DB: { dynamic: database/creds/app, ttl: 1h, max_ttl: 2h }
          CACHE: { dynamic: redis/creds/app, fields: [password] }
          QUEUE: { dynamic: rabbit/creds/app }

        """;

    private static readonly DateTimeOffset _created = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretRef _apiRef = new("secret", "development/api", "key");
    private static readonly SecretRef _stripeRef = new("secret", "development/payments", "stripe");

    /// <summary>The values the substitute store hands out; none may appear in any error.</summary>
    private static readonly string[] _values = ["api-value-4-canary", "sk_live_stripe_canary", "db-user-canary", "db-pass-canary", "cache-pass-canary", "queue-user-canary", "queue-pass-canary"];

    /// <summary>A substitute store with every read and lease working; tests break one step.</summary>
    private sealed class Harness
    {
        public Harness()
        {
            Manifest = ManifestParser.Parse("secrets.yaml", ManifestText);
            Store = Substitute.For<ISecretStore>();
            Store.Identity.Returns(new Dictionary<string, string> { ["type"] = "local" });
            Store.ReadAsync(_apiRef, "4", Arg.Any<CancellationToken>()).Returns(new SecretValue(_values[0], new SecretVersionInfo("4", _created)));
            Store.ReadAsync(_stripeRef, "2", Arg.Any<CancellationToken>()).Returns(new SecretValue(_values[1], new SecretVersionInfo("2", _created)));
            Lease("database/creds/app", "lease-db", ("username", _values[2]), ("password", _values[3]));
            Lease("redis/creds/app", "lease-cache", ("password", _values[4]));
            Lease("rabbit/creds/app", "lease-queue", ("username", _values[5]), ("password", _values[6]));
            var factory = Substitute.For<IStoreFactory>();
            factory.Type.Returns("local");
            factory.Open(Arg.Any<StoreDefinition>(), Arg.Any<string>()).Returns(Store);
            Registry = new StoreRegistry([factory], "/repo");
            Pins = new Dictionary<string, SecretPin>
            {
                ["API_KEY"] = SecretPin.Static("secret/development/api#key", "4", _created, null),
                ["STRIPE_KEY"] = SecretPin.Static("secret/development/payments#stripe", "2", _created, null),
                ["DB"] = new(null, null, null, null, "database/creds/app", "3600s", "7200s", ["username", "password"]),
                ["CACHE"] = new(null, null, null, null, "redis/creds/app", null, null, ["password"]),
                ["QUEUE"] = new(null, null, null, null, "rabbit/creds/app", null, null, ["username", "password"]),
            };
        }

        public SecretsManifest Manifest { get; }

        public ISecretStore Store { get; }

        public StoreRegistry Registry { get; }

        public Dictionary<string, SecretPin> Pins { get; }

        /// <summary>Every lease the store handed out, in order.</summary>
        public List<Lease> Issued { get; } = [];

        public void Lease(string role, string leaseId, params (string Field, string Value)[] credentials)
        {
            Store.IssueLeaseAsync(role, Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>()).Returns(_ =>
            {
                var lease = new Lease(leaseId, role, _created.AddHours(1), true, credentials.ToDictionary(c => c.Field, c => c.Value));
                lock (Issued)
                {
                    Issued.Add(lease);
                }

                return Task.FromResult(lease);
            });
        }

        public void FailLease(string role, Exception exception) =>
            Store.IssueLeaseAsync(role, Arg.Any<LeaseTerms>(), Arg.Any<CancellationToken>()).Returns(Task.FromException<Lease>(exception));

        public Task<ResolveResult> ResolveAsync() =>
            new Resolver(Registry).ResolveAsync(Manifest, new LockFile("sha256:x", new Dictionary<string, EnvironmentLock> { [Environment] = new(Store.Identity, Pins) }, []), Environment, CancellationToken.None);

        public void AssertEveryIssuedLeaseWasRevokedOnce()
        {
            foreach (var lease in Issued)
            {
                Store.Received(1).RevokeLeaseAsync(lease.LeaseId, Arg.Any<CancellationToken>());
            }

            Store.Received(Issued.Count).RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        public static void AssertNoValueIn(Exception ex)
        {
            var text = ex.ToString() + (ex is SecretsPipelineException spe ? spe.ToDiagnostic() : string.Empty);
            foreach (var value in _values)
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            }
        }
    }

    public class TheResolveAsyncMethod
    {
        [Fact]
        public async Task ReturnsEveryOutputInManifestOrderAndHoldsTheLeases()
        {
            var harness = new Harness();

            var result = await harness.ResolveAsync();

            Assert.Equal(Environment, result.Environment);
            Assert.Equal(
                ["API_KEY", "STRIPE_KEY", "DB_USERNAME", "DB_PASSWORD", "CACHE_PASSWORD", "QUEUE_USERNAME", "QUEUE_PASSWORD"],
                result.Outputs.Select(o => o.Name));
            Assert.Equal(_values, result.Outputs.Select(o => o.Value.Reveal()));
            Assert.Equal(["API_KEY", "STRIPE_KEY", "DB", "DB", "CACHE", "QUEUE", "QUEUE"], result.Outputs.Select(o => o.Secret));
            Assert.Equal(["lease-db", "lease-cache", "lease-queue"], result.Leases.Select(l => l.LeaseId));
            await harness.Store.Received(1).IssueLeaseAsync("database/creds/app", new LeaseTerms(TimeSpan.FromHours(1), TimeSpan.FromHours(2)), Arg.Any<CancellationToken>());
            await harness.Store.Received(1).IssueLeaseAsync("redis/creds/app", new LeaseTerms(null, null), Arg.Any<CancellationToken>());
            await harness.Store.DidNotReceive().RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
            await harness.Store.DidNotReceive().ReadAsync(Arg.Any<SecretRef>(), Arg.Is<string>(v => v != "4" && v != "2"), Arg.Any<CancellationToken>());
        }

        [Theory]
        [InlineData("redis/creds/app", 1)]
        [InlineData("rabbit/creds/app", 2)]
        [InlineData("database/creds/app", 0)]
        public async Task RevokesEveryLeaseIssuedWhenALaterLeaseFails(string failingRole, int issuedBefore)
        {
            var harness = new Harness();
            var failure = new SecretsPipelineException(Codes.StoreUnavailable, "vault is down");
            harness.FailLease(failingRole, failure);

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Same(failure, ex);
            Assert.Equal(issuedBefore, harness.Issued.Count);
            harness.AssertEveryIssuedLeaseWasRevokedOnce();
        }

        [Fact]
        public async Task RevokesEveryLeaseIncludingItsOwnWhenALeaseLacksAField()
        {
            var harness = new Harness();
            harness.Lease("rabbit/creds/app", "lease-queue", ("username", _values[5]));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Same(Codes.StoreUnsupported, ex.Code);
            Assert.Contains("'QUEUE'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("'password'", ex.Message, StringComparison.Ordinal);
            Assert.Equal(["lease-db", "lease-cache", "lease-queue"], harness.Issued.Select(l => l.LeaseId));
            harness.AssertEveryIssuedLeaseWasRevokedOnce();
            Harness.AssertNoValueIn(ex);
        }

        [Fact]
        public async Task RevokesWithoutTheCallersTokenWhenTheAttemptIsCancelled()
        {
            var harness = new Harness();
            var cancelled = new OperationCanceledException();
            harness.FailLease("rabbit/creds/app", cancelled);

            var ex = await Assert.ThrowsAsync<OperationCanceledException>(harness.ResolveAsync);

            Assert.Same(cancelled, ex);
            harness.AssertEveryIssuedLeaseWasRevokedOnce();
            await harness.Store.Received(2).RevokeLeaseAsync(Arg.Any<string>(), CancellationToken.None);
        }

        [Fact]
        public async Task PropagatesAFailedReadAndLeavesNoLeaseBehind()
        {
            var harness = new Harness();
            var failure = new SecretsPipelineException(Codes.StoreUnavailable, "connection reset");
            harness.Store.ReadAsync(_stripeRef, "2", Arg.Any<CancellationToken>()).Returns(Task.FromException<SecretValue>(failure));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Same(failure, ex);
            harness.AssertEveryIssuedLeaseWasRevokedOnce();
        }

        [Fact]
        public async Task RevokesTheRemainingLeasesWhenOneRevokeFails()
        {
            var harness = new Harness();
            var failure = new SecretsPipelineException(Codes.StoreUnavailable, "vault is down");
            harness.FailLease("rabbit/creds/app", failure);
            harness.Store.RevokeLeaseAsync("lease-db", Arg.Any<CancellationToken>()).Returns(Task.FromException(new HttpRequestException("timeout")));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Same(failure.Code, ex.Code);
            Assert.Same(failure, ex.InnerException);
            Assert.Contains("vault is down", ex.Message, StringComparison.Ordinal);
            Assert.Contains("could not be revoked: lease-db", ex.Message, StringComparison.Ordinal);
            await harness.Store.Received(1).RevokeLeaseAsync("lease-cache", Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RefusesARevokedPinNamingTheSecretVersionAndNewestGoodVersion()
        {
            var harness = new Harness();
            harness.Store.ReadAsync(_apiRef, "4", Arg.Any<CancellationToken>())
                .Returns(Task.FromException<SecretValue>(new VersionUnavailableException(VersionState.Revoked, "4", "secret/development/api#key version 4 is revoked")));
            harness.Store.ListVersionsAsync(_apiRef, Arg.Any<CancellationToken>()).Returns(new List<SecretVersionInfo>
            {
                new("1", _created),
                new("2", _created),
                new("3", _created),
                new("4", _created, VersionState.Revoked, "leaked"),
                new("5", _created, VersionState.Deleted),
            });

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Same(Codes.VersionRevoked, ex.Code);
            Assert.Contains("secret 'API_KEY'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("version 4 was revoked", ex.Message, StringComparison.Ordinal);
            Assert.Contains("the newest good version is 3", ex.Message, StringComparison.Ordinal);
            Assert.Contains("lock --update API_KEY --env development", ex.Message, StringComparison.Ordinal);
            Assert.Equal(new SourceLocation("secrets.yaml", 7, 3), ex.Location);
            Assert.StartsWith("secrets.yaml(7,3): error SPL3003: ", ex.ToDiagnostic(), StringComparison.Ordinal);
            Harness.AssertNoValueIn(ex);
            harness.AssertEveryIssuedLeaseWasRevokedOnce();
        }

        [Theory]
        [InlineData(VersionState.Deleted, "SPL3004", "is deleted")]
        [InlineData(VersionState.Destroyed, "SPL3005", "was destroyed")]
        [InlineData(VersionState.Missing, "SPL3002", "does not exist")]
        [InlineData(VersionState.Revoked, "SPL3003", "was revoked")]
        public async Task RefusesAnUnreadablePinWithItsCodeAndSaysWhenNoGoodVersionExists(VersionState state, string code, string why)
        {
            var harness = new Harness();
            harness.Store.ReadAsync(_stripeRef, "2", Arg.Any<CancellationToken>())
                .Returns(Task.FromException<SecretValue>(new VersionUnavailableException(state, "2", "unavailable")));
            harness.Store.ListVersionsAsync(_stripeRef, Arg.Any<CancellationToken>()).Returns(new List<SecretVersionInfo> { new("1", _created, VersionState.Destroyed), new("2", _created, state) });

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Equal(code, ex.Code.Id);
            Assert.Contains($"secret 'STRIPE_KEY' (environment 'development') version 2 {why}", ex.Message, StringComparison.Ordinal);
            Assert.Contains("no good version of 'secret/development/payments#stripe' exists", ex.Message, StringComparison.Ordinal);
            Harness.AssertNoValueIn(ex);
        }

        [Fact]
        public async Task RefusesAVersionWhoseCreationTimeDiffersWithSpl3006()
        {
            var harness = new Harness();
            harness.Store.ReadAsync(_apiRef, "4", Arg.Any<CancellationToken>()).Returns(new SecretValue("recreated-value-canary", new SecretVersionInfo("4", _created.AddSeconds(1))));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(harness.ResolveAsync);

            Assert.Same(Codes.VersionReplaced, ex.Code);
            Assert.Contains("secret 'API_KEY'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("version 4", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("recreated-value-canary", ex.ToString(), StringComparison.Ordinal);
            Harness.AssertNoValueIn(ex);
            harness.AssertEveryIssuedLeaseWasRevokedOnce();
        }

        [Fact]
        public async Task AcceptsAnyCreationTimeWhenThePinHasNone()
        {
            var harness = new Harness();
            harness.Pins["API_KEY"] = new SecretPin("secret/development/api#key", "4", null, null);
            harness.Store.ReadAsync(_apiRef, "4", Arg.Any<CancellationToken>()).Returns(new SecretValue(_values[0], new SecretVersionInfo("4", _created.AddDays(1))));

            var result = await harness.ResolveAsync();

            Assert.Equal(_values[0], result.Outputs[0].Value.Reveal());
        }

        [Fact]
        public async Task ReadsThePinnedVersionNotTheCurrentOne()
        {
            var harness = new Harness();
            harness.Store.GetCurrentAsync(Arg.Any<SecretRef>(), Arg.Any<CancellationToken>()).Returns(new SecretVersionInfo("9", _created));

            await harness.ResolveAsync();

            await harness.Store.Received(1).ReadAsync(_apiRef, "4", Arg.Any<CancellationToken>());
            await harness.Store.DidNotReceive().GetCurrentAsync(Arg.Any<SecretRef>(), Arg.Any<CancellationToken>());
        }
    }
}
