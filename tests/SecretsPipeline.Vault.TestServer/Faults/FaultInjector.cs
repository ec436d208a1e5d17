using System.Globalization;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>What the pipeline does to one request before (or instead of) routing it.</summary>
internal readonly record struct FaultDecision(TimeSpan Delay, bool Drop, VaultResponse? Response);

/// <summary>
/// Scripted failures. Rules match on a substring of the request's path and query (<c>/v1/secret/data/app?version=2</c>);
/// each rule is consumed by the requests it matches. All members are thread-safe.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _sync = new();
    private readonly List<Rule> _rules = [];
    private readonly List<(long RequestNumber, int Status, bool Drop, TimeSpan Delay)> _failAt = [];
    private long _requestCount;
    private long _latencyTicks;

    internal FaultInjector(TimeSpan latency) => _latencyTicks = latency.Ticks;

    /// <summary>Added before every response (after any <see cref="DelayNext"/> delay).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Requests seen so far (1-based numbering, as used by <see cref="FailAt"/>).</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>
    /// The next <paramref name="count"/> matching requests answer <paramref name="status"/> with a Vault error body:
    /// 503 <c>Vault is sealed</c>, 500 <c>internal error</c>, 403 permission denied (multierror), 429 rate limit quota,
    /// 412 <c>required index state not present</c>, or <paramref name="message"/>. <paramref name="retryAfter"/> adds a <c>Retry-After</c> header (seconds).
    /// </summary>
    public void FailNext(int count, int status, string? pathContains = null, string? message = null, TimeSpan? retryAfter = null) =>
        Add(new Rule(RuleKind.Fail, count, pathContains) { Status = status, Message = message, RetryAfter = retryAfter });

    /// <summary>The next <paramref name="count"/> matching requests get no response: the connection is aborted.</summary>
    public void DropNext(int count, string? pathContains = null) => Add(new Rule(RuleKind.Drop, count, pathContains));

    /// <summary>The next <paramref name="count"/> matching requests are answered normally after <paramref name="delay"/>.</summary>
    public void DelayNext(int count, TimeSpan delay, string? pathContains = null) =>
        Add(new Rule(RuleKind.Delay, count, pathContains) { Delay = delay });

    /// <summary>The <paramref name="requestNumber"/>th request from now (1 = the next one) fails with <paramref name="status"/>.</summary>
    public void FailAt(int requestNumber, int status)
    {
        lock (_sync)
        {
            _failAt.Add((RequestCount + requestNumber, status, false, TimeSpan.Zero));
        }
    }

    /// <summary>The <paramref name="requestNumber"/>th request from now gets no response: the connection is aborted.</summary>
    public void DropAt(int requestNumber)
    {
        lock (_sync)
        {
            _failAt.Add((RequestCount + requestNumber, 0, true, TimeSpan.Zero));
        }
    }

    /// <summary>The <paramref name="requestNumber"/>th request from now is answered normally, after <paramref name="delay"/> (a client timeout).</summary>
    public void DelayAt(int requestNumber, TimeSpan delay)
    {
        lock (_sync)
        {
            _failAt.Add((RequestCount + requestNumber, 0, false, delay));
        }
    }

    /// <summary>Removes every pending rule (the latency stays).</summary>
    public void Clear()
    {
        lock (_sync)
        {
            _rules.Clear();
            _failAt.Clear();
        }
    }

    internal FaultDecision Evaluate(string pathAndQuery)
    {
        var number = Interlocked.Increment(ref _requestCount);
        lock (_sync)
        {
            var delay = TimeSpan.Zero;
            if (Take(RuleKind.Delay, pathAndQuery) is { } delayRule)
            {
                delay = delayRule.Delay;
            }

            var failAt = _failAt.FindIndex(f => f.RequestNumber == number);
            if (failAt >= 0)
            {
                var (_, status, drop, slow) = _failAt[failAt];
                _failAt.RemoveAt(failAt);
                return drop ? new FaultDecision(delay, true, null)
                    : slow > TimeSpan.Zero ? new FaultDecision(delay + slow, false, null)
                    : new FaultDecision(delay, false, ErrorFor(status, null, null, pathAndQuery));
            }

            var terminal = _rules.FirstOrDefault(r => r.Kind != RuleKind.Delay && r.Matches(pathAndQuery));
            if (terminal is not null)
            {
                Consume(terminal);
                return terminal.Kind == RuleKind.Drop
                    ? new FaultDecision(delay, true, null)
                    : new FaultDecision(delay, false, ErrorFor(terminal.Status, terminal.Message, terminal.RetryAfter, pathAndQuery));
            }

            return new FaultDecision(delay, false, null);
        }
    }

    private static VaultResponse ErrorFor(int status, string? message, TimeSpan? retryAfter, string pathAndQuery)
    {
        var path = pathAndQuery.Split('?')[0];
        path = path.StartsWith("/v1/", StringComparison.Ordinal) ? path[4..] : path;
        message ??= status switch
        {
            503 => "Vault is sealed",
            500 => "internal error",
            403 => GoFormat.MultiError("permission denied"),
            429 => $"request path \"{path}\": rate limit quota exceeded",
            412 => "required index state not present",
            502 => "upstream rate limited",
            404 => null,
            _ => $"injected fault {status}",
        };
        var headers = new Dictionary<string, string>();
        if (retryAfter is { } wait)
        {
            headers["Retry-After"] = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return (message is null ? VaultResponse.Error(status) : VaultResponse.Error(status, message)) with { Headers = headers };
    }

    private void Add(Rule rule)
    {
        if (rule.Remaining <= 0)
        {
            return;
        }

        lock (_sync)
        {
            _rules.Add(rule);
        }
    }

    private Rule? Take(RuleKind kind, string pathAndQuery)
    {
        var rule = _rules.FirstOrDefault(r => r.Kind == kind && r.Matches(pathAndQuery));
        if (rule is not null)
        {
            Consume(rule);
        }

        return rule;
    }

    private void Consume(Rule rule)
    {
        if (--rule.Remaining <= 0)
        {
            _rules.Remove(rule);
        }
    }

    private enum RuleKind
    {
        Fail,
        Drop,
        Delay,
    }

    private sealed class Rule(RuleKind kind, int count, string? pathContains)
    {
        public RuleKind Kind { get; } = kind;

        public int Remaining { get; set; } = count;

        public int Status { get; init; }

        public string? Message { get; init; }

        public TimeSpan? RetryAfter { get; init; }

        public TimeSpan Delay { get; init; }

        public bool Matches(string pathAndQuery) => pathContains is null || pathAndQuery.Contains(pathContains, StringComparison.Ordinal);
    }
}
