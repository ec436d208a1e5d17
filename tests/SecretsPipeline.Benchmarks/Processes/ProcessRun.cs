using System.Diagnostics;

namespace SecretsPipeline.Benchmarks.Processes;

/// <summary>One finished process: exit code, output and wall-clock time from start to exit.</summary>
internal sealed record ProcessRun(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    /// <summary>Runs to completion with both pipes drained; <paramref name="input"/> (if any) is piped to stdin, which is then closed.</summary>
    public static async Task<ProcessRun> StartAsync(ProcessCommand command, TimeSpan? timeout = null, byte[]? input = null)
    {
        using var process = new Process { StartInfo = command.StartInfo() };
        var clock = Stopwatch.StartNew();
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchException($"`{command}` did not finish within {(timeout ?? TimeSpan.FromMinutes(5)).TotalSeconds:0} s");
        }

        var elapsed = clock.Elapsed;
        return new ProcessRun(process.ExitCode, await stdout, await stderr, elapsed);
    }

    /// <summary>Runs and throws with the end of the output unless the exit code is 0.</summary>
    public static async Task<ProcessRun> CheckedAsync(ProcessCommand command, TimeSpan? timeout = null, byte[]? input = null)
    {
        var run = await StartAsync(command, timeout, input);
        return run.ExitCode == 0
            ? run
            : throw new BenchException($"`{command}` exited with {run.ExitCode}: {Tail(run.StdErr.Length > 0 ? run.StdErr : run.StdOut)}");
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" / ", lines.TakeLast(4));
    }
}
