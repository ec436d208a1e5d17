using System.Diagnostics;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>
/// A delay that lasts what it says to within about a millisecond. <see cref="Task.Delay(TimeSpan)"/> runs on timer
/// ticks that Linux counts with its coarse clock (4 ms at HZ=250), so a 5 ms delay there takes about 8 ms, and the
/// injected latency would be neither what the option says nor what a benchmark's lower bound assumes. One background
/// thread keeps the pending deadlines and sleeps to the earliest (sleeps are precise to the millisecond, rounded up).
/// </summary>
internal static class PreciseDelay
{
    private static readonly PriorityQueue<TaskCompletionSource, long> _pending = new();
    private static readonly AutoResetEvent _changed = new(false);
    private static readonly Lock _gate = new();
    private static Thread? _thread;

    public static Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            _pending.Enqueue(done, deadline);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "fake-vault-latency" };
                _thread.Start();
            }
        }

        _changed.Set();

        // A cancelled wait ends at once; its deadline stays queued and completes a task nobody awaits.
        return done.Task.WaitAsync(cancellationToken);
    }

    private static void Run()
    {
        while (true)
        {
            var wait = Timeout.Infinite;
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                while (_pending.TryPeek(out var due, out var deadline))
                {
                    if (deadline > now)
                    {
                        wait = (int)Math.Ceiling((deadline - now) * 1000.0 / Stopwatch.Frequency);
                        break;
                    }

                    _pending.Dequeue();
                    due.TrySetResult();
                }
            }

            _changed.WaitOne(wait);
        }
    }
}
