using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.TestServer;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

/// <summary>Headers, retries and timeouts of every Vault request, seen from the fake server's request log.</summary>
public class VaultHttpClientTests
{
    private const string AppPath = "/v1/secret/data/app";

    private static readonly SecretRef _app = new("secret", "app", "password");

    private static async Task<FakeVault> StartWithAppAsync()
    {
        var vault = await FakeVault.StartAsync();
        vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
        return vault;
    }

    private static async Task<SecretsPipelineException> FailsAsync(Func<Task> action)
    {
        var ex = await Record.ExceptionAsync(action);
        return Assert.IsAssignableFrom<SecretsPipelineException>(ex);
    }

    public class TheHeaders
    {
        [Fact]
        public async Task CarryTheVaultRequestHeaderAndTheTokenOnEveryRequest()
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store();

            await store.WriteAsync(_app with { Path = "other" }, "x", null, Ct);
            await store.ReadAsync(_app, "1", Ct);
            await store.OutlookAsync(_app, "1", Ct);

            var requests = vault.Server.Requests.Snapshot();
            Assert.True(requests.Count >= 5);
            Assert.All(requests, r => Assert.True(r.HadVaultRequestHeader, $"{r.Method} {r.PathAndQuery} had no X-Vault-Request"));
            Assert.All(requests, r => Assert.Equal(vault.RootToken, r.Token));
            Assert.All(requests, r => Assert.Null(r.Namespace));
        }

        [Fact]
        public async Task CarryTheNamespaceWhenOneIsSet()
        {
            await using var vault = await FakeVault.StartAsync();
            await using var store = vault.Store(options: vault.Options with { Namespace = "team-a/" });

            await store.WriteAsync(_app, "in team-a", null, Ct);
            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("in team-a", value.Reveal());
            Assert.All(vault.Server.Requests.Snapshot(), r => Assert.Equal("team-a/", r.Namespace));
            Assert.Equal("in team-a", vault.State.Namespace("team-a").Kv("secret").Read("app")?["password"]);
            Assert.Null(vault.Kv.Read("app"));
            Assert.Equal("team-a/", store.Identity["namespace"]);
        }
    }

    public class TheRetryPolicy
    {
        [Theory]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(503)]
        [InlineData(429)]
        [InlineData(412)]
        public async Task RetriesAReadThatFailedWith(int status)
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store();
            vault.Faults.FailNext(1, status, AppPath);

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Equal([status, 200], vault.Requests(AppPath).Select(r => r.Status));
        }

        [Fact]
        public async Task RetriesAReadWhoseConnectionWasDropped()
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store();
            vault.Faults.DropNext(1, AppPath);

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Equal([0, 200], vault.Requests(AppPath).Select(r => r.Status));
        }

        [Theory]
        [InlineData(400, "SPL3104")]
        [InlineData(403, "SPL3103")]
        [InlineData(501, "SPL3104")]
        public async Task DoesNotRetryAReadThatFailedWith(int status, string code)
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store();
            vault.Faults.FailNext(5, status, AppPath);

            var ex = await FailsAsync(() => store.ReadAsync(_app, "1", Ct));

            Assert.Equal(code, ex.Code.Id);
            Assert.Single(vault.Requests(AppPath));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4)]
        public async Task FailsWithSpl3104AfterMaxRetriesPlusOneAttemptsWhenVaultStaysSealed(int maxRetries)
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store(options: vault.Options with { MaxRetries = maxRetries });
            vault.Faults.FailNext(100, 503, AppPath);

            var ex = await FailsAsync(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultRequest, ex.Code);
            Assert.Contains("503", ex.Message, StringComparison.Ordinal);
            Assert.Equal(maxRetries + 1, vault.Requests(AppPath).Count);
        }

        [Fact]
        public async Task RetriesAKvWriteBecauseItCarriesCheckAndSet()
        {
            await using var vault = await FakeVault.StartAsync();
            var kv = vault.KvClient();
            vault.Faults.FailNext(1, 503, AppPath);

            var written = await kv.WriteAsync("app", new Dictionary<string, string?> { ["password"] = "s3cret" }, 0, Ct);

            Assert.Equal(1, written.Version);
            Assert.Equal([503, 200], vault.Requests(AppPath, "POST").Select(r => r.Status));
            Assert.Equal(1, vault.Kv.GetKey("app")?.CurrentVersion);
        }

        [Fact]
        public async Task DoesNotWriteTwiceWhenTheAnswerToAnAppliedWriteIsLost()
        {
            await using var vault = await FakeVault.StartAsync();
            using var client = new Http.VaultHttpClient(vault.Options, new Auth.TokenAuth(vault.RootToken), new LoseFirstAnswerHandler(HttpMethod.Post));
            var kv = new Kv.KvV2Client(client, "secret");

            // Vault applied the write but the answer never arrived; the retry carries the same cas, which Vault refuses.
            var ex = await Record.ExceptionAsync(() => kv.WriteAsync("app", new Dictionary<string, string?> { ["password"] = "s3cret" }, 0, Ct));

            Assert.Equal(2, vault.Requests(AppPath, "POST").Count);
            Assert.Equal(1, vault.Kv.GetKey("app")?.CurrentVersion);
            Assert.Same(Codes.CheckAndSetMismatch, Assert.IsAssignableFrom<SecretsPipelineException>(ex).Code);
        }

        [Fact]
        public async Task DoesNotRetryIssuingALease()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
            await using var store = vault.Store();
            vault.Faults.FailNext(1, 503, "/v1/database/creds/app");

            var ex = await FailsAsync(() => store.IssueLeaseAsync("database/creds/app", new LeaseTerms(null, null), Ct));

            Assert.Same(Codes.VaultRequest, ex.Code);
            Assert.Single(vault.Requests("/v1/database/creds/app"));
            Assert.Empty(vault.State.Leases.Active);
        }

        [Fact]
        public async Task DoesNotRetryIssuingALeaseWhoseConnectionDropped()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
            await using var store = vault.Store();
            vault.Faults.DropNext(1, "/v1/database/creds/app");

            var ex = await FailsAsync(() => store.IssueLeaseAsync("database/creds/app", new LeaseTerms(null, null), Ct));

            Assert.Same(Codes.VaultUnreachable, ex.Code);
            Assert.Equal([0], vault.Requests("/v1/database/creds/app").Select(r => r.Status));
            Assert.Empty(vault.State.Leases.Active);
        }

        [Fact]
        public async Task IssuesALeaseWithItsCredentials()
        {
            await using var vault = await FakeVault.StartAsync();
            vault.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
            await using var store = vault.Store();

            var lease = await store.IssueLeaseAsync("database/creds/app", new LeaseTerms(null, null), Ct);

            var active = Assert.Single(vault.State.Leases.Active);
            Assert.Equal(active.LeaseId, lease.LeaseId);
            Assert.StartsWith("v-token-app-", lease.Credentials["username"], StringComparison.Ordinal);
            Assert.InRange(lease.Expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        }

        [Fact]
        public async Task WaitsAtLeastTheRetryAfterVaultSends()
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store();
            vault.Faults.FailNext(1, 429, AppPath, retryAfter: TimeSpan.FromSeconds(1));

            await store.ReadAsync(_app, "1", Ct);

            var attempts = vault.Requests(AppPath);
            var gap = attempts[1].ReceivedAt - attempts[0].ReceivedAt;
            Assert.Equal([429, 200], attempts.Select(r => r.Status));

            // The backoff alone is 2-5 ms here; the allowance is for the timer firing a hair before the wall clock moves on.
            Assert.True(gap >= TimeSpan.FromMilliseconds(980), $"retried after {gap.TotalMilliseconds} ms");
        }
    }

    public class TheTimeout
    {
        [Fact]
        public async Task RetriesATimedOutReadAndThenFailsWithSpl3105()
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store(options: vault.Options with { Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 2 });
            vault.Faults.DelayNext(10, TimeSpan.FromSeconds(3), AppPath);
            var before = vault.Faults.RequestCount;

            var ex = await FailsAsync(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultUnreachable, ex.Code);
            Assert.Contains("after 3 attempts", ex.Message, StringComparison.Ordinal);
            Assert.Equal(3, vault.Faults.RequestCount - before);
        }

        [Fact]
        public async Task RetriesATimedOutReadThatIsAnsweredTheNextTime()
        {
            await using var vault = await StartWithAppAsync();
            await using var store = vault.Store(options: vault.Options with { Timeout = TimeSpan.FromSeconds(1) });
            vault.Faults.DelayNext(1, TimeSpan.FromSeconds(5), AppPath);

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Equal(2, vault.Faults.RequestCount);
        }

        [Fact]
        public async Task CountsFromSendingNotFromQueueingForAParallelismSlot()
        {
            await using var vault = await FakeVault.StartAsync(new FakeVaultOptions { Latency = TimeSpan.FromMilliseconds(150) });
            var refs = Enumerable.Range(0, 5).Select(i => new SecretRef("secret", $"queued/{i}", "value")).ToArray();
            foreach (var secretRef in refs)
            {
                vault.Kv.Write(secretRef.Path, new Dictionary<string, string> { ["value"] = secretRef.Path });
            }

            // One request at a time, each answered in 150 ms: well within its own 600 ms, but the fifth waits 600 ms for its turn.
            await using var store = vault.Store(options: vault.Options with { Parallelism = 1, Timeout = TimeSpan.FromMilliseconds(600), MaxRetries = 0 });

            var values = await Task.WhenAll(refs.Select(r => store.ReadAsync(r, "1", Ct)));

            Assert.Equal(refs.Select(r => r.Path), values.Select(v => v.Reveal()));
        }
    }

    /// <summary>Passes the request on, then throws as if the connection broke before the answer arrived, once.</summary>
    private sealed class LoseFirstAnswerHandler(HttpMethod method) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _lost;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == method && Interlocked.Exchange(ref _lost, 1) == 0)
            {
                response.Dispose();
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "the connection closed before the answer arrived");
            }

            return response;
        }
    }
}
