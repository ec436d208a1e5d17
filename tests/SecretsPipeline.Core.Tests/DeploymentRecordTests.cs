using SecretsPipeline.Core.Deployments;

namespace SecretsPipeline.Core.Tests;

public class DeploymentRecordTests
{
    private static readonly DateTimeOffset _t0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static LeaseRecord Lease(string id, bool revoked = false, int hours = 1) => new($"database/creds/app/{id}", "DB", "database/creds/app", _t0.AddHours(hours), revoked);

    private static DeploymentRecord Record(DeploymentState state, int minutes, params LeaseRecord[] leases) =>
        new("prod-1", "prod", "c0ffee", "sha256:abc", state, leases, _t0.AddMinutes(minutes), _t0.AddMinutes(minutes));

    public class TheMergedOverMethod
    {
        [Fact]
        public void KeepsLeasesOnlyTheStoredRecordHasAndAddsItsOwn()
        {
            var merged = Record(DeploymentState.Pending, 1, Lease("b")).MergedOver(Record(DeploymentState.Pending, 0, Lease("a")));

            Assert.Equal(["database/creds/app/b", "database/creds/app/a"], merged.Leases.Select(l => l.LeaseId));
            Assert.Equal(_t0, merged.Created);
        }

        [Fact]
        public void KeepsALeaseRevokedWhenEitherSideRevokedIt()
        {
            var merged = Record(DeploymentState.Live, 1, Lease("a", revoked: false, hours: 5), Lease("b", revoked: true)).MergedOver(Record(DeploymentState.Pending, 0, Lease("a", revoked: true), Lease("b")));

            Assert.True(merged.Leases.Single(l => l.LeaseId.EndsWith("/a", StringComparison.Ordinal)).Revoked);
            Assert.True(merged.Leases.Single(l => l.LeaseId.EndsWith("/b", StringComparison.Ordinal)).Revoked);
            Assert.Equal(DeploymentState.Live, merged.State);
        }

        [Fact]
        public void TakesItsOwnTermsForALeaseBothKnow()
        {
            var merged = Record(DeploymentState.Pending, 1, Lease("a", hours: 9)).MergedOver(Record(DeploymentState.Pending, 0, Lease("a", hours: 1)));

            Assert.Equal(_t0.AddHours(9), Assert.Single(merged.Leases).Expires);
        }

        [Fact]
        public void IsItselfWhenNothingIsStored()
        {
            var record = Record(DeploymentState.Pending, 0, Lease("a"));

            Assert.Same(record, record.MergedOver(null));
        }
    }
}
