using SecretsPipeline.Core.Startup;

namespace SecretsPipeline.Core.Tests;

public class StartupWarmupTests
{
    // The warm-up swallows its own failures (it must never fail a command), so only this test notices when its example
    // stops being a valid manifest, lock or signature and the thread warms up nothing.
    [Fact]
    public void VerifiesItsOwnExampleLockEndToEnd() => Assert.True(StartupWarmup.Run());

    // It runs while the main thread reads the real files with the same readers: they must share no unguarded state.
    [Fact]
    public async Task GivesTheSameAnswerOnSeveralThreadsAtOnce()
    {
        var runs = Enumerable.Range(0, 8).Select(_ => Task.Run(StartupWarmup.Run)).ToArray();

        Assert.All(await Task.WhenAll(runs), Assert.True);
    }
}
