using System.Net;
using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Http;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

/// <summary>
/// Answers of a shape Vault never sends (a proxy, an incompatible server) are a coded Vault error naming the request,
/// never an unhandled exception. Each case was found by the reliability suite's Vault-answer fuzzer.
/// </summary>
public class MalformedAnswerTests
{
    private static readonly SecretRef _ref = new("secret", "app", "password");

    [Theory]
    [InlineData("a version number as a word", """{"data":{"data":{"password":"x"},"metadata":{"version":"two","created_time":"2025-01-01T00:00:00Z"}}}""")]
    [InlineData("a creation time that is no time", """{"data":{"data":{"password":"x"},"metadata":{"version":2,"created_time":"-1"}}}""")]
    [InlineData("metadata as a list", """{"data":{"data":{"password":"x"},"metadata":[]}}""")]
    public async Task AKvReadOfAnotherShapeIsACodedVaultError(string scenario, string body)
    {
        await using var store = Store(HttpStatusCode.OK, body);

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => store.ReadAsync(_ref, "2", Ct));

        Assert.True(ex.Code == Codes.VaultRequest, $"{scenario}: {ex.Code.Id} {ex.Message}");
        Assert.Contains("secret/data/app", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"x\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorListOfNumbersStillGivesTheStatusError()
    {
        await using var store = Store(HttpStatusCode.InternalServerError, """{"errors":[1,{"a":2}]}""");

        var ex = await Assert.ThrowsAsync<VaultApiException>(() => store.ReadAsync(_ref, "2", Ct));

        Assert.Equal(500, ex.Status);
    }

    [Theory]
    [InlineData("""{"lease_id":"database/creds/app/1","lease_duration":"soon","renewable":true,"data":{}}""")]
    [InlineData("""{"lease_id":7,"lease_duration":60,"renewable":"yes","data":{}}""")]
    public async Task ALeaseAnswerOfAnotherShapeIsACodedVaultError(string body)
    {
        await using var store = Store(HttpStatusCode.OK, body);

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => store.IssueLeaseAsync("database/creds/app", new LeaseTerms(null, null), Ct));

        Assert.Same(Codes.VaultRequest, ex.Code);
    }

    [Fact]
    public async Task ATransitHmacWithoutItsFieldIsACodedVaultError()
    {
        await using var store = Store(HttpStatusCode.OK, """{"data":{}}""", hmacKey: "fingerprints");

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => store.FingerprintAsync(_ref, new SecretValue("v", new SecretVersionInfo("1", DateTimeOffset.UnixEpoch)), Ct));

        Assert.Same(Codes.VaultRequest, ex.Code);
    }

    private static VaultStore Store(HttpStatusCode status, string body, string? hmacKey = null)
    {
        var options = new VaultClientOptions { Address = new Uri("http://vault.invalid:8200"), MaxRetries = 0 };
        return new VaultStore(new VaultHttpClient(options, new TokenAuth("t"), new FixedAnswer(status, body)), hmacKey);
    }

    private sealed class FixedAnswer(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
    }
}
