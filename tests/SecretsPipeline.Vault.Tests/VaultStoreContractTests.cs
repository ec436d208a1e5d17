using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Tests.Support;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

/// <summary>
/// What <see cref="VaultStore"/> promises as an <see cref="ISecretStore"/>, against the fake server and, when
/// <c>VAULT_ADDR</c> and <c>VAULT_TOKEN</c> are set, against a real Vault (skipped otherwise). Seeding goes through the
/// HTTP API only, so both backends see the same requests.
/// </summary>
public class VaultStoreContractTests
{
    private static async Task<VersionUnavailableException> RefusedAsync(VaultStore store, SecretRef secretRef, string version)
    {
        var ex = await Record.ExceptionAsync(() => store.ReadAsync(secretRef, version, Ct));
        return Assert.IsType<VersionUnavailableException>(ex);
    }

    private static async Task WriteAllAsync(VaultStore store, SecretRef secretRef, params string[] values)
    {
        foreach (var value in values)
        {
            await store.WriteAsync(secretRef, value, null, Ct);
        }
    }

    public class TheGetCurrentAsyncMethod
    {
        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReturnsTheNewestVersionWithItsCreatedTime(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db", "password");
            await using var writer = vault.NewStore();
            await writer.WriteAsync(secretRef, "one", null, Ct);
            var second = await writer.WriteAsync(secretRef, "two", null, Ct);

            await using var store = vault.NewStore();
            var current = await store.GetCurrentAsync(secretRef, Ct);

            Assert.NotNull(current);
            Assert.Equal("2", current.Version);
            Assert.Equal(VersionState.Active, current.State);
            Assert.Equal(second.Created, current.Created);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReturnsNullForASecretThatWasNeverWritten(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            await using var store = vault.NewStore();

            Assert.Null(await store.GetCurrentAsync(vault.Ref("never/written"), Ct));
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task SkipsARevokedNewestVersionAndReturnsTheNewestGoodOne(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/api");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two", "three");
            await store.RevokeVersionAsync(secretRef, "3", "leaked in a log", Ct);

            await using var fresh = vault.NewStore();
            var current = await fresh.GetCurrentAsync(secretRef, Ct);

            Assert.Equal("2", current?.Version);
            Assert.Equal(VersionState.Active, current?.State);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task SkipsADeletedNewestVersionAndReturnsTheNewestGoodOne(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/api");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two");
            await store.DeleteVersionAsync(secretRef, "2", Ct);

            await using var fresh = vault.NewStore();

            Assert.Equal("1", (await fresh.GetCurrentAsync(secretRef, Ct))?.Version);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task SkipsARevokedNewestVersionEvenAfterItWasUndeleted(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/api");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two");
            await store.RevokeVersionAsync(secretRef, "2", "compromised", Ct);
            await vault.UndeleteAsync(secretRef, 2);

            await using var fresh = vault.NewStore();

            Assert.Equal("1", (await fresh.GetCurrentAsync(secretRef, Ct))?.Version);
        }
    }

    public class TheReadAsyncMethod
    {
        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReadsExactlyThePinnedVersionNotTheNewest(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db", "password");
            await using var writer = vault.NewStore();
            await WriteAllAsync(writer, secretRef, "one", "two", "three");

            await using var store = vault.NewStore();
            var first = await store.ReadAsync(secretRef, "1", Ct);
            var second = await store.ReadAsync(secretRef, "2", Ct);

            Assert.Equal("one", first.Reveal());
            Assert.Equal("1", first.Version.Version);
            Assert.Equal("two", second.Reveal());
            Assert.Equal("2", second.Version.Version);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReturnsTheCreatedTimeOfThatVersionFromItsMetadata(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db", "password");
            await using var writer = vault.NewStore();
            await WriteAllAsync(writer, secretRef, "one");
            await Task.Delay(20, Ct);
            await WriteAllAsync(writer, secretRef, "two");
            var metadata = await vault.MetadataAsync(secretRef);

            await using var store = vault.NewStore();
            var value = await store.ReadAsync(secretRef, "1", Ct);

            Assert.Equal(metadata.Versions.Single(v => v.Version == 1).Created, value.Version.Created);
            Assert.NotEqual(metadata.Versions.Single(v => v.Version == 2).Created, value.Version.Created);
            Assert.Equal(VersionState.Active, value.Version.State);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesASoftDeletedVersionAsDeleted(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var writer = vault.NewStore();
            await WriteAllAsync(writer, secretRef, "one", "two");
            await writer.DeleteVersionAsync(secretRef, "1", Ct);

            await using var store = vault.NewStore();
            var ex = await RefusedAsync(store, secretRef, "1");

            Assert.Equal(VersionState.Deleted, ex.State);
            Assert.Same(Codes.VersionDeleted, ex.Code);
            Assert.Equal("two", (await store.ReadAsync(secretRef, "2", Ct)).Reveal());
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesADestroyedVersionAsDestroyed(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var writer = vault.NewStore();
            await WriteAllAsync(writer, secretRef, "one", "two");
            await vault.DestroyAsync(secretRef, 1);

            await using var store = vault.NewStore();
            var ex = await RefusedAsync(store, secretRef, "1");

            Assert.Equal(VersionState.Destroyed, ex.State);
            Assert.Same(Codes.VersionDestroyed, ex.Code);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesAVersionPrunedBeyondMaxVersionsAsMissing(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await vault.WriteKeyMetadataAsync(secretRef, new JsonObject { ["max_versions"] = 2 });
            await using var writer = vault.NewStore();
            await WriteAllAsync(writer, secretRef, "one", "two", "three");
            Assert.DoesNotContain((await vault.MetadataAsync(secretRef)).Versions, v => v.Version == 1);

            await using var store = vault.NewStore();
            var ex = await RefusedAsync(store, secretRef, "1");

            Assert.Equal(VersionState.Missing, ex.State);
            Assert.Same(Codes.VersionMissing, ex.Code);
            Assert.Equal("two", (await store.ReadAsync(secretRef, "2", Ct)).Reveal());
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesAVersionThatNeverExistedAsMissing(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var writer = vault.NewStore();
            await WriteAllAsync(writer, secretRef, "one");

            await using var store = vault.NewStore();

            Assert.Equal(VersionState.Missing, (await RefusedAsync(store, secretRef, "7")).State);
            Assert.Equal(VersionState.Missing, (await RefusedAsync(store, vault.Ref("no/such/path"), "1")).State);
            Assert.Equal(VersionState.Missing, (await RefusedAsync(store, secretRef, "latest")).State);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesAKeyThatTheVersionDoesNotHoldAsMissing(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var user = vault.Ref("app/db", "username");
            var password = user with { Key = "password" };
            await using var writer = vault.NewStore();
            await writer.WriteAsync(user, "app", null, Ct);
            await writer.WriteAsync(password, "s3cret", null, Ct);

            await using var store = vault.NewStore();
            var ex = await RefusedAsync(store, password, "1");

            Assert.Equal(VersionState.Missing, ex.State);
            Assert.Equal("s3cret", (await store.ReadAsync(password, "2", Ct)).Reveal());
        }
    }

    public class TheWriteAsyncMethod
    {
        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task KeepsTheOtherKeysOfThePathInTheNewVersion(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var user = vault.Ref("app/db", "username");
            var password = user with { Key = "password" };
            await using var store = vault.NewStore();
            await store.WriteAsync(user, "app", null, Ct);
            await store.WriteAsync(password, "first", null, Ct);

            var written = await store.WriteAsync(password, "second", null, Ct);

            Assert.Equal("3", written.Version);
            await using var reader = vault.NewStore();
            Assert.Equal("app", (await reader.ReadAsync(user, "3", Ct)).Reveal());
            Assert.Equal("second", (await reader.ReadAsync(password, "3", Ct)).Reveal());
            Assert.Equal("first", (await reader.ReadAsync(password, "2", Ct)).Reveal());
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task WritesWhenTheExpectedVersionIsStillTheNewest(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();

            var first = await store.WriteAsync(secretRef, "one", "0", Ct);
            var second = await store.WriteAsync(secretRef, "two", "1", Ct);

            Assert.Equal("1", first.Version);
            Assert.Equal("2", second.Version);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesAStaleExpectedVersionWithSpl3007AndWritesNothing(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two");

            var ex = await Record.ExceptionAsync(() => store.WriteAsync(secretRef, "lost update", "1", Ct));

            var failure = Assert.IsAssignableFrom<SecretsPipelineException>(ex);
            Assert.Same(Codes.CheckAndSetMismatch, failure.Code);
            Assert.DoesNotContain("lost update", failure.Message, StringComparison.Ordinal);
            Assert.Equal(2, (await vault.MetadataAsync(secretRef)).CurrentVersion);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesAServerSideCheckAndSetMismatchWithSpl3007AndWritesNothing(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one");

            // Another writer got in between our read (version 0) and our write: Vault's own check-and-set refuses it.
            var ex = await Record.ExceptionAsync(() => vault.Kv.WriteAsync(secretRef.Path, new Dictionary<string, string?> { ["value"] = "late" }, 0, Ct));

            Assert.Same(Codes.CheckAndSetMismatch, Assert.IsAssignableFrom<SecretsPipelineException>(ex).Code);
            var metadata = await vault.MetadataAsync(secretRef);
            Assert.Equal(1, metadata.CurrentVersion);
            Assert.Single(metadata.Versions);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task KeepsTheOtherKeysWhenTheNewestVersionWasRevoked(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var user = vault.Ref("app/db", "username");
            var password = user with { Key = "password" };
            await using var store = vault.NewStore();
            await store.WriteAsync(user, "app", null, Ct);
            await store.WriteAsync(password, "leaked", null, Ct);
            await store.RevokeVersionAsync(password, "2", "leaked", Ct);

            // The rotation after a revoke: store a new password.
            var written = await store.WriteAsync(password, "rotated", null, Ct);

            await using var reader = vault.NewStore();
            Assert.Equal("3", written.Version);
            Assert.Equal("rotated", (await reader.ReadAsync(password, "3", Ct)).Reveal());
            Assert.Equal("app", (await reader.ReadAsync(user, "3", Ct)).Reveal());
        }
    }

    public class TheRevokeVersionAsyncMethod
    {
        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task SoftDeletesTheVersionAndMarksItInTheKeysCustomMetadata(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two");

            await store.RevokeVersionAsync(secretRef, "1", "pasted in chat", Ct);

            var metadata = await vault.MetadataAsync(secretRef);
            Assert.NotNull(metadata.Versions.Single(v => v.Version == 1).DeletionTime);
            Assert.Null(metadata.Versions.Single(v => v.Version == 2).DeletionTime);
            Assert.Contains("pasted in chat", metadata.CustomMetadata[VaultStore.RevokedPrefix + "1"], StringComparison.Ordinal);
            await using var reader = vault.NewStore();
            var ex = await RefusedAsync(reader, secretRef, "1");
            Assert.Equal(VersionState.Revoked, ex.State);
            Assert.Same(Codes.VersionRevoked, ex.Code);
            Assert.Equal(VersionState.Revoked, (await reader.ListVersionsAsync(secretRef, Ct)).Single(v => v.Version == "1").State);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task KeepsTheVersionRevokedAfterAnUndelete(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two");
            await store.RevokeVersionAsync(secretRef, "1", "compromised", Ct);

            await vault.UndeleteAsync(secretRef, 1);

            Assert.Null((await vault.MetadataAsync(secretRef)).Versions.Single(v => v.Version == 1).DeletionTime);
            await using var reader = vault.NewStore();
            Assert.Equal(VersionState.Revoked, (await RefusedAsync(reader, secretRef, "1")).State);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task KeepsTheKeysOtherCustomMetadata(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two");
            await vault.Kv.WriteCustomMetadataAsync(secretRef.Path, new Dictionary<string, string> { ["owner"] = "team-payments" }, Ct);

            await store.RevokeVersionAsync(secretRef, "1", "compromised", Ct);

            var custom = (await vault.MetadataAsync(secretRef)).CustomMetadata;
            Assert.Equal("team-payments", custom["owner"]);
            Assert.True(custom.ContainsKey(VaultStore.RevokedPrefix + "1"));
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task RefusesAVersionThatDoesNotExistAsMissing(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one");

            var ex = await Record.ExceptionAsync(() => store.RevokeVersionAsync(secretRef, "5", "typo", Ct));

            Assert.Equal(VersionState.Missing, Assert.IsType<VersionUnavailableException>(ex).State);
            Assert.Empty((await vault.MetadataAsync(secretRef)).CustomMetadata);
        }
    }

    public class TheOutlookAsyncMethod
    {
        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReportsVersionsBehindAndTheDefaultMaxVersionsOfTen(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two", "three", "four");

            var outlook = await store.OutlookAsync(secretRef, "1", Ct);

            Assert.Equal(3, outlook.VersionsBehind);
            Assert.Equal(10, outlook.MaxVersions);
            Assert.Equal(7, outlook.WritesUntilPruned);
            Assert.Null(outlook.DeletionTime);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReportsTheKeysMaxVersionsWhenItIsAboveTheMounts(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await vault.WriteKeyMetadataAsync(secretRef, new JsonObject { ["max_versions"] = 4 });
            await using var store = vault.NewStore();
            await WriteAllAsync(store, secretRef, "one", "two", "three", "four");

            var outlook = await store.OutlookAsync(secretRef, "1", Ct);

            Assert.Equal(4, outlook.MaxVersions);
            Assert.Equal(1, outlook.WritesUntilPruned);
            Assert.Contains("will prune it at the next write", RetentionWarnings.For("DB", "prod", "1", outlook, DateTimeOffset.UtcNow).Single(), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(Backend.Fake)]
        [InlineData(Backend.Real)]
        public async Task ReportsTheFutureDeletionTimeSetByDeleteVersionAfter(Backend backend)
        {
            await using var vault = await ContractVault.OpenAsync(backend);
            var secretRef = vault.Ref("app/db");
            await vault.WriteKeyMetadataAsync(secretRef, new JsonObject { ["delete_version_after"] = "1h" });
            await using var store = vault.NewStore();
            var written = await store.WriteAsync(secretRef, "one", null, Ct);

            var outlook = await store.OutlookAsync(secretRef, "1", Ct);

            Assert.NotNull(outlook.DeletionTime);
            Assert.InRange(outlook.DeletionTime.Value - written.Created, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
            Assert.Equal(0, outlook.VersionsBehind);

            // Not deleted yet: the version still reads.
            await using var reader = vault.NewStore();
            Assert.Equal("one", (await reader.ReadAsync(secretRef, "1", Ct)).Reveal());
        }
    }
}
