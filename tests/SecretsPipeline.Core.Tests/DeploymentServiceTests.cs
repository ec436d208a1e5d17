using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Tests;

public class DeploymentServiceTests
{
    private static readonly DateTimeOffset _t0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>The deployment ledger in memory; every save is kept in order.</summary>
    internal sealed class MemoryLedger : IDeploymentLedger
    {
        private readonly Dictionary<string, DeploymentRecord> _records = new(StringComparer.Ordinal);

        public List<DeploymentRecord> Saves { get; } = [];

        public DeploymentRecord this[string id] => _records[id];

        public void Seed(params DeploymentRecord[] records)
        {
            foreach (var record in records)
            {
                _records[record.Id] = record;
            }
        }

        public Task<DeploymentRecord?> GetDeploymentAsync(string deploymentId, CancellationToken cancellationToken) =>
            Task.FromResult(_records.GetValueOrDefault(deploymentId));

        public Task SaveDeploymentAsync(DeploymentRecord record, CancellationToken cancellationToken)
        {
            Saves.Add(record);
            _records[record.Id] = record;
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeploymentRecord>> ListDeploymentsAsync(string environment, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeploymentRecord>>([.. _records.Values.Where(r => r.Environment == environment).OrderBy(r => r.Created)]);
    }

    private static DeploymentRecord Deployment(string id, DeploymentState state, int minute, params LeaseRecord[] leases) =>
        new(id, "production", new string('a', 40), "sha256:" + id, state, leases, _t0.AddMinutes(minute), _t0.AddMinutes(minute));

    private static LeaseRecord Lease(string id, bool revoked = false) => new(id, "DB", "database/creds/app", _t0.AddHours(1), revoked);

    private readonly ISecretStore _store = Substitute.For<ISecretStore>();
    private readonly MemoryLedger _ledger = new();

    private DeploymentService Service => new(_store, _ledger);

    public class ThePromoteAsyncMethod : DeploymentServiceTests
    {
        [Fact]
        public async Task MarksTheDeploymentLiveThenSupersedesTheLiveOneAndRevokesItsLeases()
        {
            _ledger.Seed(
                Deployment("v1", DeploymentState.Live, 0, Lease("l1a"), Lease("l1b"), Lease("l1-gone", revoked: true)),
                Deployment("v2", DeploymentState.Pending, 10, Lease("l2")));

            var (replaced, failed) = await Service.PromoteAsync("v2", CancellationToken.None);

            Assert.Empty(failed);
            Assert.Equal(DeploymentState.Live, _ledger["v2"].State);
            var old = _ledger["v1"];
            Assert.Equal(old, replaced);
            Assert.Equal(DeploymentState.Superseded, old.State);
            Assert.Equal("v2", old.SupersededBy);
            Assert.All(old.Leases, l => Assert.True(l.Revoked));
            Assert.False(_ledger["v2"].Leases.Single().Revoked);
            await _store.Received(1).RevokeLeaseAsync("l1a", Arg.Any<CancellationToken>());
            await _store.Received(1).RevokeLeaseAsync("l1b", Arg.Any<CancellationToken>());
            await _store.Received(2).RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RevokesNothingBeforeTheNewDeploymentIsLiveInTheLedger()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Live, 0, Lease("l1")), Deployment("v2", DeploymentState.Pending, 10, Lease("l2")));
            DeploymentState? stateOfV2AtRevoke = null;
            _store.RevokeLeaseAsync("l1", Arg.Any<CancellationToken>()).Returns(_ =>
            {
                stateOfV2AtRevoke = _ledger["v2"].State;
                return Task.CompletedTask;
            });

            await Service.PromoteAsync("v2", CancellationToken.None);

            Assert.Equal(DeploymentState.Live, stateOfV2AtRevoke);
        }

        [Fact]
        public async Task LeavesPendingAndFailedDeploymentsAndOtherEnvironmentsAlone()
        {
            _ledger.Seed(
                Deployment("canary", DeploymentState.Pending, 0, Lease("lc")),
                Deployment("broken", DeploymentState.Failed, 1, Lease("lb")),
                Deployment("staging-live", DeploymentState.Live, 2, Lease("ls")) with { Environment = "staging" },
                Deployment("v2", DeploymentState.Pending, 10, Lease("l2")));

            var (replaced, failed) = await Service.PromoteAsync("v2", CancellationToken.None);

            Assert.Null(replaced);
            Assert.Empty(failed);
            await _store.DidNotReceive().RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
            Assert.Equal(DeploymentState.Pending, _ledger["canary"].State);
            Assert.Equal(DeploymentState.Live, _ledger["staging-live"].State);
        }

        [Fact]
        public async Task PromotingTheLiveDeploymentAgainRevokesNothing()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Live, 0, Lease("l1")));

            var (replaced, _) = await Service.PromoteAsync("v1", CancellationToken.None);

            Assert.Null(replaced);
            Assert.Equal(DeploymentState.Live, _ledger["v1"].State);
            await _store.DidNotReceive().RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        [Theory]
        [InlineData(DeploymentState.Failed)]
        [InlineData(DeploymentState.Released)]
        [InlineData(DeploymentState.Superseded)]
        public async Task RefusesADeploymentThatCannotGoLiveAndChangesNothing(DeploymentState state)
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Live, 0, Lease("l1")), Deployment("v2", state, 10, Lease("l2", revoked: true)));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => Service.PromoteAsync("v2", CancellationToken.None));

            Assert.Equal(Codes.DeploymentUnknown, ex.Code);
            Assert.Contains("v2", ex.Message, StringComparison.Ordinal);
            Assert.Empty(_ledger.Saves);
            await _store.DidNotReceive().RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RefusesAnUnknownDeployment()
        {
            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => Service.PromoteAsync("nope", CancellationToken.None));

            Assert.Equal(Codes.DeploymentUnknown, ex.Code);
        }

        [Fact]
        public async Task ReportsLeasesItCouldNotRevokeAndKeepsThemHeldInTheLedgerForARetry()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Live, 0, Lease("l1a"), Lease("l1b")), Deployment("v2", DeploymentState.Pending, 10));
            _store.RevokeLeaseAsync("l1a", Arg.Any<CancellationToken>()).Throws(new SecretsPipelineException(Codes.VaultRequest, "503"));

            var (_, failed) = await Service.PromoteAsync("v2", CancellationToken.None);

            Assert.Equal(["l1a"], failed);
            Assert.Equal(DeploymentState.Live, _ledger["v2"].State);
            Assert.Equal([false, true], _ledger["v1"].Leases.Select(l => l.Revoked));

            // A later release revokes exactly the one left.
            _store.RevokeLeaseAsync("l1a", Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
            _store.ClearReceivedCalls();
            var (record, again) = await Service.ReleaseAsync("v1", CancellationToken.None);
            Assert.Empty(again);
            Assert.All(record.Leases, l => Assert.True(l.Revoked));
            await _store.Received(1).RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        }
    }

    public class TheRenewAsyncMethod : DeploymentServiceTests
    {
        [Fact]
        public async Task RenewsEveryHeldLeaseByTheIncrementAndRecordsTheNewExpiry()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Live, 0, Lease("l1"), Lease("l2"), Lease("old", revoked: true)));
            var increment = TimeSpan.FromHours(2);
            _store.RenewLeaseAsync(Arg.Any<string>(), increment, Arg.Any<CancellationToken>())
                .Returns(ci => new Lease(ci.Arg<string>(), "database/creds/app", _t0.AddHours(3), true, new Dictionary<string, string>()));

            var (record, failed) = await Service.RenewAsync("v1", increment, CancellationToken.None);

            Assert.Empty(failed);
            Assert.Equal([_t0.AddHours(3), _t0.AddHours(3), _t0.AddHours(1)], record.Leases.Select(l => l.Expires));
            Assert.Equal(record, _ledger["v1"]);
            Assert.Equal(DeploymentState.Live, record.State);
            await _store.DidNotReceive().RenewLeaseAsync("old", Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task CarriesOnPastALeaseThatCannotBeRenewedAndReportsIt()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Live, 0, Lease("expired"), Lease("l2")));
            _store.RenewLeaseAsync("expired", null, Arg.Any<CancellationToken>()).Throws(new SecretsPipelineException(Codes.LeaseInvalid, "expired"));
            _store.RenewLeaseAsync("l2", null, Arg.Any<CancellationToken>()).Returns(new Lease("l2", "database/creds/app", _t0.AddHours(5), true, new Dictionary<string, string>()));

            var (record, failed) = await Service.RenewAsync("v1", null, CancellationToken.None);

            Assert.Equal(["expired"], failed);
            Assert.Equal([_t0.AddHours(1), _t0.AddHours(5)], record.Leases.Select(l => l.Expires));
            Assert.All(record.Leases, l => Assert.False(l.Revoked));
        }
    }

    public class TheReleaseAsyncMethod : DeploymentServiceTests
    {
        [Fact]
        public async Task RevokesEveryLeaseAndMarksTheDeploymentReleased()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Pending, 0, Lease("l1"), Lease("l2")));

            var (record, failed) = await Service.ReleaseAsync("v1", CancellationToken.None);

            Assert.Empty(failed);
            Assert.Equal(DeploymentState.Released, record.State);
            Assert.All(record.Leases, l => Assert.True(l.Revoked));
            Assert.Equal(record, _ledger["v1"]);
            await _store.Received(1).RevokeLeaseAsync("l1", Arg.Any<CancellationToken>());
            await _store.Received(1).RevokeLeaseAsync("l2", Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task IsSafeToRepeat()
        {
            _ledger.Seed(Deployment("v1", DeploymentState.Pending, 0, Lease("l1")));
            await Service.ReleaseAsync("v1", CancellationToken.None);
            _store.ClearReceivedCalls();

            var (record, failed) = await Service.ReleaseAsync("v1", CancellationToken.None);

            Assert.Empty(failed);
            Assert.Equal(DeploymentState.Released, record.State);
            await _store.DidNotReceive().RevokeLeaseAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RefusesAnUnknownDeploymentNamingTheWayToListThem()
        {
            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => Service.ReleaseAsync("nope", CancellationToken.None));

            Assert.Equal(Codes.DeploymentUnknown, ex.Code);
            Assert.Contains("leases list", ex.Message, StringComparison.Ordinal);
        }
    }

    public class TheDeploymentContext
    {
        [Fact]
        public void DefaultsToTheEnvironmentAndTheFirstTwelveCharactersOfTheCommit() =>
            Assert.Equal("production-0123456789ab", DeploymentContext.DefaultId("production", "0123456789abcdef0123456789abcdef01234567", "sha256:" + new string('f', 64)));

        [Fact]
        public void FallsBackToTheLockDigestWithoutACommit() =>
            Assert.Equal("production-fedcba987654", DeploymentContext.DefaultId("production", null, "sha256:fedcba9876543210" + new string('0', 48)));

        [Theory]
        [InlineData("production-0123456789ab")]
        [InlineData("release_1.4.2")]
        public void AcceptsPathSafeIds(string id) => Assert.Equal(id, DeploymentContext.Validate(id));

        [Theory]
        [InlineData("")]
        [InlineData("../other-environment/live")]
        [InlineData("a/b")]
        [InlineData("has space")]
        [InlineData("%2e%2e")]
        public void RefusesIdsThatAreNotPathSafe(string id) =>
            Assert.Equal(Codes.Usage, Assert.Throws<SecretsPipelineException>(() => DeploymentContext.Validate(id)).Code);

        [Fact]
        public void RefusesIdsLongerThan128Characters()
        {
            Assert.Equal(new string('a', 128), DeploymentContext.Validate(new string('a', 128)));
            Assert.Throws<SecretsPipelineException>(() => DeploymentContext.Validate(new string('a', 129)));
        }
    }
}
