using System.Text.Json.Nodes;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SecretsPipeline.Core.Audit;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Tests;

public class AuditChainTests
{
    private static readonly DateTimeOffset _t0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static AuditRecord Draft(string command, int n = 0) => new(
        0,
        _t0.AddMinutes(n),
        "github:octocat",
        "github:acme/shop/actions/runs/42",
        command,
        "production",
        "0123456789abcdef0123456789abcdef01234567",
        "sha256:" + new string('a', 64),
        new Dictionary<string, string>(StringComparer.Ordinal) { ["DB_PASSWORD"] = "3", ["API_KEY"] = "7" },
        [$"database/creds/app/{n}"],
        "ok",
        string.Empty,
        string.Empty);

    /// <summary>A sealed chain of <paramref name="count"/> records.</summary>
    private static List<AuditRecord> Chain(int count)
    {
        var chain = new List<AuditRecord>();
        for (var i = 0; i < count; i++)
        {
            chain.Add(AuditChain.Seal(Draft($"command-{i + 1}", i), chain.LastOrDefault()));
        }

        return chain;
    }

    /// <summary>Every way to edit a record's content (the hash left as it was).</summary>
    public static TheoryData<string> Edits => ["time", "actor", "ci_run", "command", "environment", "commit", "lock_digest", "secret version", "secret added", "lease", "lease removed", "outcome"];

    private static AuditRecord Edit(AuditRecord record, string edit) => edit switch
    {
        "time" => record with { Time = record.Time.AddTicks(1) },
        "actor" => record with { Actor = "github:mallory" },
        "ci_run" => record with { CiRun = null },
        "command" => record with { Command = "lock" },
        "environment" => record with { Environment = "staging" },
        "commit" => record with { Commit = new string('f', 40) },
        "lock_digest" => record with { LockDigest = "sha256:" + new string('b', 64) },
        "secret version" => record with { Secrets = new Dictionary<string, string>(record.Secrets, StringComparer.Ordinal) { ["DB_PASSWORD"] = "4" } },
        "secret added" => record with { Secrets = new Dictionary<string, string>(record.Secrets, StringComparer.Ordinal) { ["NEW"] = "1" } },
        "lease" => record with { Leases = ["database/creds/app/other"] },
        "lease removed" => record with { Leases = [] },
        "outcome" => record with { Outcome = "failed SPL3007" },
        _ => throw new ArgumentOutOfRangeException(nameof(edit)),
    };

    public class TheSealMethod
    {
        [Fact]
        public void StartsTheChainAtSequenceOneAfterTheGenesisHash()
        {
            var first = AuditChain.Seal(Draft("lock"), null);

            Assert.Equal(1, first.Sequence);
            Assert.Equal(AuditChain.Genesis, first.PreviousHash);
            Assert.Matches("^sha256:[0-9a-f]{64}$", first.Hash);
        }

        [Fact]
        public void LinksEachRecordToTheHashOfTheOneBefore()
        {
            var chain = Chain(3);

            Assert.Equal([1L, 2L, 3L], chain.Select(r => r.Sequence));
            Assert.Equal(chain[0].Hash, chain[1].PreviousHash);
            Assert.Equal(chain[1].Hash, chain[2].PreviousHash);
            Assert.Equal(3, chain.Select(r => r.Hash).Distinct().Count());
        }

        [Fact]
        public void HashesTheCanonicalJsonOfTheRecordWithoutItsHash()
        {
            var record = AuditChain.Seal(Draft("resolve"), null);
            var json = AuditChain.ToJson(record);
            json.Remove("hash");

            Assert.Equal(Digest.Sha256(CanonicalJson.Serialize(json)), record.Hash);
        }

        [Fact]
        public void IgnoresWhateverSequenceAndHashesTheDraftCarries()
        {
            var head = AuditChain.Seal(Draft("lock"), null);
            var forged = Draft("resolve") with { Sequence = 99, PreviousHash = "sha256:forged", Hash = "sha256:forged" };

            var sealedRecord = AuditChain.Seal(forged, head);

            Assert.Equal(2, sealedRecord.Sequence);
            Assert.Equal(head.Hash, sealedRecord.PreviousHash);
            Assert.Equal(AuditChain.Seal(Draft("resolve"), head).Hash, sealedRecord.Hash);
        }

        [Fact]
        public void GivesTheSameHashWhateverOrderTheSecretsWereAddedIn()
        {
            var ab = Draft("lock") with { Secrets = new Dictionary<string, string>(StringComparer.Ordinal) { ["A"] = "1", ["B"] = "2" } };
            var ba = Draft("lock") with { Secrets = new Dictionary<string, string>(StringComparer.Ordinal) { ["B"] = "2", ["A"] = "1" } };

            Assert.Equal(AuditChain.Seal(ab, null).Hash, AuditChain.Seal(ba, null).Hash);
        }

        [Theory]
        [MemberData(nameof(Edits), MemberType = typeof(AuditChainTests))]
        public void GivesAnotherHashForAnyChangeOfContent(string edit)
        {
            var draft = Draft("resolve");

            Assert.NotEqual(AuditChain.Seal(draft, null).Hash, AuditChain.Seal(Edit(draft, edit), null).Hash);
        }
    }

    public class TheVerifyMethod
    {
        [Fact]
        public void AcceptsAnEmptyTrailAndAnIntactChain()
        {
            Assert.Null(AuditChain.Verify([]));
            Assert.Null(AuditChain.Verify(Chain(5)));
        }

        [Fact]
        public void AcceptsAChainThatWentThroughItsJsonForm()
        {
            var chain = Chain(4).Select(r => AuditChain.FromJson(JsonNode.Parse(AuditChain.ToJson(r).ToJsonString())!)).ToList();

            Assert.Null(AuditChain.Verify(chain));
            Assert.Equal(Chain(4).Select(r => r.Hash), chain.Select(r => r.Hash));
        }

        [Theory]
        [MemberData(nameof(Edits), MemberType = typeof(AuditChainTests))]
        public void ReportsARecordEditedAfterItWasWritten(string edit)
        {
            var chain = Chain(4);
            chain[1] = Edit(chain[1], edit);

            Assert.Equal("record 2 was edited after it was written", AuditChain.Verify(chain));
        }

        [Fact]
        public void ReportsAnEditedRecordWhoseHashWasRecomputedAtTheRecordAfterIt()
        {
            var chain = Chain(4);
            chain[1] = AuditChain.Seal(Edit(chain[1], "outcome"), chain[0]);

            Assert.Equal("record 3 does not follow record 2 (a record was removed or replaced)", AuditChain.Verify(chain));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void ReportsARemovedRecordThatIsNotTheNewest(int removed)
        {
            var chain = Chain(4);
            chain.RemoveAt(removed);

            Assert.Equal($"record {removed + 1} is missing or out of order (found sequence {removed + 2})", AuditChain.Verify(chain));
        }

        [Fact]
        public void ReportsARemovedRecordEvenWhenTheOnesAfterItWereRenumbered()
        {
            var chain = Chain(4);
            chain.RemoveAt(1);
            chain[1] = chain[1] with { Sequence = 2 };
            chain[2] = chain[2] with { Sequence = 3 };

            Assert.Equal("record 2 does not follow record 1 (a record was removed or replaced)", AuditChain.Verify(chain));
        }

        [Fact]
        public void ReportsReorderedRecords()
        {
            var chain = Chain(4);
            (chain[1], chain[2]) = (chain[2], chain[1]);

            Assert.Equal("record 2 is missing or out of order (found sequence 3)", AuditChain.Verify(chain));
        }

        [Fact]
        public void ReportsReorderedRecordsWhoseSequenceNumbersWereSwappedToo()
        {
            var chain = Chain(4);
            (chain[1], chain[2]) = (chain[2] with { Sequence = 2 }, chain[1] with { Sequence = 3 });

            Assert.NotNull(AuditChain.Verify(chain));
            Assert.StartsWith("record 2 ", AuditChain.Verify(chain), StringComparison.Ordinal);
        }

        [Fact]
        public void ReportsARecordTakenFromAnotherChain()
        {
            var chain = Chain(3);
            var other = new List<AuditRecord> { AuditChain.Seal(Draft("lock", 9), null) };
            other.Add(AuditChain.Seal(Draft("rotate", 10), other[0]));
            chain[1] = other[1];

            Assert.Equal("record 2 does not follow record 1 (a record was removed or replaced)", AuditChain.Verify(chain));
        }
    }

    public class TheAuditLogClass
    {
        private readonly IAuditTrail _trail = Substitute.For<IAuditTrail>();
        private readonly List<AuditRecord> _appended = [];

        public TheAuditLogClass() =>
            _trail.AppendAsync(Arg.Any<AuditRecord>(), Arg.Any<CancellationToken>()).Returns(ci =>
            {
                _appended.Add(ci.Arg<AuditRecord>());
                return Task.CompletedTask;
            });

        private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
            name => set.FirstOrDefault(v => v.Name == name).Value;

        [Fact]
        public async Task SealsTheRecordAgainstTheCurrentHeadAndAppendsItOnce()
        {
            var head = Chain(2)[1];
            _trail.LastAsync(Arg.Any<CancellationToken>()).Returns(head);

            var written = await new AuditLog(_trail, Variables()).AppendAsync(
                "rotate", "production", null, "sha256:d", new Dictionary<string, string> { ["DB_PASSWORD"] = "4" }, [], "ok", CancellationToken.None);

            Assert.Equal(written, Assert.Single(_appended));
            Assert.Equal(3, written.Sequence);
            Assert.Equal(head.Hash, written.PreviousHash);
            Assert.Null(AuditChain.Verify([.. Chain(2), written]));
            Assert.Equal("rotate", written.Command);
            Assert.Equal("4", written.Secrets["DB_PASSWORD"]);
        }

        [Fact]
        public async Task ReSealsOnTheNewHeadWhenAnotherWriterAppendedFirst()
        {
            var chain = Chain(3);
            _trail.LastAsync(Arg.Any<CancellationToken>()).Returns(chain[1], chain[2]);
            var attempts = 0;
            _trail.AppendAsync(Arg.Any<AuditRecord>(), Arg.Any<CancellationToken>()).Returns(ci =>
            {
                if (attempts++ == 0)
                {
                    throw new SecretsPipelineException(Codes.CheckAndSetMismatch, "record 3 exists");
                }

                _appended.Add(ci.Arg<AuditRecord>());
                return Task.CompletedTask;
            });

            var written = await new AuditLog(_trail, Variables()).AppendAsync("lock", "production", null, null, new Dictionary<string, string>(), [], "ok", CancellationToken.None);

            Assert.Equal(2, attempts);
            Assert.Equal(4, written.Sequence);
            Assert.Equal(chain[2].Hash, written.PreviousHash);
            Assert.Null(AuditChain.Verify([.. chain, written]));
        }

        [Fact]
        public async Task DoesNotRetryAnotherFailure()
        {
            _trail.AppendAsync(Arg.Any<AuditRecord>(), Arg.Any<CancellationToken>()).Throws(new SecretsPipelineException(Codes.StoreUnavailable, "down"));

            var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() =>
                new AuditLog(_trail, Variables()).AppendAsync("lock", "production", null, null, new Dictionary<string, string>(), [], "ok", CancellationToken.None));

            Assert.Equal(Codes.StoreUnavailable, ex.Code);
            await _trail.Received(1).AppendAsync(Arg.Any<AuditRecord>(), Arg.Any<CancellationToken>());
        }

        [Fact]
        public async Task RecordsTheGitHubActorAndRun()
        {
            var written = await new AuditLog(_trail, Variables(("GITHUB_ACTOR", "octocat"), ("GITHUB_RUN_ID", "42"), ("GITHUB_REPOSITORY", "acme/shop")))
                .AppendAsync("resolve", "production", null, null, new Dictionary<string, string>(), ["lease-1"], "ok", CancellationToken.None);

            Assert.Equal("github:octocat", written.Actor);
            Assert.Equal("github:acme/shop/actions/runs/42", written.CiRun);
            Assert.Equal(["lease-1"], written.Leases);
        }

        [Fact]
        public async Task RecordsTheAzureDevOpsRequesterAndBuild()
        {
            var written = await new AuditLog(_trail, Variables(("BUILD_REQUESTEDFOREMAIL", "dev@acme.example"), ("BUILD_BUILDID", "7"), ("SYSTEM_TEAMPROJECT", "shop")))
                .AppendAsync("resolve", "production", null, null, new Dictionary<string, string>(), [], "ok", CancellationToken.None);

            Assert.Equal("azure-devops:dev@acme.example", written.Actor);
            Assert.Equal("azure-devops:shop/builds/7", written.CiRun);
        }

        [Fact]
        public async Task FallsBackToTheOperatingSystemUserOutsideCi()
        {
            var written = await new AuditLog(_trail, Variables()).AppendAsync("lock", null, null, null, new Dictionary<string, string>(), [], "ok", CancellationToken.None);

            Assert.Equal($"user:{Environment.UserName}@{Environment.MachineName}", written.Actor);
            Assert.Null(written.CiRun);
        }
    }
}
