using SecretsPipeline.Benchmarks.Reporting;

namespace SecretsPipeline.Benchmarks.Processes;

/// <summary>
/// Times whole processes the way a user meets them: wall clock from start to exit. Subject and baseline alternate run
/// by run, so drift on a shared machine (another build, a cold cache) lands on both; the first round is a discarded warm-up.
/// </summary>
internal static class ProcessTimer
{
    public static async Task<(Sample Subject, Sample Baseline)> CompareAsync(ProcessCommand subject, ProcessCommand baseline, int runs, int warmups = 1)
    {
        var subjectTimes = new List<double>();
        var baselineTimes = new List<double>();
        for (var round = 0; round < warmups + runs; round++)
        {
            var b = await ProcessRun.CheckedAsync(baseline);
            var s = await ProcessRun.CheckedAsync(subject);
            if (round >= warmups)
            {
                baselineTimes.Add(b.Elapsed.TotalMilliseconds);
                subjectTimes.Add(s.Elapsed.TotalMilliseconds);
            }
        }

        return (new Sample(subjectTimes, "ms"), new Sample(baselineTimes, "ms"));
    }
}
