using System.Diagnostics;
using System.Text;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>Runs a child process with captured output, a controlled environment and a timeout.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    // No BOM: a secret piped to stdin must arrive byte for byte.
    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// What a CI host, Vault, the tool or the test host (dotnet test runs under MSBuild) may have set and would change
    /// what a child build does.
    /// </summary>
    private static readonly string[] _scrubbedPrefixes = ["GITHUB_", "BUILD_", "SYSTEM_", "VAULT_", "SECRETS_PIPELINE_", "TF_BUILD", "MSBUILD", "DOTNET_ENVIRONMENT", "ASPNETCORE_"];

    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment, string? standardInput = null, TimeSpan? timeout = null)
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

        foreach (var name in info.Environment.Keys.Where(n => _scrubbedPrefixes.Any(p => n.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToArray())
        {
            info.Environment.Remove(name);
        }

        // Child builds leave no MSBuild nodes behind, and print plain English logs the tests can read.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var commandLine = $"{Path.GetFileName(fileName)} {string.Join(' ', info.ArgumentList)}";
        using var process = new Process { StartInfo = info };
        var watch = Stopwatch.StartNew();
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
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

        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{commandLine} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0}s; stdout so far: {await stdout}");
        }

        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }
}
