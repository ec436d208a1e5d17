using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Extensions.Configuration;

/// <summary>
/// Keeps an app's dynamic credentials alive: renews every lease at half the shortest lease's lifetime, on a timer the
/// provider owns (no hosted service), and revokes them all when disposed, so a stopped app leaves nothing valid behind.
/// </summary>
internal sealed class LeaseRenewer : IDisposable
{
    private static readonly TimeSpan _shortestPeriod = TimeSpan.FromSeconds(1);

    private readonly ISecretStore _store;
    private readonly RenewableLease[] _leases;
    private readonly Action<Exception>? _onError;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer _timer;
    private bool _disposed;

    public LeaseRenewer(ISecretStore store, IReadOnlyList<RenewableLease> leases, TimeProvider time, Action<Exception>? onError)
    {
        _store = store;
        _leases = [.. leases];
        _onError = onError;
        var now = time.GetUtcNow();
        var shortest = _leases.Min(l => l.Lease.Expires - now);
        Period = shortest / 2 > _shortestPeriod ? shortest / 2 : _shortestPeriod;
        _timer = time.CreateTimer(_ => _ = RenewAsync(), null, Period, Period);
    }

    public TimeSpan Period { get; }

    /// <summary>The leases as last renewed.</summary>
    public IReadOnlyList<Lease> Leases => [.. _leases.Select(l => l.Lease)];

    public async Task RenewAsync()
    {
        // A renewal still running (a slow store) is not overtaken by the next tick.
        if (!await _gate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            for (var i = 0; i < _leases.Length && !_disposed; i++)
            {
                var (lease, increment) = (_leases[i].Lease, _leases[i].Increment);
                if (!lease.Renewable)
                {
                    continue;
                }

                try
                {
                    var renewed = await _store.RenewLeaseAsync(lease.LeaseId, increment, CancellationToken.None).ConfigureAwait(false);
                    _leases[i] = _leases[i] with { Lease = lease with { Expires = renewed.Expires } };
                }
                catch (Exception ex) when (ex is SecretsPipelineException or HttpRequestException or IOException or TimeoutException)
                {
                    // The app keeps the credentials it has until they expire; the next tick tries again.
                    _onError?.Invoke(ex);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var failed = Resolver.RevokeAllAsync(_store, _leases.Select(l => l.Lease)).GetAwaiter().GetResult();
            if (failed.Count > 0)
            {
                _onError?.Invoke(new SecretsPipelineException(
                    Codes.LeaseInvalid,
                    $"{failed.Count} lease(s) could not be revoked on shutdown and stay valid until they expire: {string.Join(", ", failed)}."));
            }
        }
        finally
        {
            // Not disposed: a timer callback queued before the timer stopped may still call WaitAsync(0) on it.
            _gate.Release();
        }
    }
}
