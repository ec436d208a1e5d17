using System.Diagnostics;
using System.Text;

namespace SecretsPipeline.Testing;

/// <summary>
/// Starts a child process with captured output, a controlled environment and a timeout. Which inherited variables a
/// child loses (and which it gets) is the caller's explicit choice of <see cref="ChildEnvironment"/>.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    // No BOM: a secret piped to stdin must arrive byte for byte.
    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The dotnet host running the tests (<c>DOTNET_HOST_PATH</c>), else <c>dotnet</c> from PATH.</summary>
    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <param name="environment">Set last, over <paramref name="baseline"/>; a null value removes the variable.</param>
    /// <param name="baseline">What the child keeps of the test host's environment.</param>
    public static ProcessStartInfo StartInfo(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        ChildEnvironment baseline)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = _utf8,
            StandardOutputEncoding = _utf8,
            StandardErrorEncoding = _utf8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        baseline.ApplyTo(info.Environment);
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

        return info;
    }

    /// <summary><see cref="StartInfo"/> and <see cref="RunAsync(ProcessStartInfo, string?, TimeSpan)"/> in one call.</summary>
    public static Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        ChildEnvironment baseline,
        string? standardInput = null,
        TimeSpan? timeout = null) =>
        RunAsync(StartInfo(fileName, arguments, workingDirectory, environment, baseline), standardInput, timeout ?? DefaultTimeout);

    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info, string? standardInput, TimeSpan timeout)
    {
        var commandLine = Describe(info);
        using var process = new Process { StartInfo = info };
        var watch = Stopwatch.StartNew();
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WriteInputAsync(process, standardInput);

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{commandLine} did not finish within {timeout.TotalSeconds:0}s; stdout so far: {await stdout}; stderr so far: {await stderr}");
        }

        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    /// <summary>Writes stdin (if any) and closes it, so a child that reads it sees end-of-file instead of waiting.</summary>
    public static async Task WriteInputAsync(Process process, string? standardInput)
    {
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited without reading its input; its exit code and output tell the story.
        }
    }

    /// <summary>The program's file name and its arguments, an argument with a space in quotes: for messages.</summary>
    public static string Describe(ProcessStartInfo info) =>
        $"{Path.GetFileName(info.FileName)} {string.Join(' ', info.ArgumentList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))}";
}
