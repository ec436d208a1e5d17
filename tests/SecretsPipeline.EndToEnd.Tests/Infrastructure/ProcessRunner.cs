using System.Diagnostics;
using System.Text;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>Starts a child process with captured output, a controlled environment and a timeout.</summary>
public static class ProcessRunner
{
    // No BOM: a secret piped to stdin must arrive byte for byte.
    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Variables a developer's shell, a CI host or the test host itself may set that would change what a child does:
    /// CI hosts' and Vault's, the tool's own, git's (a test run from a hook gets GIT_DIR), and MSBuild's from dotnet test.
    /// </summary>
    private static readonly string[] _scrubbedPrefixes = ["GITHUB_", "BUILD_", "SYSTEM_", "VAULT_", "SECRETS_PIPELINE_", "TF_BUILD", "GIT_", "MSBUILD"];

    public static ProcessStartInfo StartInfo(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
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

        foreach (var name in info.Environment.Keys.ToArray())
        {
            if (_scrubbedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                info.Environment.Remove(name);
            }
        }

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

    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info, string? standardInput, TimeSpan timeout)
    {
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
                $"{Describe(info)} did not finish within {timeout.TotalSeconds:0}s; stdout so far: {await stdout}; stderr so far: {await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr, watch.Elapsed);
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

    public static string Describe(ProcessStartInfo info) =>
        $"{Path.GetFileName(info.FileName)} {string.Join(' ', info.ArgumentList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))}";
}
