using System.Text.Json.Nodes;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault.Transit;

/// <summary>Transit sign, verify and HMAC; the private key never leaves Vault.</summary>
public sealed class TransitClient(VaultHttpClient client, string mount = "transit")
{
    public Task<string> SignAsync(string key, byte[] input, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"POST {mount}/sign/{key}", () => SignCoreAsync(key, input, cancellationToken));

    /// <summary>Whether Vault accepts the signature; a malformed one (400) counts as not valid.</summary>
    public Task<bool> VerifyAsync(string key, byte[] input, string signature, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"POST {mount}/verify/{key}", () => VerifyCoreAsync(key, input, signature, cancellationToken));

    public Task<string> HmacAsync(string key, byte[] input, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"POST {mount}/hmac/{key}", () => HmacCoreAsync(key, input, cancellationToken));

    private async Task<string> SignCoreAsync(string key, byte[] input, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["input"] = Convert.ToBase64String(input), ["hash_algorithm"] = "sha2-256" };
        var response = await client.SendExpectingAsync(HttpMethod.Post, $"{mount}/sign/{key}", body, true, cancellationToken).ConfigureAwait(false);
        return response.Data!["signature"]!.GetValue<string>();
    }

    private async Task<bool> VerifyCoreAsync(string key, byte[] input, string signature, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["input"] = Convert.ToBase64String(input), ["signature"] = signature, ["hash_algorithm"] = "sha2-256" };
        var response = await client.SendAsync(HttpMethod.Post, $"{mount}/verify/{key}", body, retrySafe: true, cancellationToken).ConfigureAwait(false);
        if (response.Status == System.Net.HttpStatusCode.BadRequest)
        {
            return false;
        }

        return response.IsSuccess ? response.Data?["valid"]?.GetValue<bool>() ?? false : throw client.Failure(HttpMethod.Post, $"{mount}/verify/{key}", response);
    }

    private async Task<string> HmacCoreAsync(string key, byte[] input, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["input"] = Convert.ToBase64String(input) };
        var response = await client.SendExpectingAsync(HttpMethod.Post, $"{mount}/hmac/{key}/sha2-256", body, true, cancellationToken).ConfigureAwait(false);
        return response.Data!["hmac"]!.GetValue<string>();
    }
}
