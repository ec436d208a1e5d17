using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.TestServer;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

/// <summary><see cref="VaultStore"/> behaviour that only the fake server can show: the requests it sends and their timing.</summary>
public class VaultStoreTests
{
    public class TheReadAsyncMethod
    {
        [Fact]
        public async Task AsksForExactlyThePinnedVersion()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "one" });
            vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "two" });
            await using var store = vault.Store();

            await store.ReadAsync(new SecretRef("secret", "app", "password"), "1", Ct);

            var request = Assert.Single(vault.Server.Requests.Snapshot());
            Assert.Equal("GET", request.Method);
            Assert.Equal("/v1/secret/data/app?version=1", request.PathAndQuery);
        }

        [Fact]
        public async Task SendsOneRequestPerDistinctPathAndVersionHoweverManySecretsShareIt()
        {
            await using var vault = await FakeVault.StartAsync(new FakeVaultOptions { Latency = TimeSpan.FromMilliseconds(20) });
            var refs = new List<SecretRef>();
            for (var path = 0; path < 5; path++)
            {
                var data = Enumerable.Range(0, 10).ToDictionary(key => $"key{key}", key => $"p{path}k{key}");
                vault.Kv.Write($"shared/{path}", data);
                refs.AddRange(data.Keys.Select(key => new SecretRef("secret", $"shared/{path}", key)));
            }

            await using var store = vault.Store();

            var values = await Task.WhenAll(refs.Select(r => store.ReadAsync(r, "1", Ct)));

            Assert.Equal(50, values.Length);
            Assert.Equal(refs.Select(r => $"p{r.Path[^1]}k{r.Key[3..]}"), values.Select(v => v.Reveal()));
            var reads = vault.Requests("/v1/secret/data/");
            Assert.Equal(5, reads.Count);
            Assert.Equal(5, reads.Select(r => r.PathAndQuery).Distinct().Count());
        }

        [Fact]
        public async Task OverlapsReadsOfDistinctPathsUpToTheParallelism()
        {
            var latency = TimeSpan.FromMilliseconds(50);
            await using var vault = await FakeVault.StartAsync(new FakeVaultOptions { Latency = latency });
            var refs = Seed(vault, 20);
            await using var store = vault.Store(options: vault.Options with { Parallelism = 20 });

            await Task.WhenAll(refs.Select(r => store.ReadAsync(r, "1", Ct)));

            Assert.True(MostInFlight(vault, latency) >= 10, $"at most {MostInFlight(vault, latency)} of 20 reads were in flight together");
        }

        [Fact]
        public async Task KeepsReadsOneAtATimeWithAParallelismOfOne()
        {
            var latency = TimeSpan.FromMilliseconds(50);
            await using var vault = await FakeVault.StartAsync(new FakeVaultOptions { Latency = latency });
            var refs = Seed(vault, 6);
            await using var store = vault.Store(options: vault.Options with { Parallelism = 1 });

            await Task.WhenAll(refs.Select(r => store.ReadAsync(r, "1", Ct)));

            Assert.Equal(1, MostInFlight(vault, latency));
        }

        [Fact]
        public async Task DoesNotRememberAFailedReadForTheNextCaller()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
            await using var store = vault.Store(options: vault.Options with { MaxRetries = 0 });
            var secretRef = new SecretRef("secret", "app", "password");
            vault.Faults.FailNext(1, 503, "/v1/secret/data/app");

            await Assert.ThrowsAnyAsync<Core.Errors.SecretsPipelineException>(() => store.ReadAsync(secretRef, "1", Ct));
            var value = await store.ReadAsync(secretRef, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
        }

        private static SecretRef[] Seed(FakeVault vault, int count)
        {
            var refs = Enumerable.Range(0, count).Select(i => new SecretRef("secret", $"parallel/{i}", "value")).ToArray();
            foreach (var secretRef in refs)
            {
                vault.Kv.Write(secretRef.Path, new Dictionary<string, string> { ["value"] = "v" });
            }

            return refs;
        }

        /// <summary>
        /// The most reads in flight at one moment, from the server's log alone: each read was inside the server for at least
        /// <paramref name="latency"/> before it was logged, so it covered <c>[logged - latency, logged]</c>. One at a time,
        /// these intervals only touch; concurrent reads stack them.
        /// </summary>
        private static int MostInFlight(FakeVault vault, TimeSpan latency)
        {
            var intervals = vault.Requests("/v1/secret/data/parallel/").Select(r => (Start: r.ReceivedAt - latency, End: r.ReceivedAt)).ToArray();
            var margin = TimeSpan.FromMilliseconds(2);
            return intervals.Max(probe => intervals.Count(other => other.Start + margin < probe.End && probe.End <= other.End));
        }
    }

    public class TheOutlookAsyncMethod
    {
        [Theory]
        [InlineData(0, 0, 10)]
        [InlineData(0, 3, 3)]
        [InlineData(5, 20, 20)]
        [InlineData(30, 20, 30)]
        public async Task TakesTheLargerOfTheKeyAndMountMaxVersions(int key, int mount, int expected)
        {
            await using var vault = await FakeVault.StartAsync();
            vault.Kv.MaxVersions = mount;
            vault.Kv.ConfigureKey("app", maxVersions: key);
            vault.Kv.Write("app", new Dictionary<string, string> { ["value"] = "one" });
            vault.Kv.Write("app", new Dictionary<string, string> { ["value"] = "two" });
            await using var store = vault.Store();

            var outlook = await store.OutlookAsync(new SecretRef("secret", "app", "value"), "1", Ct);

            Assert.Equal(expected, outlook.MaxVersions);
            Assert.Equal(1, outlook.VersionsBehind);
        }

        [Fact]
        public async Task ReportsTheMountsDeleteVersionAfterDeadline()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.Kv.DeleteVersionAfter = TimeSpan.FromHours(2);
            vault.Kv.Write("app", new Dictionary<string, string> { ["value"] = "one" });
            await using var store = vault.Store();

            var outlook = await store.OutlookAsync(new SecretRef("secret", "app", "value"), "1", Ct);

            Assert.Equal(vault.Kv.Read("app", 1)!.CreatedTime + TimeSpan.FromHours(2), outlook.DeletionTime!.Value, TimeSpan.FromMilliseconds(1));
        }
    }

    public class TheFingerprintAsyncMethod
    {
        private static readonly SecretRef _ref = new("secret", "app", "password");

        private static SecretValue Value(string text) => new(text, new SecretVersionInfo("1", DateTimeOffset.UnixEpoch));

        [Fact]
        public async Task IsAStableTransitHmacThatDiffersForAnotherValue()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.State.Transit.CreateKey("fingerprints", "hmac");
            await using var store = vault.Store(hmacKey: "fingerprints");

            var first = await store.FingerprintAsync(_ref, Value("correct horse"), Ct);
            var again = await store.FingerprintAsync(_ref, Value("correct horse"), Ct);
            var other = await store.FingerprintAsync(_ref, Value("battery staple"), Ct);

            Assert.StartsWith("transit-hmac:vault:v1:", first, StringComparison.Ordinal);
            Assert.Equal(first, again);
            Assert.NotEqual(first, other);
            Assert.DoesNotContain("correct horse", first, StringComparison.Ordinal);
            Assert.Equal(3, vault.Requests("/v1/transit/hmac/fingerprints", "POST").Count);
        }

        [Fact]
        public async Task IsNullWithoutAnHmacKey()
        {
            await using var vault = await FakeVault.StartAsync();
            await using var store = vault.Store();

            Assert.Null(await store.FingerprintAsync(_ref, Value("correct horse"), Ct));
            Assert.Empty(vault.Server.Requests.Snapshot());
        }
    }

    public class TheSaveDeploymentAsyncMethod
    {
        [Fact]
        public async Task KeepsEveryLeaseWhenReplicasSaveOneDeploymentAtOnce()
        {
            await using var vault = await FakeVault.StartAsync();
            await using var store = vault.Store();
            var t0 = DateTimeOffset.UtcNow;
            var opened = new DeploymentRecord("prod-1", "prod", "c0ffee", "sha256:abc", DeploymentState.Pending, [], t0, t0);
            await store.SaveDeploymentAsync(opened, Ct);

            // Eight replicas opened the same record; each saves it with its own lease at the same time.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                store.SaveDeploymentAsync(opened with { Leases = [new LeaseRecord($"database/creds/app/{i}", "DB", "database/creds/app", t0.AddHours(1))] }, Ct)));

            var saved = await store.GetDeploymentAsync("prod-1", Ct);
            Assert.Equal(Enumerable.Range(0, 8).Select(i => $"database/creds/app/{i}"), saved!.Leases.Select(l => l.LeaseId).Order(StringComparer.Ordinal));
        }
    }
}
