using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Vault.Auth;

/// <summary>
/// JWT login (<c>auth/&lt;mount&gt;/login</c>). The JWT comes from <c>VAULT_JWT</c>, a file named by <c>VAULT_JWT_FILE</c>,
/// or GitHub Actions' OIDC endpoint (<c>ACTIONS_ID_TOKEN_REQUEST_URL</c>/<c>_TOKEN</c>, needs
/// <c>permissions: id-token: write</c>) with the configured audience.
/// </summary>
public sealed class JwtAuth(string mount, string? role, string? audience, Func<string, string?> variable, HttpMessageHandler? oidcHandler = null) : LoginAuth(mount)
{
    protected override string Method => "JWT";

    protected override async Task<JsonObject> LoginBodyAsync(CancellationToken cancellationToken)
    {
        var jwt = ValueOrFile(variable, "VAULT_JWT") ?? await GitHubTokenAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SecretsPipelineException(Codes.VaultAuth, "JWT login needs a token: VAULT_JWT, VAULT_JWT_FILE, or GitHub Actions OIDC (add `permissions: id-token: write` to the job).");
        var body = new JsonObject { ["jwt"] = jwt };
        if (!string.IsNullOrEmpty(role))
        {
            body["role"] = role;
        }

        return body;
    }

    private async Task<string?> GitHubTokenAsync(CancellationToken cancellationToken)
    {
        var url = variable("ACTIONS_ID_TOKEN_REQUEST_URL");
        var bearer = variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(bearer))
        {
            return null;
        }

        // The runner's URL already carries a query string, hence '&'.
        var requestUri = string.IsNullOrEmpty(audience) ? url : $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}audience={Uri.EscapeDataString(audience)}";
        using var http = oidcHandler is null ? new HttpClient() : new HttpClient(oidcHandler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, requestUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new SecretsPipelineException(Codes.VaultAuth, $"the GitHub Actions OIDC endpoint answered {(int)response.StatusCode}; check `permissions: id-token: write` and the audience.");
        }

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return json?["value"]?.GetValue<string>()
            ?? throw new SecretsPipelineException(Codes.VaultAuth, "the GitHub Actions OIDC endpoint returned no `value`.");
    }
}
