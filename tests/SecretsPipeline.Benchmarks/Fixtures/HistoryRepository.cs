using System.Globalization;
using System.Text;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// A git repository of <see cref="Commits"/> commits on <c>main</c>, built in one `git fast-import` from a stream made
/// here. Every commit changes a source file; every <see cref="LockEvery"/>th also rewrites <c>secrets.lock.json</c> with
/// a real signed lock (100 pins, one moved to a new version each time), so `history` parses every one of them.
/// </summary>
internal static class HistoryRepository
{
    public const int Commits = 10_000;
    public const int LockEvery = 20;
    public const int Pins = 100;
    public const string LockFileName = "secrets.lock.json";

    private static readonly DateTimeOffset _epoch = new(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] _authors = ["Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>", "Alan Turing <alan@example.com>"];

    public static int LockCommits => Commits / LockEvery;

    public static async Task CreateAsync(string directory, SecretsPipelineHome home)
    {
        var manifestText = ManifestText.Local(Pins);
        var manifest = ManifestParser.Parse(Path.Combine(directory, "secrets.yaml"), manifestText);
        using var signer = new LocalSigner(EcdsaKeys.LoadPrivate(home));
        var stream = new MemoryStream();
        var versions = new int[Pins];
        Array.Fill(versions, 1);
        for (var i = 0; i < Commits; i++)
        {
            var files = new List<(string Path, byte[] Content)>
            {
                ($"src/module{i % 100:000}.cs", Encoding.UTF8.GetBytes($"// change {i}\nnamespace App;\n")),
            };
            if (i == 0)
            {
                files.Add(("secrets.yaml", Encoding.UTF8.GetBytes(manifestText)));
            }

            if (i % LockEvery == LockEvery - 1)
            {
                versions[(i / LockEvery) % Pins]++;
                files.Add((LockFileName, await SignedLockAsync(manifest, versions, signer)));
            }

            WriteCommit(stream, i, files);
        }

        await ProcessRun.CheckedAsync(new ProcessCommand("git", ["init", "--quiet", "--initial-branch=main", directory], directory));
        await ProcessRun.CheckedAsync(new ProcessCommand("git", ["fast-import", "--quiet"], directory), TimeSpan.FromMinutes(5), stream.ToArray());
    }

    private static async Task<byte[]> SignedLockAsync(SecretsManifest manifest, int[] versions, LocalSigner signer)
    {
        var pins = manifest.Secrets
            .Select((secret, index) => (secret.Name, Pin: SecretPin.Static(
                secret.RefFor(ManifestText.Environment).ToString(),
                versions[index].ToString(CultureInfo.InvariantCulture),
                _epoch.AddMinutes((index * 1000) + versions[index]),
                null)))
            .ToDictionary(p => p.Name, p => p.Pin, StringComparer.Ordinal);
        var store = new Dictionary<string, string> { ["type"] = "local", ["path"] = ".secrets-pipeline/store.db" };
        var lockFile = new LockFile(ManifestDigest.Compute(manifest), new Dictionary<string, EnvironmentLock> { [ManifestText.Environment] = new(store, pins) }, []);
        var signature = await signer.SignAsync(LockSerializer.SignedPayload(lockFile), CancellationToken.None);
        return LockSerializer.Serialize(lockFile.WithSignatures([signature]));
    }

    /// <summary>One fast-import commit with inline file contents; fast-import continues the branch by itself.</summary>
    private static void WriteCommit(Stream stream, int index, List<(string Path, byte[] Content)> files)
    {
        var when = _epoch.AddMinutes(index * 10).ToUnixTimeSeconds();
        var author = _authors[index % _authors.Length];
        var message = Encoding.UTF8.GetBytes(files.Any(f => f.Path == LockFileName) ? $"Pin new secret versions ({index})\n" : $"Change {index}\n");
        Write(stream, $"commit refs/heads/main\nauthor {author} {when} +0000\ncommitter {author} {when} +0000\n");
        WriteData(stream, message);
        foreach (var (path, content) in files)
        {
            Write(stream, $"M 100644 inline {path}\n");
            WriteData(stream, content);
        }

        Write(stream, "\n");
    }

    private static void WriteData(Stream stream, byte[] data)
    {
        Write(stream, string.Create(CultureInfo.InvariantCulture, $"data {data.Length}\n"));
        stream.Write(data);
        Write(stream, "\n");
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
