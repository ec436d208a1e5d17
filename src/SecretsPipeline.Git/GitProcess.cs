using System.Diagnostics;

namespace SecretsPipeline.Git;

/// <summary>Starts the git executable with its output piped to us and nothing inherited that could change its answer.</summary>
internal static class GitProcess
{
    // These name git's own install and the config files it reads (a CI runner's safe.directory lives there); every
    // other GIT_* variable (GIT_DIR, GIT_WORK_TREE, GIT_OBJECT_DIRECTORY, GIT_CONFIG_PARAMETERS from a parent git,
    // GIT_*_PATHSPECS, GIT_REPLACE_REF_BASE, ...) would make git read another repository or read this one differently,
    // and libgit2, the fallback that must give the same answer, reads none of them.
    private static readonly HashSet<string> _kept = new(StringComparer.Ordinal)
    {
        "GIT_EXEC_PATH", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
    };

    /// <summary>Throws <see cref="System.ComponentModel.Win32Exception"/> when <paramref name="git"/> cannot be started.</summary>
    public static Process Start(string git, string workingDirectory, IEnumerable<string> arguments, bool redirectInput)
    {
        var info = new ProcessStartInfo(git)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.OrdinalIgnoreCase) && !_kept.Contains(k)).ToArray())
        {
            info.Environment.Remove(name);
        }

        // A report never prompts, and never fetches what a partial clone left out (git 2.44+; older ones ignore it).
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_NO_LAZY_FETCH"] = "1";
        info.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        return Process.Start(info) ?? throw new InvalidOperationException($"{git} did not start.");
    }

    /// <summary>
    /// Reads and drops what the process writes to standard error, so a chatty git never blocks on a full pipe; on a
    /// thread of its own, with plain reads (an async pipe read would start the runtime's socket engine, a cost at start).
    /// </summary>
    public static void DrainErrors(Process process)
    {
        var errors = process.StandardError.BaseStream;
        Background(() =>
        {
            var buffer = new byte[4096];
            try
            {
                while (errors.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Released while reading: nothing more to drain.
            }
        });
    }

    /// <summary>
    /// Runs work on a thread of its own. Not the thread pool: starting it up costs a run this short more than a few
    /// threads do.
    /// </summary>
    public static Task Background(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Kills the process if it still runs.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It exited in between.
        }
    }

    /// <summary>
    /// Stops the process if it still runs and frees it, in the background: closing a pipe for the first time costs a
    /// few milliseconds the caller need not wait for.
    /// </summary>
    public static void Release(Process? process)
    {
        if (process is null)
        {
            return;
        }

        Background(() =>
        {
            Stop(process);
            process.Dispose();
        });
    }
}
