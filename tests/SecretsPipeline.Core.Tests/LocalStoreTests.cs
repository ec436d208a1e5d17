using System.Text;
using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Stores.Local;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

public class LocalStoreTests
{
    private static readonly SecretRef _ref = new("secret", "app/db", "password");
    private static readonly SecretRef _otherRef = new("secret", "app/db", "username");

    /// <summary>A store database and home folder in a temp directory; <see cref="Open"/> gives a new store on the same file.</summary>
    private sealed class Fixture : IDisposable
    {
        private readonly TempDirectory _directory = new("spl-tests-");

        public Fixture()
        {
            Home = NewHome("home");
            DatabasePath = _directory.Combine("repo", ".secrets-pipeline", "store.db");
        }

        public SecretsPipelineHome Home { get; }

        public string DatabasePath { get; }

        public string Directory => Path.GetDirectoryName(DatabasePath)!;

        public SecretsPipelineHome NewHome(string name, bool withKey = true)
        {
            var home = new SecretsPipelineHome(_directory.Combine(name));
            if (withKey)
            {
                Assert.True(LocalStoreKey.Ensure(home));
            }

            return home;
        }

        public LocalStore Open(SecretsPipelineHome? home = null) => new(DatabasePath, ".secrets-pipeline/store.db", home ?? Home);

        public void Sql(string sql, params (string Name, object Value)[] parameters)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            Assert.Equal(1, command.ExecuteNonQuery());
        }

        public byte[] Blob(string column, SecretRef secretRef, long version)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {column} FROM versions WHERE ref = $ref AND version = $version";
            command.Parameters.AddWithValue("$ref", secretRef.ToString());
            command.Parameters.AddWithValue("$version", version);
            return (byte[])command.ExecuteScalar()!;
        }

        public void Dispose() => _directory.Dispose();
    }

    private static async Task<SecretsPipelineException> FailsAsync(Func<Task> action) =>
        Assert.IsType<SecretsPipelineException>(await Record.ExceptionAsync(action), exactMatch: false);

    public class TheWriteAsyncMethod
    {
        [Fact]
        public async Task NumbersVersionsFromOnePerReference()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();

            var versions = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                versions.Add((await store.WriteAsync(_ref, $"value {i}", null, CancellationToken.None)).Version);
            }

            var other = await store.WriteAsync(_otherRef, "user", null, CancellationToken.None);

            Assert.Equal(["1", "2", "3"], versions);
            Assert.Equal("1", other.Version);
            Assert.Equal("3", (await store.GetCurrentAsync(_ref, CancellationToken.None))?.Version);
            Assert.Equal(["1", "2", "3"], (await store.ListVersionsAsync(_ref, CancellationToken.None)).Select(v => v.Version));
            Assert.All(await store.ListVersionsAsync(_ref, CancellationToken.None), v => Assert.Equal(VersionState.Active, v.State));
        }

        [Fact]
        public async Task ReportsTheCreationTimeItStores()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();

            var written = await store.WriteAsync(_ref, "v", null, CancellationToken.None);
            var read = await store.ReadAsync(_ref, written.Version, CancellationToken.None);

            Assert.Equal(written.Created, read.Version.Created);
            Assert.InRange(written.Created, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        }

        [Fact]
        public async Task RefusesACheckAndSetMismatchWithSpl3007AndWritesNothing()
        {
            using var fixture = new Fixture();
            await using (var store = fixture.Open())
            {
                await store.WriteAsync(_ref, "first", null, CancellationToken.None);

                var ex = await FailsAsync(() => store.WriteAsync(_ref, "second", "0", CancellationToken.None));
                var stale = await FailsAsync(() => store.WriteAsync(_ref, "third", "2", CancellationToken.None));

                Assert.Same(Codes.CheckAndSetMismatch, ex.Code);
                Assert.Same(Codes.CheckAndSetMismatch, stale.Code);
                Assert.DoesNotContain("second", ex.Message, StringComparison.Ordinal);
            }

            await using var reopened = fixture.Open();
            var version = Assert.Single(await reopened.ListVersionsAsync(_ref, CancellationToken.None));
            Assert.Equal("1", version.Version);
            Assert.Equal("first", (await reopened.ReadAsync(_ref, "1", CancellationToken.None)).Reveal());
        }

        [Fact]
        public async Task WritesWhenTheCheckAndSetMatches()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();

            Assert.Equal("1", (await store.WriteAsync(_ref, "a", "0", CancellationToken.None)).Version);
            Assert.Equal("2", (await store.WriteAsync(_ref, "b", "1", CancellationToken.None)).Version);
        }

        [Fact]
        public async Task NeverStoresThePlaintext()
        {
            using var fixture = new Fixture();
            const string Value = "plaintext-canary-7f3a9c-correct-horse-battery-staple";
            await using (var store = fixture.Open())
            {
                await store.WriteAsync(_ref, Value, null, CancellationToken.None);
                await store.WriteAsync(_otherRef, Value, null, CancellationToken.None);
                Assert.Equal(Value, (await store.ReadAsync(_ref, "1", CancellationToken.None)).Reveal());
                AssertNoFileContains(fixture.Directory, Value);
            }

            AssertNoFileContains(fixture.Directory, Value);
            AssertNoFileContains(fixture.Home.Path, Value);
        }

        private static void AssertNoFileContains(string directory, string value)
        {
            var needles = new[] { Encoding.UTF8.GetBytes(value), Encoding.Unicode.GetBytes(value), Encoding.UTF8.GetBytes(value[..16]) };
            var files = System.IO.Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                byte[] bytes;
                using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                using (var memory = new MemoryStream())
                {
                    stream.CopyTo(memory);
                    bytes = memory.ToArray();
                }

                foreach (var needle in needles)
                {
                    Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} contains the plaintext");
                }
            }
        }
    }

    public class TheReadAsyncMethod
    {
        [Theory]
        [InlineData("s3cr3t")]
        [InlineData("")]
        [InlineData("line one\nline two\r\n")]
        [InlineData("ünïcødé ✓ 🔑")]
        [InlineData("quote ' \" $HOME `id` \\")]
        [InlineData("nul \0 inside")]
        public async Task ReturnsExactlyTheValueWritten(string value)
        {
            using var fixture = new Fixture();
            await using (var writer = fixture.Open())
            {
                await writer.WriteAsync(_ref, "older", null, CancellationToken.None);
                await writer.WriteAsync(_ref, value, null, CancellationToken.None);
                await writer.WriteAsync(_ref, "newer", null, CancellationToken.None);
            }

            await using var store = fixture.Open();

            var read = await store.ReadAsync(_ref, "2", CancellationToken.None);
            Assert.Equal(value, read.Reveal());
            Assert.Equal("2", read.Version.Version);
            Assert.Equal("older", (await store.ReadAsync(_ref, "1", CancellationToken.None)).Reveal());
            Assert.DoesNotContain(value.Length > 0 ? value : "\u0001", read.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesARevokedVersionWithStateRevoked()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "leaked", null, CancellationToken.None);
            await store.RevokeVersionAsync(_ref, "1", "posted in chat", CancellationToken.None);

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.ReadAsync(_ref, "1", CancellationToken.None));

            Assert.Equal(VersionState.Revoked, ex.State);
            Assert.Equal("1", ex.Version);
            Assert.Same(Codes.VersionRevoked, ex.Code);
            Assert.DoesNotContain("leaked", ex.Message, StringComparison.Ordinal);
            var info = Assert.Single(await store.ListVersionsAsync(_ref, CancellationToken.None));
            Assert.Equal((VersionState.Revoked, "posted in chat"), (info.State, info.RevokeReason));
        }

        [Fact]
        public async Task RefusesADeletedVersionWithStateDeleted()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);
            await store.DeleteVersionAsync(_ref, "1", CancellationToken.None);

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.ReadAsync(_ref, "1", CancellationToken.None));

            Assert.Equal(VersionState.Deleted, ex.State);
            Assert.Same(Codes.VersionDeleted, ex.Code);
        }

        [Fact]
        public async Task RefusesADestroyedVersionWithStateDestroyed()
        {
            using var fixture = new Fixture();
            await using (var writer = fixture.Open())
            {
                await writer.WriteAsync(_ref, "v1", null, CancellationToken.None);
            }

            fixture.Sql("UPDATE versions SET destroyed = 1 WHERE version = 1");
            await using var store = fixture.Open();

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.ReadAsync(_ref, "1", CancellationToken.None));

            Assert.Equal(VersionState.Destroyed, ex.State);
            Assert.Same(Codes.VersionDestroyed, ex.Code);
        }

        [Theory]
        [InlineData("2")]
        [InlineData("0")]
        [InlineData("-1")]
        [InlineData("latest")]
        [InlineData("")]
        public async Task RefusesAMissingVersionWithStateMissing(string version)
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.ReadAsync(_ref, version, CancellationToken.None));

            Assert.Equal(VersionState.Missing, ex.State);
            Assert.Same(Codes.VersionMissing, ex.Code);
        }

        [Fact]
        public async Task RefusesAVersionOfAnotherReference()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.ReadAsync(_otherRef, "1", CancellationToken.None));

            Assert.Equal(VersionState.Missing, ex.State);
        }

        [Fact]
        public async Task RefusesAnyVersionWhenTheDatabaseDoesNotExist()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.ReadAsync(_ref, "1", CancellationToken.None));

            Assert.Equal(VersionState.Missing, ex.State);
            Assert.False(File.Exists(fixture.DatabasePath));
        }

        [Fact]
        public async Task RefusesADatabaseWrittenWithAnotherKeyWithSpl3008()
        {
            using var fixture = new Fixture();
            await using (var writer = fixture.Open())
            {
                await writer.WriteAsync(_ref, "v1", null, CancellationToken.None);
            }

            await using var store = fixture.Open(fixture.NewHome("other-home"));

            var ex = await FailsAsync(() => store.ReadAsync(_ref, "1", CancellationToken.None));

            Assert.Same(Codes.StoreKeyMissing, ex.Code);
            Assert.Equal(2, ex.ExitCode);
        }

        [Fact]
        public async Task RefusesAHomeWithoutAKeyWithSpl3008()
        {
            using var fixture = new Fixture();
            await using (var writer = fixture.Open())
            {
                await writer.WriteAsync(_ref, "v1", null, CancellationToken.None);
            }

            await using var store = fixture.Open(fixture.NewHome("empty-home", withKey: false));

            Assert.Same(Codes.StoreKeyMissing, (await FailsAsync(() => store.ReadAsync(_ref, "1", CancellationToken.None))).Code);
            Assert.Same(Codes.StoreKeyMissing, (await FailsAsync(() => store.GetCurrentAsync(_ref, CancellationToken.None))).Code);
        }

        [Theory]
        [InlineData("ciphertext", 0)]
        [InlineData("ciphertext", -1)]
        [InlineData("tag", 0)]
        [InlineData("nonce", 3)]
        public async Task RefusesAFlippedByteWithSpl3009(string column, int index)
        {
            using var fixture = new Fixture();
            const string Value = "a value long enough to flip";
            await using (var writer = fixture.Open())
            {
                await writer.WriteAsync(_ref, Value, null, CancellationToken.None);
            }

            var blob = fixture.Blob(column, _ref, 1);
            blob[index < 0 ? blob.Length + index : index] ^= 0x01;
            fixture.Sql($"UPDATE versions SET {column} = $blob WHERE version = 1", ("$blob", blob));
            await using var store = fixture.Open();

            var ex = await FailsAsync(() => store.ReadAsync(_ref, "1", CancellationToken.None));

            Assert.Same(Codes.StoreCorrupt, ex.Code);
            Assert.DoesNotContain(Value, ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesACiphertextMovedToAnotherRowWithSpl3009()
        {
            using var fixture = new Fixture();
            await using (var writer = fixture.Open())
            {
                await writer.WriteAsync(_ref, "old", null, CancellationToken.None);
                await writer.WriteAsync(_ref, "new", null, CancellationToken.None);
                await writer.WriteAsync(_otherRef, "user", null, CancellationToken.None);
            }

            // Copy version 1's sealed value over version 2 (a rollback), and another ref's over version 1.
            fixture.Sql(
                "UPDATE versions SET nonce = $n, ciphertext = $c, tag = $t WHERE version = 2",
                ("$n", fixture.Blob("nonce", _ref, 1)), ("$c", fixture.Blob("ciphertext", _ref, 1)), ("$t", fixture.Blob("tag", _ref, 1)));
            fixture.Sql(
                "UPDATE versions SET nonce = $n, ciphertext = $c, tag = $t WHERE ref = $r AND version = 1",
                ("$n", fixture.Blob("nonce", _otherRef, 1)), ("$c", fixture.Blob("ciphertext", _otherRef, 1)), ("$t", fixture.Blob("tag", _otherRef, 1)), ("$r", _ref.ToString()));
            await using var store = fixture.Open();

            Assert.Same(Codes.StoreCorrupt, (await FailsAsync(() => store.ReadAsync(_ref, "2", CancellationToken.None))).Code);
            Assert.Same(Codes.StoreCorrupt, (await FailsAsync(() => store.ReadAsync(_ref, "1", CancellationToken.None))).Code);
        }
    }

    public class TheGetCurrentAsyncMethod
    {
        [Fact]
        public async Task SkipsRevokedAndDeletedVersions()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);
            await store.WriteAsync(_ref, "v2", null, CancellationToken.None);
            await store.WriteAsync(_ref, "v3", null, CancellationToken.None);

            await store.RevokeVersionAsync(_ref, "3", "leaked", CancellationToken.None);
            Assert.Equal("2", (await store.GetCurrentAsync(_ref, CancellationToken.None))?.Version);

            await store.DeleteVersionAsync(_ref, "2", CancellationToken.None);
            Assert.Equal("1", (await store.GetCurrentAsync(_ref, CancellationToken.None))?.Version);

            await store.RevokeVersionAsync(_ref, "1", "leaked", CancellationToken.None);
            Assert.Null(await store.GetCurrentAsync(_ref, CancellationToken.None));
        }

        [Fact]
        public async Task ReturnsNullForAnUnknownReference()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);

            Assert.Null(await store.GetCurrentAsync(_otherRef, CancellationToken.None));
        }

        [Fact]
        public async Task KeepsNumberingAfterTheNewestVersionIsRevoked()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);
            await store.WriteAsync(_ref, "v2", null, CancellationToken.None);
            await store.RevokeVersionAsync(_ref, "2", "leaked", CancellationToken.None);

            var next = await store.WriteAsync(_ref, "v3", null, CancellationToken.None);

            Assert.Equal("3", next.Version);
            Assert.Equal("3", (await store.GetCurrentAsync(_ref, CancellationToken.None))?.Version);
        }
    }

    public class TheRevokeVersionAsyncMethod
    {
        [Fact]
        public async Task RefusesAMissingVersion()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);

            var ex = await Assert.ThrowsAsync<VersionUnavailableException>(() => store.RevokeVersionAsync(_ref, "5", "x", CancellationToken.None));

            Assert.Equal(VersionState.Missing, ex.State);
        }

        [Fact]
        public async Task KeepsTheFirstReason()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await store.WriteAsync(_ref, "v1", null, CancellationToken.None);

            await store.RevokeVersionAsync(_ref, "1", "first", CancellationToken.None);
            await store.RevokeVersionAsync(_ref, "1", "second", CancellationToken.None);

            Assert.Equal("first", Assert.Single(await store.ListVersionsAsync(_ref, CancellationToken.None)).RevokeReason);
        }
    }

    public class TheFingerprintAsyncMethod
    {
        [Fact]
        public async Task IsKeyedAndDoesNotContainTheValue()
        {
            using var fixture = new Fixture();
            await using var store = fixture.Open();
            await using var otherStore = fixture.Open(fixture.NewHome("other-home"));
            var value = new SecretValue("hunter2", new SecretVersionInfo("1", DateTimeOffset.UnixEpoch));

            var fingerprint = await store.FingerprintAsync(_ref, value, CancellationToken.None);

            Assert.NotNull(fingerprint);
            Assert.StartsWith("hmac-sha256:", fingerprint, StringComparison.Ordinal);
            Assert.Equal(fingerprint, await store.FingerprintAsync(_ref, value, CancellationToken.None));
            Assert.NotEqual(fingerprint, await otherStore.FingerprintAsync(_ref, value, CancellationToken.None));
            Assert.NotEqual(fingerprint, await store.FingerprintAsync(_ref, new SecretValue("hunter3", value.Version), CancellationToken.None));
            Assert.DoesNotContain("hunter2", fingerprint, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("hunter2"))), fingerprint, StringComparison.Ordinal);
        }
    }
}
