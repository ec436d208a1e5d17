using System.Diagnostics;
using System.Text;

namespace Build;

internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

internal static class ProcessRunner
{
    // No BOM: whatever is piped to stdin (a secret value, say) must arrive byte for byte.
    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs with the console inherited so dotnet's own progress output comes through; fails on a non-zero exit.</summary>
    public static async Task RunAsync(string workingDirectory, string fileName, params string[] arguments)
    {
        Console.WriteLine($"> {Describe(fileName, arguments)}");
        using var process = Process.Start(StartInfo(workingDirectory, fileName, arguments))
            ?? throw new BuildFailedException($"could not start {fileName}");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new BuildFailedException($"{Describe(fileName, arguments)} exited with code {process.ExitCode}");
        }
    }

    /// <summary>Runs with stdout and stderr captured (and optionally echoed); the caller judges the exit code.</summary>
    public static async Task<ProcessResult> CaptureAsync(
        string workingDirectory,
        string fileName,
        IReadOnlyList<string> arguments,
        string? standardInput = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        bool echo = false)
    {
        var info = StartInfo(workingDirectory, fileName, arguments);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.StandardInputEncoding = _utf8;
        info.StandardOutputEncoding = _utf8;
        info.StandardErrorEncoding = _utf8;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        if (echo)
        {
            Console.WriteLine($"> {Describe(fileName, arguments)}");
        }

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        // Both pipes are drained on their own threads so a child filling one of them never blocks.
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data, echo ? Console.Out : null);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data, echo ? Console.Error : null);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput);
            }

            // Closed even when empty, so a child that reads stdin sees end-of-file instead of waiting.
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited without reading its input; its exit code and stderr tell why.
        }

        using var cancel = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BuildFailedException($"{Describe(fileName, arguments)} did not finish within {timeout?.TotalSeconds}s");
        }

        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    private static ProcessStartInfo StartInfo(string workingDirectory, string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static void Append(StringBuilder buffer, string? line, TextWriter? echo)
    {
        // A null line is end-of-stream.
        if (line is null)
        {
            return;
        }

        buffer.Append(line).Append('\n');
        echo?.WriteLine(line);
    }
}
