using System.Diagnostics;
using System.Globalization;

namespace SecretsPipeline.Benchmarks.Processes;

/// <summary>
/// Peak resident set size of one whole process. Preferred: GNU time's <c>%M</c>, the child's <c>ru_maxrss</c> as
/// <c>wait4</c> reports it, exact. Without <c>/usr/bin/time</c> (or with <c>--rss poll</c>): <c>VmHWM</c> from
/// <c>/proc/PID/status</c>, polled about every millisecond until exit; VmHWM is itself a high-water mark, so only growth
/// in the last interval before exit can be missed.
/// </summary>
internal static class PeakRss
{
    private const string GnuTime = "/usr/bin/time";

    public static bool UseGnuTime { get; set; } = File.Exists(GnuTime);

    public static string Method => UseGnuTime
        ? "peak RSS = GNU time %M (the child's ru_maxrss from wait4)"
        : "peak RSS = /proc/PID/status VmHWM polled every ~1 ms until exit";

    public static async Task<double> MeasureMiBAsync(ProcessCommand command) =>
        UseGnuTime ? await WithGnuTimeAsync(command) : await PollAsync(command);

    private static async Task<double> WithGnuTimeAsync(ProcessCommand command)
    {
        var report = Path.GetTempFileName();
        try
        {
            await ProcessRun.CheckedAsync(command.Prefixed(GnuTime, "-f", "%M", "-o", report));
            var kib = File.ReadAllLines(report).Last(line => line.Trim().Length > 0);
            return double.Parse(kib, CultureInfo.InvariantCulture) / 1024;
        }
        finally
        {
            File.Delete(report);
        }
    }

    private static async Task<double> PollAsync(ProcessCommand command)
    {
        using var process = new Process { StartInfo = command.StartInfo() };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var status = $"/proc/{process.Id}/status";
        long peakKib = 0;
        while (!process.HasExited)
        {
            peakKib = Math.Max(peakKib, ReadHighWaterMark(status));
            await Task.Delay(1);
        }

        await process.WaitForExitAsync();
        _ = await stdout;
        return process.ExitCode == 0
            ? peakKib / 1024.0
            : throw new BenchException($"`{command}` exited with {process.ExitCode}: {(await stderr).Trim()}");
    }

    private static long ReadHighWaterMark(string statusFile)
    {
        try
        {
            var line = File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // the process exited between the check and the read
        }
    }
}
