using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Stores.Local;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

/// <summary>
/// A store database, its home folder and a manual clock in a temp directory, shared by the lease, ledger and audit
/// tests of the embedded store; <see cref="Open"/> gives a new store (a separate connection) on the same file.
/// </summary>
internal sealed class LocalStoreScratch : IDisposable
{
    private readonly TempDirectory _directory = new("spl-tests-");

    public LocalStoreScratch()
    {
        Home = new SecretsPipelineHome(_directory.Combine("home"));
        Assert.True(LocalStoreKey.Ensure(Home));
        DatabasePath = _directory.Combine("repo", ".secrets-pipeline", "store.db");
    }

    public SecretsPipelineHome Home { get; }

    public string DatabasePath { get; }

    public string Directory => Path.GetDirectoryName(DatabasePath)!;

    public ManualClock Clock { get; } = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public LocalStore Open() => new(DatabasePath, ".secrets-pipeline/store.db", Home, Clock);

    /// <summary>Runs SQL on a connection of its own, as someone editing the database by hand would.</summary>
    public int Sql(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    public static async Task<SecretsPipelineException> FailsAsync(Func<Task> action) =>
        Assert.IsType<SecretsPipelineException>(await Record.ExceptionAsync(action), exactMatch: false);

    public void Dispose() => _directory.Dispose();

    public sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

public class LocalStoreLeaseTests
{
    private const string Role = "database/creds/app";
    private static readonly LeaseTerms _defaults = new(null, null);

    public class TheIssueLeaseAsyncMethod
    {
        [Fact]
        public async Task ReturnsGeneratedCredentialsAndALeaseIdUnderTheRole()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            var lease = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);

            Assert.Matches(new Regex("^database/creds/app/[0-9a-f]{32}$"), lease.LeaseId);
            Assert.Equal(Role, lease.Role);
            Assert.True(lease.Renewable);
            Assert.Equal(["password", "username"], lease.Credentials.Keys.Order(StringComparer.Ordinal));
            Assert.Matches(new Regex("^v-app-[a-z0-9]{8}$"), lease.Credentials["username"]);
            Assert.Matches(new Regex("^[A-Za-z0-9]{32}$"), lease.Credentials["password"]);
            Assert.Equal(scratch.Clock.Now.AddHours(1), lease.Expires);
        }

        [Fact]
        public async Task IssuesDifferentCredentialsEveryTime()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            var first = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);
            var second = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);

            Assert.NotEqual(first.LeaseId, second.LeaseId);
            Assert.NotEqual(first.Credentials["username"], second.Credentials["username"]);
            Assert.NotEqual(first.Credentials["password"], second.Credentials["password"]);
            Assert.Equal(2, (await store.ListLeasesAsync(CancellationToken.None)).Count(l => l.Active));
        }

        [Theory]
        [InlineData(null, null, 60, 24 * 60)]
        [InlineData(30, null, 30, 24 * 60)]
        [InlineData(48 * 60, null, 48 * 60, 48 * 60)]
        [InlineData(10, 20, 10, 20)]
        [InlineData(90, 60, 60, 60)]
        public async Task AppliesTheTermsAndTheirDefaults(int? ttlMinutes, int? maxMinutes, int expectedTtl, int expectedMax)
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var start = scratch.Clock.Now;

            var lease = await store.IssueLeaseAsync(Role, new LeaseTerms(Minutes(ttlMinutes), Minutes(maxMinutes)), CancellationToken.None);

            var stored = Assert.Single(await store.ListLeasesAsync(CancellationToken.None));
            Assert.Equal(start.AddMinutes(expectedTtl), lease.Expires);
            Assert.Equal(new LocalLeaseInfo(lease.LeaseId, Role, start, start.AddMinutes(expectedTtl), start.AddMinutes(expectedMax), null, true), stored);
        }

        [Fact]
        public async Task CreatesTheDatabaseWhenItDoesNotExistYet()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            Assert.False(File.Exists(scratch.DatabasePath));

            await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);

            Assert.True(File.Exists(scratch.DatabasePath));
        }

        [Fact]
        public async Task AddsTheLeaseTableToADatabaseFromAnOlderVersion()
        {
            using var scratch = new LocalStoreScratch();
            await using (var older = scratch.Open())
            {
                await older.WriteAsync(new SecretRef("secret", "app/db", "password"), "v", null, CancellationToken.None);
            }

            scratch.Sql("DROP TABLE leases; DROP TABLE deployments; DROP TABLE audit;");
            await using var store = scratch.Open();
            var lease = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);

            Assert.Equal(lease.LeaseId, Assert.Single(await store.ListLeasesAsync(CancellationToken.None)).LeaseId);
            Assert.Equal("v", (await store.ReadAsync(new SecretRef("secret", "app/db", "password"), "1", CancellationToken.None)).Reveal());
        }

        [Theory]
        [InlineData("")]
        [InlineData("database/creds/")]
        [InlineData("/database/creds/app")]
        [InlineData("database/creds/my app")]
        public async Task RefusesARoleItCannotNameAUserAfter(string role)
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            var ex = await LocalStoreScratch.FailsAsync(() => store.IssueLeaseAsync(role, _defaults, CancellationToken.None));

            Assert.Same(Codes.StoreBadRef, ex.Code);
            Assert.False(File.Exists(scratch.DatabasePath));
        }

        [Fact]
        public async Task RefusesANonPositiveTtl()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            var ex = await LocalStoreScratch.FailsAsync(() => store.IssueLeaseAsync(Role, new LeaseTerms(TimeSpan.Zero, null), CancellationToken.None));

            Assert.Same(Codes.ManifestBadDuration, ex.Code);
        }

        [Fact]
        public async Task NeverStoresTheCredentials()
        {
            using var scratch = new LocalStoreScratch();
            var credentials = new List<string>();
            var leaseId = string.Empty;
            await using (var store = scratch.Open())
            {
                for (var i = 0; i < 20; i++)
                {
                    var lease = await store.IssueLeaseAsync($"database/creds/role{i % 3}", _defaults, CancellationToken.None);
                    credentials.Add(lease.Credentials["password"]);
                    credentials.Add(lease.Credentials["username"]);
                    leaseId = lease.LeaseId;
                    await store.RenewLeaseAsync(lease.LeaseId, null, CancellationToken.None);
                }

                // While the store is open the rows sit in the write-ahead log, not yet in store.db; finding the lease
                // id there proves the scan reads what was written.
                Assert.True(File.Exists(scratch.DatabasePath + "-wal"));
                Assert.Contains(System.IO.Directory.GetFiles(scratch.Directory), f => ReadShared(f).AsSpan().IndexOf(Encoding.UTF8.GetBytes(leaseId)) >= 0);
                AssertNoFileContains(scratch.Directory, credentials);
            }

            AssertNoFileContains(scratch.Directory, credentials);
            AssertNoFileContains(scratch.Home.Path, credentials);
        }

        /// <summary>Reads a file SQLite still has open.</summary>
        private static byte[] ReadShared(string file)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }

        private static TimeSpan? Minutes(int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

        private static void AssertNoFileContains(string directory, IEnumerable<string> values)
        {
            var files = System.IO.Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                var bytes = ReadShared(file);
                foreach (var value in values)
                {
                    Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) < 0, $"{file} contains a generated credential");
                    Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value)) < 0, $"{file} contains a generated credential (UTF-16)");
                }
            }
        }
    }

    public class TheRenewLeaseAsyncMethod
    {
        [Fact]
        public async Task ExtendsByTheOriginalTtlFromNow()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var lease = await store.IssueLeaseAsync(Role, new LeaseTerms(TimeSpan.FromHours(1), TimeSpan.FromHours(3)), CancellationToken.None);

            scratch.Clock.Now += TimeSpan.FromMinutes(40);
            var renewed = await store.RenewLeaseAsync(lease.LeaseId, null, CancellationToken.None);

            Assert.Equal(scratch.Clock.Now.AddHours(1), renewed.Expires);
            Assert.Equal(lease.LeaseId, renewed.LeaseId);
            Assert.Equal(Role, renewed.Role);
            Assert.Empty(renewed.Credentials);
            Assert.Equal(renewed.Expires, Assert.Single(await store.ListLeasesAsync(CancellationToken.None)).Expires);
        }

        [Fact]
        public async Task ExtendsByTheIncrementButNeverPastTheMaxTtl()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var issued = scratch.Clock.Now;
            var lease = await store.IssueLeaseAsync(Role, new LeaseTerms(TimeSpan.FromHours(1), TimeSpan.FromHours(3)), CancellationToken.None);

            scratch.Clock.Now += TimeSpan.FromMinutes(30);
            var longer = await store.RenewLeaseAsync(lease.LeaseId, TimeSpan.FromHours(2), CancellationToken.None);
            scratch.Clock.Now += TimeSpan.FromMinutes(30);
            var capped = await store.RenewLeaseAsync(lease.LeaseId, TimeSpan.FromHours(10), CancellationToken.None);

            Assert.Equal(issued.AddMinutes(150), longer.Expires);
            Assert.Equal(issued.AddHours(3), capped.Expires);
        }

        [Fact]
        public async Task RefusesAnExpiredLease()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var lease = await store.IssueLeaseAsync(Role, new LeaseTerms(TimeSpan.FromHours(1), TimeSpan.FromHours(3)), CancellationToken.None);

            scratch.Clock.Now += TimeSpan.FromHours(1);
            var ex = await LocalStoreScratch.FailsAsync(() => store.RenewLeaseAsync(lease.LeaseId, null, CancellationToken.None));

            Assert.Same(Codes.LeaseInvalid, ex.Code);
            Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
            Assert.False(Assert.Single(await store.ListLeasesAsync(CancellationToken.None)).Active);
        }

        [Fact]
        public async Task RefusesARevokedLease()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var lease = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);
            await store.RevokeLeaseAsync(lease.LeaseId, CancellationToken.None);

            var ex = await LocalStoreScratch.FailsAsync(() => store.RenewLeaseAsync(lease.LeaseId, null, CancellationToken.None));

            Assert.Same(Codes.LeaseInvalid, ex.Code);
            Assert.Contains("revoked", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesAnUnknownLeaseWithOrWithoutADatabase()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            var noDatabase = await LocalStoreScratch.FailsAsync(() => store.RenewLeaseAsync("database/creds/app/nope", null, CancellationToken.None));
            await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);
            var unknown = await LocalStoreScratch.FailsAsync(() => store.RenewLeaseAsync("database/creds/app/nope", null, CancellationToken.None));

            Assert.Same(Codes.LeaseInvalid, noDatabase.Code);
            Assert.Same(Codes.LeaseInvalid, unknown.Code);
        }

        [Fact]
        public async Task RenewsALeaseIssuedByAnotherProcess()
        {
            using var scratch = new LocalStoreScratch();
            Lease lease;
            await using (var first = scratch.Open())
            {
                lease = await first.IssueLeaseAsync(Role, _defaults, CancellationToken.None);
            }

            await using var second = scratch.Open();
            scratch.Clock.Now += TimeSpan.FromMinutes(10);
            var renewed = await second.RenewLeaseAsync(lease.LeaseId, null, CancellationToken.None);

            Assert.Equal(scratch.Clock.Now.AddHours(1), renewed.Expires);
        }

        [Fact]
        public async Task RefusesANonPositiveIncrement()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var lease = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);

            var ex = await LocalStoreScratch.FailsAsync(() => store.RenewLeaseAsync(lease.LeaseId, TimeSpan.Zero, CancellationToken.None));

            Assert.Same(Codes.Usage, ex.Code);
        }
    }

    public class TheRevokeLeaseAsyncMethod
    {
        [Fact]
        public async Task LeavesNoActiveLeaseAndCanBeRepeated()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();
            var kept = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);
            var revoked = await store.IssueLeaseAsync(Role, _defaults, CancellationToken.None);

            await store.RevokeLeaseAsync(revoked.LeaseId, CancellationToken.None);
            scratch.Clock.Now += TimeSpan.FromMinutes(1);
            await store.RevokeLeaseAsync(revoked.LeaseId, CancellationToken.None);

            var leases = await store.ListLeasesAsync(CancellationToken.None);
            Assert.Equal([kept.LeaseId], leases.Where(l => l.Active).Select(l => l.LeaseId));
            var gone = Assert.Single(leases, l => l.LeaseId == revoked.LeaseId);
            Assert.Equal(scratch.Clock.Now.AddMinutes(-1), gone.RevokedAt);
        }

        [Fact]
        public async Task SucceedsForAnUnknownLeaseWithoutCreatingTheDatabase()
        {
            using var scratch = new LocalStoreScratch();
            await using var store = scratch.Open();

            await store.RevokeLeaseAsync("database/creds/app/nope", CancellationToken.None);

            Assert.False(File.Exists(scratch.DatabasePath));
            Assert.Empty(await store.ListLeasesAsync(CancellationToken.None));
        }
    }
}
