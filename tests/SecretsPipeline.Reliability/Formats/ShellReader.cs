using System.Diagnostics;
using System.Text;

namespace SecretsPipeline.Reliability.Formats;

/// <summary>
/// A real POSIX shell sources the output in an empty environment, in a scratch folder, and prints what is set
/// (<c>env -0</c>). Variables beyond the ones the shell sets itself, anything printed, and any file created are extras.
/// </summary>
public sealed class ShellReader : IFormatReader
{
    private static readonly HashSet<string> _shellOwn = new(StringComparer.Ordinal) { "PWD", "SHLVL", "_", "OLDPWD" };

    public FormatReading Read(byte[] output, string scratchFolder)
    {
        var script = Path.Combine(scratchFolder, "output.sh");
        File.WriteAllBytes(script, output);
        var before = Directory.GetFileSystemEntries(scratchFolder).Length;
        var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = scratchFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/bin:/bin";
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -a; . ./output.sh >./sourced.out 2>&1; unset PATH; /usr/bin/env -0");
        using var process = Process.Start(info)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        copy.GetAwaiter().GetResult();

        var extras = new List<string>();
        if (process.ExitCode != 0)
        {
            extras.Add($"sh exited with {process.ExitCode}: {errors.GetAwaiter().GetResult()}");
        }

        var printed = File.ReadAllBytes(Path.Combine(scratchFolder, "sourced.out"));
        if (printed.Length > 0)
        {
            extras.Add($"sourcing printed {printed.Length} bytes: {Encoding.UTF8.GetString(printed[..Math.Min(200, printed.Length)])}");
        }

        if (Directory.GetFileSystemEntries(scratchFolder).Length != before + 1)
        {
            extras.Add("sourcing created a file");
        }

        var variables = new List<KeyValuePair<string, string>>();
        foreach (var entry in Encoding.UTF8.GetString(stdout.ToArray()).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var name = entry[..equals];
            if (!_shellOwn.Contains(name))
            {
                variables.Add(new(name, entry[(equals + 1)..]));
            }
        }

        foreach (var file in Directory.GetFiles(scratchFolder))
        {
            File.Delete(file);
        }

        return new FormatReading(variables, extras);
    }
}
