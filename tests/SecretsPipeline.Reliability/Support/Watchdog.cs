using SecretsPipeline.Core.Errors;
using SecretsPipeline.Reliability.Harness;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// Runs one parser input with a hang detector: the input must return, or throw our coded exception, before a bound
/// far above any real parse (a hang, not a speed check). Anything else thrown is an unhandled exception.
/// </summary>
public static class Watchdog
{
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    public static async Task<Problems> CodedOrAcceptedAsync(Func<Task> parse, string codePrefix)
    {
        var problems = new Problems();
        var work = Task.Run(parse);
        if (await Task.WhenAny(work, Task.Delay(HangBound)) != work)
        {
            problems.Check(false, $"no answer within {HangBound.TotalSeconds:0} s", lost: "hang");
            return problems;
        }

        try
        {
            await work;
        }
        catch (SecretsPipelineException ex)
        {
            problems.Check(ex.Code.Id.StartsWith(codePrefix, StringComparison.Ordinal), $"refused with {ex.Code.Id}, expected {codePrefix}xxx: {ex.Message}");
            problems.Check(ex.Message.Length > 0 && !ex.Message.Contains('\n', StringComparison.Ordinal), $"{ex.Code.Id} is not one line: {ex.Message}");
        }
        catch (Exception ex)
        {
            problems.Check(false, $"unhandled {ex.GetType().FullName}: {ex.Message.Split('\n')[0]} at {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}", lost: "unhandled exception");
        }

        return problems;
    }
}
