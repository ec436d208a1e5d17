using System.Diagnostics;
using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Tests.Support;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

public class ShellFormatTests
{
    /// <summary>Evaluates the rendered file in bash the way a user would, and prints the variables NUL-separated.</summary>
    private static (string[] Values, bool Pwned) EvalInBash(string rendered)
    {
        using var temp = new TempDirectory("spl-tests-");
        var file = temp.Combine("secrets.sh");
        File.WriteAllText(file, rendered, new UTF8Encoding(false));
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            WorkingDirectory = temp.Path,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", "set -e; unset INJECTED; eval \"$(cat \"$1\")\"; printf '%s\\0' \"$BEFORE\" \"$NAME\" \"$AFTER\" \"${INJECTED-unset}\"", "bash", file })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "bash did not finish");
        Assert.True(process.ExitCode == 0, $"bash failed ({process.ExitCode}): {errors.Result}");
        Assert.Equal(string.Empty, errors.Result);
        var values = output.Split('\0');
        Assert.Equal(5, values.Length);
        return (values[..4], Directory.EnumerateFileSystemEntries(temp.Path).Any(p => Path.GetFileName(p) != "secrets.sh"));
    }

    public class TheRenderMethod
    {
        public static TheoryData<string> HostileValues => OutputSamples.HostileValues;

        [Theory]
        [MemberData(nameof(HostileValues))]
        public void EvaluatesInBashToExactlyTheValueAndNothingElse(string value)
        {
            var text = new ShellFormat().Render(OutputSamples.Around(value));

            var (values, pwned) = EvalInBash(text);

            Assert.Equal(["before", value, "after", "unset"], values);
            Assert.False(pwned, "evaluating the output ran a command");
        }

        [Fact]
        public void WritesOneExportPerOutputWithSingleQuotes()
        {
            var text = new ShellFormat().Render([new ResolvedOutput("A", "A", OutputSamples.Value("it's $x")), new ResolvedOutput("B", "B", OutputSamples.Value(string.Empty))]);

            Assert.Equal("export A='it'\\''s $x'\nexport B=''\n", text);
        }

        [Fact]
        public void RefusesNulWithSpl9006WithoutTheValue()
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => new ShellFormat().Render(OutputSamples.Around("secret-canary\0rest")));

            Assert.Same(Codes.OutputUnrepresentable, ex.Code);
            Assert.Contains("'NAME'", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-canary", ex.ToString(), StringComparison.Ordinal);
        }
    }
}
