using System.Runtime.InteropServices;

namespace SecretsPipeline.Benchmarks.Reporting;

/// <summary>The machine a table was measured on, as the README names it.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, double MemoryGiB, DateTimeOffset Date)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        ProcFile("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcFile("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024),
        DateTimeOffset.UtcNow);

    /// <summary><c>2 cores (Intel Xeon …), 24 GiB, Debian GNU/Linux 12 (bookworm), .NET 10.0.12, 2025-01-01</c>.</summary>
    public string Describe() =>
        FormattableString.Invariant($"{Cores} cores ({Cpu}), {MemoryGiB:0} GiB, {Os}, {Runtime}, {Date:yyyy-MM-dd}");

    private static string? ProcFile(string path, string key, char separator)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadLines(path)
            .Select(line => line.Split(separator, 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
    }
}
