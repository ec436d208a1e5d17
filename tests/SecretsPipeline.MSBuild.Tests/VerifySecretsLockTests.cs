using System.Text;
using Microsoft.Build.Framework;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.MSBuild.Tests.Support;

namespace SecretsPipeline.MSBuild.Tests;

public sealed class VerifySecretsLockTests
{
    private readonly RecordingBuildEngine _engine = new();

    [Fact]
    public async Task GoodLock_PassesAndReportsDigestEnvironmentsAndSigner()
    {
        using var repository = await LockedRepository.CreateAsync();
        var task = Task(repository);

        Assert.True(task.Execute());

        Assert.Empty(_engine.Errors);
        Assert.Empty(_engine.Warnings);
        Assert.Equal(Digest.Sha256(File.ReadAllBytes(repository.LockPath)), task.LockDigest);
        Assert.Equal(["development", "production"], task.Environments);
        Assert.StartsWith("local:", task.SignedBy, StringComparison.Ordinal);
        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("SecretsPipeline: checked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StaleLock_IsSpl2006OnTheLock()
    {
        using var repository = await LockedRepository.CreateAsync();
        repository.WriteManifest(LockedRepository.Manifest + "  API_KEY: { ref: \"secret/${env}/api#key\" }\n");

        var error = FailsWith("SPL2006", Task(repository));

        Assert.Equal(repository.LockPath, error.File);
        Assert.Contains("secrets-pipeline lock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewEnvironmentWithoutPins_IsStaleToo()
    {
        using var repository = await LockedRepository.CreateAsync();
        repository.WriteManifest(LockedRepository.Manifest.Replace("  production: { store: dev }\n", "  production: { store: dev }\n  staging: { store: dev }\n", StringComparison.Ordinal));

        FailsWith("SPL2006", Task(repository));
    }

    [Fact]
    public async Task PinEditedAfterSigning_IsSpl2004()
    {
        using var repository = await LockedRepository.CreateAsync();
        var lockFile = LockSerializer.Read(repository.LockPath);
        var pins = lockFile.Environments["development"];
        var edited = lockFile with
        {
            Environments = new Dictionary<string, EnvironmentLock>(lockFile.Environments)
            {
                ["development"] = pins with { Secrets = new Dictionary<string, SecretPin> { ["DB_PASSWORD"] = pins.Secrets["DB_PASSWORD"] with { Version = "7" } } },
            },
        };
        File.WriteAllBytes(repository.LockPath, LockSerializer.Serialize(edited));

        var error = FailsWith("SPL2004", Task(repository));

        Assert.Equal(repository.LockPath, error.File);
    }

    [Fact]
    public async Task LayoutEditedByHand_IsSpl2002()
    {
        using var repository = await LockedRepository.CreateAsync();
        var text = File.ReadAllText(repository.LockPath).Replace("\"lock_version\": 1", "\"lock_version\":  1", StringComparison.Ordinal);
        File.WriteAllText(repository.LockPath, text, new UTF8Encoding(false));

        var error = FailsWith("SPL2002", Task(repository));

        Assert.Equal(repository.LockPath, error.File);
    }

    [Fact]
    public async Task UnsignedLock_IsSpl2003()
    {
        using var repository = await LockedRepository.CreateAsync();
        File.WriteAllBytes(repository.LockPath, LockSerializer.Serialize(LockSerializer.Read(repository.LockPath).WithSignatures([])));

        FailsWith("SPL2003", Task(repository));
    }

    [Fact]
    public async Task SignedByAKeyTrustedOnlyElsewhere_IsSpl2005()
    {
        using var repository = await LockedRepository.CreateAsync();
        var stranger = repository.OtherHome();
        await repository.LockAsync(signer: stranger);

        var error = FailsWith("SPL2005", Task(repository));

        Assert.Equal(repository.LockPath, error.File);
        Assert.Contains("SECRETS_PIPELINE_TRUSTED_KEYS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignerTrustedThroughTheTrustedKeysProperty_Passes()
    {
        using var repository = await LockedRepository.CreateAsync();
        var colleague = repository.OtherHome();
        await repository.LockAsync(signer: colleague);
        var task = Task(repository);
        task.TrustedKeys = [colleague.SigningPublicKey];

        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Message)));
    }

    [Fact]
    public async Task SignerTrustedThroughTheVariable_Passes()
    {
        using var repository = await LockedRepository.CreateAsync();
        var colleague = repository.OtherHome();
        await repository.LockAsync(signer: colleague);
        var task = Task(repository);
        task.TrustedKeysVariable = File.ReadAllText(colleague.SigningPublicKey);

        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Message)));
    }

    [Fact]
    public async Task ManifestMistake_IsSpl1002WithLineAndColumn()
    {
        using var repository = await LockedRepository.CreateAsync();
        var text = LockedRepository.Manifest.Replace("{ ref:", "{ refs:", StringComparison.Ordinal);
        repository.WriteManifest(text);
        var line = text.Split('\n').Select((l, i) => (Text: l, Number: i + 1)).Single(l => l.Text.Contains("refs:", StringComparison.Ordinal));

        var error = FailsWith("SPL1002", Task(repository));

        Assert.Equal(repository.ManifestPath, error.File);
        Assert.Equal(line.Number, error.LineNumber);
        Assert.Equal(line.Text.IndexOf("refs", StringComparison.Ordinal) + 1, error.ColumnNumber);
    }

    [Fact]
    public async Task MissingLock_IsSpl2007()
    {
        using var repository = await LockedRepository.CreateAsync();
        File.Delete(repository.LockPath);

        var error = FailsWith("SPL2007", Task(repository));

        Assert.Equal(repository.LockPath, error.File);
    }

    [Fact]
    public async Task TreatErrorsAsWarnings_ReportsTheSameCodeAsAWarningAndSucceeds()
    {
        using var repository = await LockedRepository.CreateAsync();
        repository.WriteManifest(LockedRepository.Manifest + "  API_KEY: { ref: \"secret/${env}/api#key\" }\n");
        var task = Task(repository);
        task.TreatErrorsAsWarnings = true;

        Assert.True(task.Execute());

        Assert.Empty(_engine.Errors);
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal("SPL2006", warning.Code);
        Assert.Equal(repository.LockPath, warning.File);
        Assert.Null(task.LockDigest);
    }

    private VerifySecretsLock Task(LockedRepository repository) => new()
    {
        BuildEngine = _engine,
        ManifestPath = repository.ManifestPath,
        LockPath = repository.LockPath,
        HomePath = repository.Home.Path,
    };

    private BuildErrorEventArgs FailsWith(string code, VerifySecretsLock task)
    {
        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Null(task.LockDigest);
        Assert.Empty(task.Environments);
        return error;
    }
}
