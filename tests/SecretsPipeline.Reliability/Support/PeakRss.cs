using System.Diagnostics;
using System.Globalization;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// Runs the tool under GNU time and returns, with its result, its peak resident set size (<c>%M</c>: the child's
/// <c>ru_maxrss</c> from <c>wait4</c>, exact), as the benchmarks' memory row measures it. Null when there is no
/// <c>/usr/bin/time</c>; the tool then runs plainly.
/// </summary>
public static class PeakRss
{
    private const string GnuTime = "/usr/bin/time";

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static bool Available => File.Exists(GnuTime);

    public static async Task<(ProcessResult Result, double? PeakMiB)> RunAsync(Cli cli, params string[] arguments)
    {
        var tool = cli.StartInfo(arguments);
        if (!Available)
        {
            return (await ProcessRunner.RunAsync(tool, null, Timeout), null);
        }

        var report = Path.GetTempFileName();
        try
        {
            var timed = ProcessRunner.StartInfo(GnuTime, ["-f", "%M", "-o", report, tool.FileName, .. tool.ArgumentList], tool.WorkingDirectory, null, ChildEnvironment.EndToEnd);
            timed.Environment.Clear();
            foreach (var (name, value) in tool.Environment)
            {
                timed.Environment[name] = value;
            }

            var result = await ProcessRunner.RunAsync(timed, null, Timeout);
            var kib = File.ReadAllLines(report).LastOrDefault(line => line.Trim().Length > 0 && char.IsDigit(line.Trim()[0]));
            return (result, kib is null ? null : double.Parse(kib.Trim(), CultureInfo.InvariantCulture) / 1024);
        }
        finally
        {
            File.Delete(report);
        }
    }

    public static string Describe(IEnumerable<double?> peaks)
    {
        var known = peaks.Where(p => p is not null).Select(p => p!.Value).ToList();
        return known.Count == 0 ? "peak RSS not measured (no /usr/bin/time)" : $"peak RSS max {known.Max():0} MiB";
    }
}
