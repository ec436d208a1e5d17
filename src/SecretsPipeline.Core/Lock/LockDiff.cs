namespace SecretsPipeline.Core.Lock;

/// <summary>Compares two locks pin by pin (what `diff` and lock-update pull requests show).</summary>
public static class LockDiff
{
    public static IReadOnlyList<PinChange> Compare(LockFile? before, LockFile? after)
    {
        var changes = new List<PinChange>();
        var environments = (before?.Environments.Keys ?? []).Union(after?.Environments.Keys ?? []).Order(StringComparer.Ordinal);
        foreach (var environment in environments)
        {
            var old = before?.Environments.GetValueOrDefault(environment);
            var now = after?.Environments.GetValueOrDefault(environment);
            if (old is not null && now is not null && !old.Store.OrderBy(p => p.Key).SequenceEqual(now.Store.OrderBy(p => p.Key)))
            {
                changes.Add(new PinChange(environment, "*", "store", Describe(old.Store), Describe(now.Store), null, null));
            }

            var names = (old?.Secrets.Keys ?? []).Union(now?.Secrets.Keys ?? []).Order(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var a = old?.Secrets.GetValueOrDefault(name);
                var b = now?.Secrets.GetValueOrDefault(name);
                var kind = (a, b) switch
                {
                    (null, not null) => "added",
                    (not null, null) => "removed",
                    _ when a == b => null,
                    _ => "changed",
                };
                if (kind is not null)
                {
                    changes.Add(new PinChange(environment, name, kind, Label(a), Label(b), a?.Ref ?? a?.Dynamic, b?.Ref ?? b?.Dynamic));
                }
            }
        }

        return changes;
    }

    private static string? Label(SecretPin? pin) => pin switch
    {
        null => null,
        { IsDynamic: true } => $"lease {pin.Dynamic} ttl {pin.Ttl ?? "default"}",
        _ => pin.Version,
    };

    private static string Describe(IReadOnlyDictionary<string, string> store) =>
        string.Join(" ", store.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
