using System.Text;
using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Reliability.Formats;
using SecretsPipeline.Reliability.Harness;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "no leaks" (injection): values built from newlines, <c>::</c> workflow commands, <c>%</c> escapes,
/// <c>##vso[</c>, heredoc-delimiter-like lines, shell metacharacters, NUL, very long values and text that is not valid
/// UTF-16 (what non-UTF-8 bytes decode to) go through every format in <see cref="OutputFormats.Names"/>. Reading the
/// output back by its consumer's rules must give exactly the outputs, each value intact, and nothing else.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class InjectionAttacks(ITestOutputHelper output)
{
    private static readonly string[] _fragments =
    [
        "\n", "\r\n", "\r", "\t", "::", "::set-output name=EVIL::1", "::add-mask::", "::error::pwned", "::stop-commands::x", "%", "%25", "%0A", "%0D",
        "##vso[task.setvariable variable=EVIL]1", "##vso[", "]", ";", "EOF", "\nEOF\nEVIL=1\n", "ghadelimiter_", "\nghadelimiter_1\nEVIL<<X\n",
        "EVIL=1", "\nEVIL=1", "\"", "'", "\\", "\\n", "$", "$HOME", "${PATH}", "$(touch pwned)", "`touch pwned`", "'; touch pwned; '", "\"; touch pwned; \"",
        "#", " ", "=", "<<", "\u2028", "\u0085", "\uFEFF", "\uFFFD", "\uD800", "\uDFFF", "é", "😀", "\u001b[31m", "\0",
    ];

    [Fact]
    public void Hostile_values_through_every_output_format_set_exactly_the_outputs_and_nothing_else()
    {
        var attack = new Attack("no leak", "injection through every output format (" + string.Join(", ", OutputFormats.Names) + ")", output);
        var perFormat = Attack.Settings.Count(full: 5_000, subset: 150);
        var scratch = Directory.CreateTempSubdirectory("spl-injection-").FullName;
        try
        {
            foreach (var name in OutputFormats.Names)
            {
                if (!FormatReaders.ByName.TryGetValue(name, out var reader))
                {
                    attack.Record($"format {name}", [new Problem($"format '{name}' has no reader in FormatReaders: add one with its consumer's rules so it is attacked")]);
                    continue;
                }

                for (var trial = 0; trial < perFormat; trial++)
                {
                    var outputs = Outputs(attack.Random, trial);
                    attack.Record($"{name} trial {trial}", Check(name, reader, outputs, scratch));
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        attack.Complete(minimumTrials: perFormat * OutputFormats.Names.Count);
    }

    private static Problems Check(string format, IFormatReader reader, IReadOnlyList<ResolvedOutput> outputs, string scratch)
    {
        var problems = new Problems();
        byte[] bytes;
        try
        {
            bytes = Render(format, outputs, scratch);
        }
        catch (SecretsPipelineException ex)
        {
            // Refusing is allowed only for what the format cannot carry (NUL in an environment variable), and coded.
            problems.Check(
                outputs.Any(o => o.Value.Reveal().Contains('\0', StringComparison.Ordinal)) && ex.Code == Codes.OutputUnrepresentable,
                $"refused with {ex.Code.Id}: {ex.Message}");
            return problems;
        }
        catch (Exception ex)
        {
            problems.Check(false, $"unhandled {ex.GetType().Name}: {ex.Message}", lost: "unhandled exception");
            return problems;
        }

        FormatReading reading;
        try
        {
            reading = reader.Read(bytes, scratch);
        }
        catch (Exception ex)
        {
            problems.Check(false, $"the output does not read back ({ex.GetType().Name}: {ex.Message})", lost: "unreadable output");
            return problems;
        }

        problems.Check(reading.Extras.Count == 0, $"extras: {string.Join("; ", reading.Extras)}", lost: "injected command or line");
        var expected = outputs.Select(o => o.Name).ToArray();
        var names = reading.Variables.Select(v => v.Key).ToArray();
        problems.Check(names.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)), $"variables [{string.Join(", ", names)}], expected [{string.Join(", ", expected)}]", lost: "injected variable");
        foreach (var output in outputs)
        {
            // What an output's bytes can hold: text that is not valid UTF-16 arrives as U+FFFD, as it would from the store.
            var value = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(output.Value.Reveal()));
            var read = reading.Variables.Where(v => v.Key == output.Name).Select(v => v.Value).FirstOrDefault();
            problems.Check(read == value, $"{output.Name} reads back as a different value ({read?.Length} chars, expected {value.Length})", lost: "altered value");
        }

        return problems;
    }

    /// <summary>
    /// What a format's consumer sees on standard output. A CI-host format also appends to the runner's files, which it
    /// finds through the host's variables; here they point into the scratch folder, where the reader looks, and every
    /// output is also a step output so both files are attacked.
    /// </summary>
    private static byte[] Render(string format, IReadOnlyList<ResolvedOutput> outputs, string scratch)
    {
        if (!CiHosts.IsHost(format))
        {
            return Encoding.UTF8.GetBytes(OutputFormats.Get(format).Render(outputs));
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GITHUB_ENV"] = Path.Combine(scratch, GitHubReader.EnvFile),
            ["GITHUB_OUTPUT"] = Path.Combine(scratch, GitHubReader.OutputFile),
            ["AGENT_TEMPDIRECTORY"] = scratch,
        };
        File.Delete(variables["GITHUB_ENV"]);
        File.Delete(variables["GITHUB_OUTPUT"]);
        using var stdout = new StringWriter();
        var host = CiHosts.Create(format, new FileCiSink(stdout), name => variables.GetValueOrDefault(name));
        host.Prepare(outputs, new ExportRequest(true, outputs.Select(o => o.Name).ToArray())).Apply();
        return Encoding.UTF8.GetBytes(stdout.ToString());
    }

    private static List<ResolvedOutput> Outputs(Random random, int trial)
    {
        var outputs = new List<ResolvedOutput>();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var value = new StringBuilder();
            for (var parts = random.Next(1, 12); parts > 0; parts--)
            {
                value.Append(random.Next(4) == 0 ? (char)random.Next(1, 0x7F) : _fragments[random.Next(_fragments.Length)]);
            }

            if (trial % 25 == 0 && i == 1)
            {
                // Very long, and below the 128 KiB a single environment string may hold on Linux.
                value.Append(new string('A', 100_000)).Append("\nEVIL=1\n").Append(_fragments[random.Next(_fragments.Length)]);
            }

            outputs.Add(new ResolvedOutput($"OUT_{outputs.Count}_{random.Next(100)}", $"SECRET_{i}", new SecretValue(value.ToString(), new SecretVersionInfo("1", DateTimeOffset.UnixEpoch))));
        }

        return outputs;
    }
}
