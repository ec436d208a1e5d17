using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Tests;

public class LocalStoreLedgerTests
{
    private static readonly DateTimeOffset _t0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static DeploymentRecord Deployment(string id, string environment = "prod", int minutes = 0, params LeaseRecord[] leases) =>
        new(id, environment, "0123456789abcdef0123456789abcdef01234567", "sha256:abc", DeploymentState.Pending, leases, _t0.AddMinutes(minutes), _t0.AddMinutes(minutes));

    // Records hold lists, which compare by reference; their JSON form compares by content.
    private static string Json(DeploymentRecord? record) => DeploymentJson.ToJson(record!).ToJsonString();

    public class TheSaveDeploymentAsyncMethod
    {
        [Fact]
        public async Task RoundTripsARecordThroughGet()
        {
            using var scratch = new LocalStoreScratch();
            var lease = new LeaseRecord("database/creds/app/abc", "DB", "database/creds/app", _t0.AddHours(1));
            var record = Deployment("prod-0123456", leases: lease) with { Commit = null, SupersededBy = "prod-next" };
            await using (var store = scratch.Open())
            {
                Assert.False(File.Exists(scratch.DatabasePath));
                await store.SaveDeploymentAsync(record, CancellationToken.None);
            }

            await using var reopened = scratch.Open();
            Assert.Equal(Json(record), Json(await reopened.GetDeploymentAsync(record.Id, CancellationToken.None)));
        }

        [Fact]
        public async Task ReplacesTheWholeRecord()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var record = Deployment("d1", leases: new LeaseRecord("database/creds/app/a", "DB", "database/creds/app", _t0.AddHours(1)));
            await store.SaveDeploymentAsync(record, CancellationToken.None);

            var updated = record with
            {
                State = DeploymentState.Live,
                Leases = [record.Leases[0] with { Revoked = true }, new LeaseRecord("database/creds/app/b", "DB", "database/creds/app", _t0.AddHours(2))],
                Updated = _t0.AddMinutes(5),
            };
            await store.SaveDeploymentAsync(updated, CancellationToken.None);

            Assert.Equal(Json(updated), Json(await store.GetDeploymentAsync("d1", CancellationToken.None)));
            Assert.Single(await store.ListDeploymentsAsync("prod", CancellationToken.None));
        }

        [Fact]
        public async Task KeepsTheLeasesOfAWriterThatSavedSinceThisRecordWasRead()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var opened = Deployment("d1");
            await store.SaveDeploymentAsync(opened, CancellationToken.None);
            var a = new LeaseRecord("database/creds/app/a", "DB", "database/creds/app", _t0.AddHours(1));
            var b = new LeaseRecord("database/creds/app/b", "DB", "database/creds/app", _t0.AddHours(1));

            // Two replicas opened the same record, then each saves it with its own lease.
            await store.SaveDeploymentAsync(opened with { Leases = [a] }, CancellationToken.None);
            await store.SaveDeploymentAsync(opened with { Leases = [b] }, CancellationToken.None);

            var saved = await store.GetDeploymentAsync("d1", CancellationToken.None);
            Assert.Equal(["database/creds/app/a", "database/creds/app/b"], saved!.Leases.Select(l => l.LeaseId).Order(StringComparer.Ordinal));
        }

        [Fact]
        public async Task RefusesToMoveAnIdToAnotherEnvironment()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var record = Deployment("d1", "prod", leases: new LeaseRecord("database/creds/app/a", "DB", "database/creds/app", _t0.AddHours(1)));
            await store.SaveDeploymentAsync(record, CancellationToken.None);

            var ex = await LocalStoreScratch.FailsAsync(() => store.SaveDeploymentAsync(Deployment("d1", "staging"), CancellationToken.None));

            Assert.Same(Codes.Usage, ex.Code);
            Assert.Equal(Json(record), Json(await store.GetDeploymentAsync("d1", CancellationToken.None)));
            Assert.Empty(await store.ListDeploymentsAsync("staging", CancellationToken.None));
        }
    }

    public class TheGetDeploymentAsyncMethod
    {
        [Fact]
        public async Task ReturnsNullForAnUnknownIdWithOrWithoutADatabase()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            Assert.Null(await store.GetDeploymentAsync("nope", CancellationToken.None));
            Assert.False(File.Exists(scratch.DatabasePath));
            await store.SaveDeploymentAsync(Deployment("d1"), CancellationToken.None);
            Assert.Null(await store.GetDeploymentAsync("nope", CancellationToken.None));
        }

        [Fact]
        public async Task ReportsARecordEditedIntoInvalidJsonAsCorrupt()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            await store.SaveDeploymentAsync(Deployment("d1"), CancellationToken.None);

            Assert.Equal(1, scratch.Sql("UPDATE deployments SET json = '{\"id\": \"d1\"}' WHERE id = 'd1'"));
            var ex = await LocalStoreScratch.FailsAsync(() => store.GetDeploymentAsync("d1", CancellationToken.None));

            Assert.Same(Codes.StoreCorrupt, ex.Code);
            Assert.Contains("d1", ex.Message, StringComparison.Ordinal);
        }
    }

    public class TheListDeploymentsAsyncMethod
    {
        [Fact]
        public async Task ListsOneEnvironmentOldestFirst()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            await store.SaveDeploymentAsync(Deployment("third", minutes: 30), CancellationToken.None);
            await store.SaveDeploymentAsync(Deployment("first", minutes: 0), CancellationToken.None);
            await store.SaveDeploymentAsync(Deployment("other", "staging", minutes: 10), CancellationToken.None);
            await store.SaveDeploymentAsync(Deployment("second", minutes: 20), CancellationToken.None);

            var prod = await store.ListDeploymentsAsync("prod", CancellationToken.None);

            Assert.Equal(["first", "second", "third"], prod.Select(d => d.Id));
            Assert.Equal(["other"], (await store.ListDeploymentsAsync("staging", CancellationToken.None)).Select(d => d.Id));
            Assert.Empty(await store.ListDeploymentsAsync("dev", CancellationToken.None));
        }

        [Fact]
        public async Task IsEmptyWithoutADatabase()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            Assert.Empty(await store.ListDeploymentsAsync("prod", CancellationToken.None));
            Assert.False(File.Exists(scratch.DatabasePath));
        }
    }
}
