using SecretsPipeline.Core.Audit;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Tests;

public class LocalStoreAuditTests
{
    private static readonly DateTimeOffset _t0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static AuditRecord Draft(string command, string outcome = "ok") => new(
        0,
        _t0,
        "user:test@host",
        "github:acme/app/actions/runs/42",
        command,
        "prod",
        "0123456789abcdef0123456789abcdef01234567",
        "sha256:abc",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["DB_PASSWORD"] = "3" },
        ["database/creds/app/0123"],
        outcome,
        string.Empty,
        string.Empty);

    private static async Task<IReadOnlyList<AuditRecord>> AppendChainAsync(IAuditTrail trail, params string[] commands)
    {
        foreach (var command in commands)
        {
            var last = await trail.LastAsync(CancellationToken.None);
            await trail.AppendAsync(AuditChain.Seal(Draft(command), last), CancellationToken.None);
        }

        return await trail.ReadAllAsync(CancellationToken.None);
    }

    public class TheAppendAsyncMethod
    {
        [Fact]
        public async Task KeepsASealedChainThatVerifies()
        {
            using var scratch = new LocalStoreScratch();
            await using (var store = scratch.Open())
            {
                Assert.Null(await store.LastAsync(CancellationToken.None));
                await AppendChainAsync(store, "lock", "resolve", "rotate");
            }

            await using var reopened = scratch.Open();
            var records = await reopened.ReadAllAsync(CancellationToken.None);
            Assert.Equal(["lock", "resolve", "rotate"], records.Select(r => r.Command));
            Assert.Equal([1L, 2L, 3L], records.Select(r => r.Sequence));
            Assert.Null(AuditChain.Verify(records));
            Assert.Equal(records[2].Hash, (await reopened.LastAsync(CancellationToken.None))?.Hash);
            Assert.Equal("3", records[0].Secrets["DB_PASSWORD"]);
            Assert.Equal(["database/creds/app/0123"], records[0].Leases);
        }

        [Fact]
        public async Task RefusesAStaleSequenceSoTwoWritersCannotForkTheChain()
        {
            using var scratch = new LocalStoreScratch();
            await using var first = scratch.Open();
            await using var second = scratch.Open();
            await AppendChainAsync(first, "lock");

            // Both writers read the same head and seal record 2 against it; only one may land.
            var head = await second.LastAsync(CancellationToken.None);
            await first.AppendAsync(AuditChain.Seal(Draft("resolve"), head), CancellationToken.None);
            var ex = await LocalStoreScratch.FailsAsync(() => second.AppendAsync(AuditChain.Seal(Draft("rotate"), head), CancellationToken.None));

            Assert.Same(Codes.CheckAndSetMismatch, ex.Code);
            var records = await second.ReadAllAsync(CancellationToken.None);
            Assert.Equal(["lock", "resolve"], records.Select(r => r.Command));
            Assert.Null(AuditChain.Verify(records));
        }

        [Fact]
        public async Task RefusesARecordSealedAgainstAnotherChain()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            await AppendChainAsync(store, "lock");
            var foreign = AuditChain.Seal(Draft("elsewhere"), null);

            var ex = await LocalStoreScratch.FailsAsync(() => store.AppendAsync(AuditChain.Seal(Draft("resolve"), foreign), CancellationToken.None));

            Assert.Same(Codes.CheckAndSetMismatch, ex.Code);
            Assert.Single(await store.ReadAllAsync(CancellationToken.None));
        }

        [Fact]
        public async Task RefusesAnUnsealedRecord()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var sealedRecord = AuditChain.Seal(Draft("lock"), null);

            var ex = await LocalStoreScratch.FailsAsync(() => store.AppendAsync(sealedRecord with { Outcome = "failed" }, CancellationToken.None));

            Assert.Same(Codes.AuditBroken, ex.Code);
            Assert.Empty(await store.ReadAllAsync(CancellationToken.None));
        }

        [Fact]
        public async Task SerialisesConcurrentAuditLogsOnOneChain()
        {
            using var scratch = new LocalStoreScratch();
            await using var first = scratch.Open();
            await using var second = scratch.Open();
            var logs = new[] { new AuditLog(first, _ => null), new AuditLog(second, _ => null) };

            await Task.WhenAll(logs.Select(log => Task.Run(async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await log.AppendAsync("resolve", "prod", null, null, new Dictionary<string, string>(), [], "ok", CancellationToken.None);
                }
            })));

            var records = await first.ReadAllAsync(CancellationToken.None);
            Assert.Equal(10, records.Count);
            Assert.Null(AuditChain.Verify(records));
        }
    }

    public class TheReadAllAsyncMethod
    {
        [Fact]
        public async Task IsEmptyWithoutADatabase()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            Assert.Empty(await store.ReadAllAsync(CancellationToken.None));
            Assert.Null(await store.LastAsync(CancellationToken.None));
            Assert.False(File.Exists(scratch.DatabasePath));
        }

        [Fact]
        public async Task ShowsARowEditedInTheDatabaseToVerify()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            await AppendChainAsync(store, "lock", "resolve", "rotate");

            Assert.Equal(1, scratch.Sql("UPDATE audit SET json = json_set(json, '$.outcome', 'failed') WHERE sequence = 2"));
            var records = await store.ReadAllAsync(CancellationToken.None);

            Assert.Equal("failed", records[1].Outcome);
            Assert.Equal("record 2 was edited after it was written", AuditChain.Verify(records));
        }

        [Fact]
        public async Task ShowsARowRemovedFromTheDatabaseToVerify()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            await AppendChainAsync(store, "lock", "resolve", "rotate");

            Assert.Equal(1, scratch.Sql("DELETE FROM audit WHERE sequence = 2"));

            Assert.NotNull(AuditChain.Verify(await store.ReadAllAsync(CancellationToken.None)));
        }

        [Fact]
        public async Task ReportsARowThatIsNoLongerARecord()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            await AppendChainAsync(store, "lock");

            Assert.Equal(1, scratch.Sql("UPDATE audit SET json = 'not json' WHERE sequence = 1"));
            var ex = await LocalStoreScratch.FailsAsync(() => store.ReadAllAsync(CancellationToken.None));

            Assert.Same(Codes.AuditBroken, ex.Code);
        }
    }
}
