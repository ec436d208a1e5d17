using System.Collections;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>
/// One request as the server saw it. <see cref="Status"/> is 0 for a dropped connection. <see cref="Namespace"/> is the raw
/// <c>X-Vault-Namespace</c> header (null when absent). <see cref="Token"/> is the presented token, if any.
/// </summary>
public sealed record RequestLogEntry(
    string Method,
    string PathAndQuery,
    int Status,
    string? Namespace,
    bool HadVaultRequestHeader,
    string? Token,
    DateTimeOffset ReceivedAt);

/// <summary>A thread-safe, append-only list of requests. An entry is added before its response is written, so it is visible once the client has the response.</summary>
public sealed class RequestLog : IReadOnlyList<RequestLogEntry>
{
    private readonly Lock _sync = new();
    private readonly List<RequestLogEntry> _entries = [];

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _entries.Count;
            }
        }
    }

    public RequestLogEntry this[int index]
    {
        get
        {
            lock (_sync)
            {
                return _entries[index];
            }
        }
    }

    /// <summary>A copy of the entries so far.</summary>
    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_sync)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_sync)
        {
            _entries.Clear();
        }
    }

    public IEnumerator<RequestLogEntry> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(RequestLogEntry entry)
    {
        lock (_sync)
        {
            _entries.Add(entry);
        }
    }
}
