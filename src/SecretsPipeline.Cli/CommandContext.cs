using System.CommandLine;
using SecretsPipeline.Cli.Terminal;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Git;
using SecretsPipeline.Stores.Local;
using SecretsPipeline.Vault;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Transit;

namespace SecretsPipeline.Cli;

/// <summary>What one command invocation works with: resolved paths, the home folder, stores and trust.</summary>
internal sealed class CommandContext
{
    public const string ManifestFileName = "secrets.yaml";
    public const string LockFileName = "secrets.lock.json";

    private readonly ParseResult _parse;
    private readonly CommonOptions _options;

    public CommandContext(ParseResult parse, CommonOptions options, ConsoleOutput output)
    {
        _parse = parse;
        _options = options;
        Output = output;
        Home = SecretsPipelineHome.FromEnvironment();
        var manifest = parse.GetValue(options.Manifest);
        ManifestPath = Path.GetFullPath(manifest ?? Path.Combine(DefaultRoot(), ManifestFileName));
        var lockPath = parse.GetValue(options.Lock);
        LockPath = Path.GetFullPath(lockPath ?? Path.Combine(Path.GetDirectoryName(ManifestPath)!, LockFileName));
    }

    public ConsoleOutput Output { get; }

    public SecretsPipelineHome Home { get; }

    public string ManifestPath { get; }

    public string LockPath { get; }

    public string ManifestDirectory => Path.GetDirectoryName(ManifestPath)!;

    public string? Environment => _parse.GetValue(_options.Env);

    public bool Json => _parse.GetValue(_options.Json);

    /// <summary>How many store requests may be in flight: --parallelism, SECRETS_PIPELINE_PARALLELISM, else the resolver's default.</summary>
    public int Parallelism
    {
        get
        {
            var value = _parse.GetValue(_options.Parallelism)
                ?? (int.TryParse(System.Environment.GetEnvironmentVariable("SECRETS_PIPELINE_PARALLELISM"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : Resolver.DefaultParallelism);
            return value is >= 1 and <= 1024
                ? value
                : throw new SecretsPipelineException(Codes.Usage, $"parallelism {value} is out of range; use 1 to 1024.");
        }
    }

    public T? Get<T>(Option<T> option) => _parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => _parse.GetValue(argument);

    public string RequireEnvironment(string command) =>
        Environment ?? throw new SecretsPipelineException(Codes.Usage, $"`{command}` needs --env ENV (one of the environments in secrets.yaml).");

    public StoreRegistry OpenStores() => new(
        [new LocalStoreFactory(Home), new VaultStoreFactory(System.Environment.GetEnvironmentVariable, UserProfile, Parallelism)],
        ManifestDirectory);

    public LocalTrustSource LoadTrust() =>
        LocalTrustSource.Load(Home, _parse.GetValue(_options.TrustKey) ?? [], System.Environment.GetEnvironmentVariable(LocalTrustSource.Variable));

    /// <summary>Reads the manifest from the work tree, or from git at <paramref name="revision"/>.</summary>
    public SecretsManifest ReadManifest(string? revision = null)
    {
        if (revision is null)
        {
            return ManifestParser.ParseFile(ManifestPath);
        }

        using var git = GitRevisionReader.Open(ManifestDirectory);
        var text = System.Text.Encoding.UTF8.GetString(git.ReadFile(revision, ManifestPath));
        return ManifestParser.Parse($"{revision}:{Path.GetRelativePath(git.WorkingDirectory, ManifestPath)}", text);
    }

    /// <summary>How long lock and rotate wait for another one in the same repository (SECRETS_PIPELINE_LOCK_TIMEOUT seconds, default 120).</summary>
    public TimeSpan LockTimeout =>
        TimeSpan.FromSeconds(double.TryParse(System.Environment.GetEnvironmentVariable("SECRETS_PIPELINE_LOCK_TIMEOUT"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : 120);

    /// <summary>The commit a revision names.</summary>
    public string CommitOf(string revision)
    {
        using var git = GitRevisionReader.Open(ManifestDirectory);
        return git.CommitId(revision);
    }

    /// <summary>Reads and parses the lock from the work tree, or from git at <paramref name="revision"/>; returns the path used in messages too.</summary>
    public (LockFile Lock, string DisplayPath) ReadLock(string? revision = null)
    {
        if (revision is null)
        {
            return (LockSerializer.Read(LockPath), LockPath);
        }

        using var git = GitRevisionReader.Open(ManifestDirectory);
        var display = $"{revision}:{Path.GetRelativePath(git.WorkingDirectory, LockPath)}";
        return (LockSerializer.Parse(display, git.ReadFile(revision, LockPath)), display);
    }

    /// <summary>Reads, parses and verifies the lock's signature against trust from outside the repository.</summary>
    public async Task<(LockFile Lock, string DisplayPath, string SignedBy)> ReadVerifiedLockAsync(string? revision, CancellationToken cancellationToken)
    {
        var (lockFile, display) = ReadLock(revision);
        using var trust = LoadTrust();
        var transitKeys = (_parse.GetValue(_options.TrustTransitKey) ?? [])
            .Concat((System.Environment.GetEnvironmentVariable(TransitTrustSource.Variable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        var signedBy = await (transitKeys.Length == 0
            ? new LockVerifier([trust]).VerifyAsync(display, lockFile, cancellationToken)
            : VerifyWithTransitAsync(trust, transitKeys, display, lockFile, cancellationToken)).ConfigureAwait(false);
        return (lockFile, display, signedBy);
    }

    // Apart from the local-key path, so a verify without transit keys does not load the Vault client's assembly.
    private async Task<string> VerifyWithTransitAsync(LocalTrustSource trust, string[] transitKeys, string display, LockFile lockFile, CancellationToken cancellationToken)
    {
        using var vault = VaultEnvironmentClient.Create(System.Environment.GetEnvironmentVariable, UserProfile);
        var transit = new TransitTrustSource(mount => new TransitClient(vault, mount), transitKeys);
        return await new LockVerifier([trust, transit]).VerifyAsync(display, lockFile, cancellationToken).ConfigureAwait(false);
    }

    public static string UserProfile => System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    /// <summary>
    /// The work tree root (nearest folder with a <c>.git</c> entry), else the current folder. Walking the folders
    /// avoids loading libgit2 for commands that never read history.
    /// </summary>
    private static string DefaultRoot()
    {
        var cwd = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        return cwd;
    }
}
