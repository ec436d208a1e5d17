using System.Diagnostics;

namespace Build;

/// <summary>Thrown for an expected failure of a step; the runner prints its message without a stack trace.</summary>
internal sealed class BuildFailedException(string message) : Exception(message);

internal sealed class TargetRunner(IReadOnlyList<Target> targets)
{
    private readonly Dictionary<string, Target> _byName = targets.ToDictionary(t => t.Name);

    public async Task<int> RunAsync(IReadOnlyList<string> requested)
    {
        var unknown = requested.Where(name => !_byName.ContainsKey(name)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown target(s): {string.Join(", ", unknown)}; see ./build.sh --list");
            return 2;
        }

        var order = new List<Target>();
        foreach (var name in requested)
        {
            Visit(name, order, []);
        }

        var total = Stopwatch.StartNew();
        foreach (var target in order)
        {
            Console.WriteLine();
            Console.WriteLine($"── {target.Name} ──");
            var watch = Stopwatch.StartNew();
            try
            {
                await target.Action();
            }
            catch (Exception ex)
            {
                // Unexpected exceptions keep their stack trace; expected failures are one readable line.
                var reason = ex is BuildFailedException ? ex.Message : ex.ToString();
                Console.Error.WriteLine();
                Console.Error.WriteLine($"✗ target '{target.Name}' failed after {Seconds(watch)}: {reason}");
                return 1;
            }

            Console.WriteLine($"── {target.Name} done in {Seconds(watch)} ──");
        }

        Console.WriteLine();
        Console.WriteLine($"✓ {string.Join(", ", order.Select(t => t.Name))} succeeded in {Seconds(total)}");
        return 0;
    }

    private static string Seconds(Stopwatch watch) => $"{watch.Elapsed.TotalSeconds:0.0}s";

    // Depth-first, dependencies before dependants; a target already in the order is not run again.
    private void Visit(string name, List<Target> order, HashSet<string> visiting)
    {
        var target = _byName[name];
        if (order.Contains(target))
        {
            return;
        }

        if (!visiting.Add(name))
        {
            throw new InvalidOperationException($"dependency cycle through target '{name}'");
        }

        foreach (var dependency in target.DependsOn)
        {
            Visit(dependency, order, visiting);
        }

        visiting.Remove(name);
        order.Add(target);
    }
}
