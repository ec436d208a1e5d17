using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Tests;

public class DiagnosticTests
{
    [Theory]
    [InlineData("line\nfeed")]
    [InlineData("carriage\rreturn")]
    [InlineData("tab\there")]
    [InlineData("next\u0085line")]
    [InlineData("line\u2028separator")]
    [InlineData("paragraph\u2029separator")]
    [InlineData("nul\0byte")]
    public void KeepsADiagnosticOnOneLineWhateverTheInputHolds(string name)
    {
        var diagnostic = Diagnostic.Format(new SourceLocation("secrets.yaml", 7, 3), "error", "SPL1007", $"secret name '{name}' is not a valid variable name");

        Assert.DoesNotContain(diagnostic, c => char.IsControl(c) || c is '\u2028' or '\u2029');
        Assert.Equal($"secrets.yaml(7,3): error SPL1007: secret name '{Diagnostic.OneLine(name)}' is not a valid variable name", diagnostic);
        Assert.Equal(name.Length, Diagnostic.OneLine(name).Length);
        Assert.Contains('?', Diagnostic.OneLine(name));
    }

    [Fact]
    public void LeavesOrdinaryTextAsItIs()
    {
        const string text = "store 'vault' (eu-west_2) is not declared; declared: dev — ünïcode too";

        Assert.Same(text, Diagnostic.OneLine(text));
    }

    [Fact]
    public void PutsThePathOnOneLineToo()
    {
        var diagnostic = Diagnostic.Format(new SourceLocation("odd\ndir/secrets.yaml"), "error", "SPL1015", "file not found");

        Assert.Equal("odd?dir/secrets.yaml: error SPL1015: file not found", diagnostic);
    }

    [Fact]
    public void KeepsAnExceptionMessageOnOneLineForEveryConsumer()
    {
        // Found by the reliability manifest fuzzer: a placeholder quoted from the input held a line break.
        var ex = new SecretsPipelineException(Codes.ManifestBadPlaceholder, "unknown placeholder '${e\nv}'; the only placeholder is ${env}.");

        Assert.Equal("unknown placeholder '${e?v}'; the only placeholder is ${env}.", ex.Message);
    }
}
