using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Auth;

namespace SecretsPipeline.Vault.Http;

/// <summary>
/// Sends Vault requests over one pooled HttpClient: token and namespace headers, <c>X-Vault-Request</c>, a per-request
/// timeout, and the official client's retry policy (connection errors, 412, 429 and 5xx except 501; linear jittered
/// backoff; <c>Retry-After</c> honoured when Vault sends it). Only requests marked safe are retried.
/// A 403 triggers one fresh login when the auth method can log in again (expired tokens months later).
/// </summary>
public sealed class VaultHttpClient : IDisposable
{
    private static readonly HttpMethod _list = new("LIST");
    private readonly HttpClient _http;
    private readonly VaultClientOptions _options;
    private readonly IVaultAuth _auth;
    private readonly SemaphoreSlim _inFlight;

    public VaultHttpClient(VaultClientOptions options, IVaultAuth auth, HttpMessageHandler? handler = null)
    {
        _options = options;
        _auth = auth;
        _http = new HttpClient(handler ?? VaultTls.CreateHandler(options), disposeHandler: true) { BaseAddress = options.Address, Timeout = Timeout.InfiniteTimeSpan };
        _inFlight = new SemaphoreSlim(Math.Max(1, options.Parallelism));
    }

    public VaultClientOptions Options => _options;

    internal static HttpMethod List => _list;

    internal async Task<VaultResponse> SendAsync(HttpMethod method, string path, JsonNode? body, bool retrySafe, CancellationToken cancellationToken, bool authenticated = true, string? contentType = null)
    {
        var reauthenticated = false;
        string? token = null;
        for (var attempt = 0; ; attempt++)
        {
            VaultResponse response;
            try
            {
                token = authenticated ? await _auth.GetTokenAsync(this, stale: null, cancellationToken).ConfigureAwait(false) : null;
                response = await SendOnceAsync(method, path, body, token, contentType, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (!retrySafe || attempt >= _options.MaxRetries)
                {
                    throw new SecretsPipelineException(Codes.VaultUnreachable, $"Vault at {_options.Address} did not answer {method} {path} ({Describe(ex)}) after {attempt + 1} attempts; check VAULT_ADDR and the network.", inner: ex);
                }

                await Task.Delay(Backoff(attempt, null), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.IsSuccess)
            {
                return response;
            }

            if (response.Status == HttpStatusCode.Forbidden && authenticated && !reauthenticated && _auth.CanLogIn)
            {
                reauthenticated = true;
                await _auth.GetTokenAsync(this, stale: token, cancellationToken).ConfigureAwait(false);
                attempt--;
                continue;
            }

            if (retrySafe && attempt < _options.MaxRetries && IsRetryable(response.Status))
            {
                await Task.Delay(Backoff(attempt, response.RetryAfter), cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    /// <summary>Sends and throws a coded error unless the status is a success or one of <paramref name="accept"/>.</summary>
    internal async Task<VaultResponse> SendExpectingAsync(HttpMethod method, string path, JsonNode? body, bool retrySafe, CancellationToken cancellationToken, params HttpStatusCode[] accept)
    {
        var response = await SendAsync(method, path, body, retrySafe, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess || accept.Contains(response.Status) ? response : throw Failure(method, path, response);
    }

    internal VaultApiException Failure(HttpMethod method, string path, VaultResponse response)
    {
        var status = (int)response.Status;
        var code = status == 403 ? Codes.VaultDenied : Codes.VaultRequest;
        var hint = status switch
        {
            403 => "the token lacks a capability on this path or has expired; check the policy and the login",
            503 => "Vault is sealed or in maintenance",
            429 => "a rate-limit quota was exceeded",
            _ => "see Vault's message",
        };
        return new VaultApiException(code, $"Vault {method} {path} answered {status}: {response.ErrorText} ({hint}).", status, response.Errors);
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    private async Task<VaultResponse> SendOnceAsync(HttpMethod method, string path, JsonNode? body, string? token, string? contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, "v1/" + path.TrimStart('/'));
        request.Headers.Add("X-Vault-Request", "true");
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (_options.Namespace is { } ns)
        {
            request.Headers.Add("X-Vault-Namespace", ns);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // The timeout counts from sending, not from queueing for a parallelism slot.
            if (_options.Timeout > TimeSpan.Zero)
            {
                timeout.CancelAfter(_options.Timeout);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return new VaultResponse(response.StatusCode, ParseBody(bytes), RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {_options.Timeout.TotalSeconds:0.#} s (VAULT_CLIENT_TIMEOUT)");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static JsonObject? ParseBody(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            // A proxy's HTML error page, for instance: the status code still tells what happened.
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        return header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        (int)status is 412 or 429 || ((int)status >= 500 && (int)status != 501);

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait && wait > TimeSpan.Zero)
        {
            return wait < TimeSpan.FromSeconds(30) ? wait : TimeSpan.FromSeconds(30);
        }

        var min = _options.RetryWaitMin.TotalMilliseconds;
        var max = Math.Max(min, _options.RetryWaitMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((min + (Random.Shared.NextDouble() * (max - min))) * (attempt + 1));
    }

    private static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.Unknown, InnerException: { } inner } => inner.Message,
        HttpRequestException { HttpRequestError: var error } => error.ToString(),
        _ => ex.Message,
    };

    internal static string Query(string path, params (string Key, string? Value)[] parameters)
    {
        var pairs = parameters.Where(p => p.Value is not null).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return pairs.Length == 0 ? path : path + "?" + string.Join('&', pairs);
    }

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
