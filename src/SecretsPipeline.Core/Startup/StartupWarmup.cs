using System.Security.Cryptography;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Core.Startup;

/// <summary>
/// Runs what a verify needs once, on a tiny example held in memory: the manifest reader and its digest, the lock's
/// writer and reader, the lock-to-manifest check, a local signature and its check. The CLI starts this on a second
/// thread as its first step.
/// </summary>
/// <remarks>
/// A short command in a new process spends most of its time on first use, not on work: loading YamlDotNet's and our
/// own types, binding ReadyToRun code, compiling the generic code the image could not hold,
/// and loading OpenSSL. Paid here, while the main thread is still building and parsing the command line, it is done
/// (or under way) by the time the real files are read (issue 8, verify-1000 on 2 cores: 2.7× → about 2.1× of `--version`).
/// Nothing is read from or written to disk; the key is made for the occasion and dropped.
/// </remarks>
public static class StartupWarmup
{
    private const string Source = "(start-up warm-up)";
    private const string Environment = "e";

    private const string Manifest = """
        version: 1
        stores:
          s: { type: local }
        environments:
          e: { store: s }
        secrets:
          A:
            ref: "app/${env}/a#value"
        """;

    /// <summary>Starts <see cref="Run"/> on a background thread, where a second core can take it; does nothing on one core.</summary>
    public static void Start()
    {
        if (System.Environment.ProcessorCount < 2)
        {
            return;
        }

        new Thread(RunQuietly) { IsBackground = true, Name = "secrets-pipeline warm-up" }.Start();
    }

    /// <summary>The example, end to end; true when the lock read back verifies and matches the manifest it was made from.</summary>
    public static bool Run()
    {
        var manifest = ManifestParser.Parse(Source, Manifest);
        var pins = new Dictionary<string, SecretPin>(StringComparer.Ordinal)
        {
            ["A"] = SecretPin.Static("app/e/a#value", "1", DateTimeOffset.UnixEpoch, fingerprint: null),
        };
        var environments = new Dictionary<string, EnvironmentLock>(StringComparer.Ordinal)
        {
            [Environment] = new(new Dictionary<string, string>(StringComparer.Ordinal) { ["type"] = "local" }, pins),
        };

        // In the order verify needs them, so the main thread finds the early ones done: the lock's reader, then OpenSSL.
        var read = LockSerializer.Parse(Source, LockSerializer.Serialize(new LockFile(ManifestDigest.Compute(manifest), environments, [])));
        LockConsistency.Check(Source, read, manifest, [Environment]);

        using var signer = new LocalSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var signed = read.WithSignatures([signer.SignAsync(LockSerializer.SignedPayload(read), CancellationToken.None).GetAwaiter().GetResult()]);
        using var trust = LocalTrustSource.Of(signer.PublicKeyPem(), Source);
        return new LockVerifier([trust]).VerifyAsync(Source, signed, CancellationToken.None).GetAwaiter().GetResult() == signer.KeyId;
    }

    private static void RunQuietly()
    {
        try
        {
            Run();
        }
        catch (Exception)
        {
            // A warm-up that fails has only failed to save time; the command meets and reports any real problem itself.
        }
    }
}
