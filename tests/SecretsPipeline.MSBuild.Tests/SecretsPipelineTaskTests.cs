using SecretsPipeline.Core.Errors;
using SecretsPipeline.MSBuild.Tests.Support;

namespace SecretsPipeline.MSBuild.Tests;

public sealed class SecretsPipelineTaskTests
{
    private readonly RecordingBuildEngine _engine = new();

    [Fact]
    public void ExpectedFailure_BecomesOneCodedErrorWithItsLocation()
    {
        var task = new Throwing(new SecretsPipelineException(Codes.ManifestBadRef, "bad ref", new SourceLocation("/repo/secrets.yaml", 4, 9))) { BuildEngine = _engine };

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("SPL1004", "/repo/secrets.yaml", 4, 9, "bad ref"), (error.Code, error.File, error.LineNumber, error.ColumnNumber, error.Message));
    }

    [Fact]
    public void ExpectedFailureWithoutLocation_PointsAtTheProject()
    {
        var task = new Throwing(new SecretsPipelineException(Codes.SigningKeyMissing, "no key")) { BuildEngine = _engine };

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("SPL2009", _engine.ProjectFileOfTaskNode), (error.Code, error.File));
    }

    [Fact]
    public void Bug_SurfacesWithItsStack()
    {
        var task = new Throwing(new InvalidOperationException("a bug")) { BuildEngine = _engine };

        Assert.Throws<InvalidOperationException>(() => task.Execute());
        Assert.Empty(_engine.Errors);
    }

    private sealed class Throwing(Exception exception) : SecretsPipelineTask
    {
        protected override void ExecuteCore() => throw exception;
    }
}
