using System.Text;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// Runs the trials of the no-leak row with marked values (<c>LEAK-…</c>) and checks each right after it ran: standard
/// output holds a value only where <see cref="StdoutAllowance"/> allows it, standard error never, and no file under the
/// repository (but <c>.git</c>), the home or the scratch folder (but the <c>--out</c> targets and the runner's files),
/// and no audit record holds one. Values the store creates (dynamic credentials, generated rotations) join the marked
/// ones as soon as they exist.
/// </summary>
public sealed class LeakRig(Attack attack, Cli cli, IReadOnlyList<string> roots, IReadOnlyList<string> allowedFolders, Func<IEnumerable<string>> storeValues, Func<IEnumerable<(string Where, string Text)>> audit)
{
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    public Cli Cli => cli;

    public int Runs { get; private set; }

    public string NewValue(string label)
    {
        var value = $"LEAK-{label}-{Guid.NewGuid():N}";
        _values.Add(value);
        return value;
    }

    public void Know(IEnumerable<string> values)
    {
        foreach (var value in values.Where(v => v.Length >= 8))
        {
            _values.Add(value);
        }
    }

    public async Task<ProcessResult> RunAsync(LeakTrial trial)
    {
        if (trial.Arrange is not null)
        {
            await trial.Arrange();
        }

        try
        {
            var run = trial.Environment is null ? cli : cli.With(trial.Environment);
            var result = await run.RunWithInputAsync(trial.InputFactory?.Invoke(), trial.Arguments);
            Runs++;
            if (trial.Learn is not null)
            {
                Know(await trial.Learn());
            }

            Know(storeValues());
            attack.Record($"{trial.Label} -> exit {result.ExitCode}", Check(trial, result));
            return result;
        }
        finally
        {
            if (trial.Restore is not null)
            {
                await trial.Restore();
            }
        }
    }

    private Problems Check(LeakTrial trial, ProcessResult result)
    {
        var problems = new Problems();
        var ok = result.ExitCode == 0;
        problems.Check(trial.Expect != Expect.Success || ok, $"expected success: {Trim(result.StdErr)}");
        problems.Check(trial.Expect != Expect.Failure || !ok, "expected a failure, so the error path was not taken");
        problems.Check(ok || result.ErrorLines.Any(l => l.Contains(": error SPL", StringComparison.Ordinal)), $"failed without a coded error: {Trim(result.StdErr)}");
        problems.Check(!result.StdErr.Contains("   at ", StringComparison.Ordinal) || trial.Arguments.Contains("--verbose"), "a stack trace without --verbose");
        CheckText(problems, "stderr", result.StdErr);
        CheckStdout(problems, ok ? trial.Stdout : StdoutAllowance.None, result.StdOut);
        if (ok && trial.Delivers is not null)
        {
            // Otherwise the run wrote nothing and the row proves nothing about where values go.
            var delivered = File.Exists(trial.Delivers) ? File.ReadAllText(trial.Delivers) : string.Empty;
            problems.Check(_values.Any(v => delivered.Contains(v, StringComparison.Ordinal)), $"{trial.Delivers} holds no value after a successful run");
        }

        foreach (var root in roots)
        {
            CheckFiles(problems, root);
        }

        foreach (var (where, text) in audit())
        {
            CheckText(problems, where, text);
        }

        return problems;
    }

    private void CheckStdout(Problems problems, StdoutAllowance allowance, string stdout)
    {
        var lines = stdout.Split('\n');
        switch (allowance)
        {
            case StdoutAllowance.Values:
                problems.Check(_values.Any(v => stdout.Contains(v, StringComparison.Ordinal)), "the requested values are not on standard output");
                return;
            case StdoutAllowance.GitHubMasks:
                var firstOther = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith("::add-mask::", StringComparison.Ordinal));
                var lastMask = Array.FindLastIndex(lines, l => l.StartsWith("::add-mask::", StringComparison.Ordinal));
                problems.Check(lastMask >= 0, "no ::add-mask:: line");
                problems.Check(firstOther < 0 || firstOther > lastMask, "a line printed before the last ::add-mask::", lost: "unmasked output");
                CheckText(problems, "stdout (outside ::add-mask::)", string.Join('\n', lines.Where(l => !l.StartsWith("::add-mask::", StringComparison.Ordinal))));
                return;
            case StdoutAllowance.AzureSecretCommands:
                static bool Secret(string l) => l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal)
                    || (l.StartsWith("##vso[task.setvariable ", StringComparison.Ordinal) && l.Contains(";issecret=true]", StringComparison.Ordinal));
                problems.Check(lines.Any(Secret), "no ##vso secret command");
                CheckText(problems, "stdout (outside ##vso secret commands)", string.Join('\n', lines.Where(l => !Secret(l))));
                return;
            default:
                CheckText(problems, "stdout", stdout);
                return;
        }
    }

    private void CheckText(Problems problems, string where, string text)
    {
        foreach (var value in _values.Where(v => text.Contains(v, StringComparison.Ordinal)))
        {
            problems.Check(false, $"{where} holds {value}", lost: "value leaked");
        }
    }

    private void CheckFiles(Problems problems, string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var git = Path.Combine(root, ".git") + Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(root, "*", options))
        {
            if (file.StartsWith(git, StringComparison.Ordinal) || allowedFolders.Any(f => file.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                continue;
            }

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue; // removed between listing and reading (a temporary file)
            }

            foreach (var value in _values.Where(v => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(v)) >= 0))
            {
                problems.Check(false, $"{file} holds {value}", lost: "value leaked");
            }
        }
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text.Trim();
}
