using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Design §5 "tamper-evident": any change to a signed lock not re-signed by a trusted key fails verify and resolve.
/// Attacked through the packed tool: flip bytes all over the file, and re-sign with a key this home does not trust.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class TamperTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = TestRepo.Environment;

    [Fact]
    public async Task Flipping_any_byte_of_a_signed_lock_fails_verify_and_resolve_with_an_SPL2_code()
    {
        using var repo = new TestRepo(tool);
        var value = $"tamper-{Guid.NewGuid():N}";
        await repo.InitAsync();
        await repo.Cli.PutAsync(TestRepo.DbPasswordRef, value);
        await repo.Cli.OkAsync("lock");
        await repo.Cli.OkAsync("verify");
        Assert.Contains(value, (await repo.Cli.OkAsync("resolve", "--env", Env)).StdOut, StringComparison.Ordinal);

        var original = repo.ReadLock();
        var positions = Positions(Encoding.UTF8.GetString(original));
        Assert.True(positions.Count >= 25, $"only {positions.Count} positions");
        var problems = new List<string>();
        foreach (var (label, index) in positions)
        {
            var tampered = (byte[])original.Clone();
            tampered[index] ^= 0x01;
            await File.WriteAllBytesAsync(repo.LockPath, tampered);

            var verify = await repo.Cli.RunAsync("verify");
            var resolve = await repo.Cli.RunAsync("resolve", "--env", Env);
            var verdict = $"{label} (byte {index}, {Show(original[index])} -> {Show(tampered[index])}): verify exit {verify.ExitCode} {FirstCode(verify)}, resolve exit {resolve.ExitCode} {FirstCode(resolve)}";
            output.WriteLine(verdict);
            if (!IsLockRefusal(verify) || !IsLockRefusal(resolve) || resolve.StdOut.Length != 0)
            {
                problems.Add($"{verdict}\nverify: {verify}\nresolve: {resolve}");
            }
        }

        await File.WriteAllBytesAsync(repo.LockPath, original);
        Assert.True(problems.Count == 0, $"{problems.Count} of {positions.Count} tampered locks were not refused:\n{string.Join("\n\n", problems)}");
        await repo.Cli.OkAsync("verify");
    }

    [Fact]
    public async Task A_lock_re_signed_by_an_untrusted_key_is_refused_until_that_key_is_trusted_from_outside_the_repo()
    {
        using var repo = new TestRepo(tool, output);
        await repo.InitAsync();
        await repo.Cli.PutAsync(TestRepo.DbPasswordRef, $"first-{Guid.NewGuid():N}");
        await repo.Cli.OkAsync("lock");
        var ourKey = LockSerializer.Read(repo.LockPath).Signatures.Single().KeyId;

        // Someone else (their own home and signing key, sharing our store key) rotates and re-locks.
        var theirHome = Path.Combine(repo.Scratch, "their-home");
        var them = repo.Cli.WithHome(theirHome);
        var theirKey = KeyIdOf(await them.OkAsync("init", "--json"));
        Assert.NotEqual(ourKey, theirKey);
        File.Copy(Path.Combine(repo.Home, "local-store.key"), Path.Combine(theirHome, "local-store.key"), overwrite: true);
        var rotated = $"second-{Guid.NewGuid():N}";
        await them.PutAsync(TestRepo.DbPasswordRef, rotated);
        // They refuse our lock as untrusted too, until they trust our public key.
        AssertRefused(await them.RunAsync("lock", "--update"), "SPL2005");
        await them.OkAsync("lock", "--update", "--trust-key", Path.Combine(repo.Home, "signing-key.pub.pem"));
        Assert.Equal(theirKey, LockSerializer.Read(repo.LockPath).Signatures.Single().KeyId);
        var theirLock = repo.ReadLock();

        AssertRefused(await repo.Cli.RunAsync("verify"), "SPL2005");
        AssertRefused(await repo.Cli.RunAsync("resolve", "--env", Env), "SPL2005");
        AssertRefused(await repo.Cli.RunAsync("verify", "--trust-key", Path.Combine(repo.Home, "signing-key.pub.pem")), "SPL2005");

        // A key that sits in the repository proves nothing.
        var inRepo = Directory.CreateDirectory(Path.Combine(repo.Path, "trusted-keys")).FullName;
        File.Copy(Path.Combine(theirHome, "signing-key.pub.pem"), Path.Combine(inRepo, "them.pem"));
        AssertRefused(await repo.Cli.RunAsync("verify"), "SPL2005");

        // Trust given from outside the repository: --trust-key, or a PEM in the home's trusted-keys/.
        var theirPublicKey = Path.Combine(theirHome, "signing-key.pub.pem");
        var verified = await repo.Cli.OkAsync("verify", "--trust-key", theirPublicKey);
        Assert.Contains(theirKey, verified.StdOut, StringComparison.Ordinal);
        Assert.Equal($"DB_PASSWORD=\"{rotated}\"\n", (await repo.Cli.OkAsync("resolve", "--env", Env, "--trust-key", theirPublicKey)).StdOut);
        await repo.Cli.OkAsync("verify", "--trust-key", await File.ReadAllTextAsync(theirPublicKey));
        var trusted = Directory.CreateDirectory(Path.Combine(repo.Home, "trusted-keys")).FullName;
        File.Copy(theirPublicKey, Path.Combine(trusted, "them.pem"));
        await repo.Cli.OkAsync("verify");
        Assert.Equal(theirLock, repo.ReadLock());
    }

    [Fact]
    public async Task Changing_only_the_padding_bits_of_the_signature_still_fails_verify()
    {
        using var repo = new TestRepo(tool, output);
        await repo.InitAsync();
        await repo.Cli.PutAsync(TestRepo.DbPasswordRef, $"pad-{Guid.NewGuid():N}");
        await repo.Cli.OkAsync("lock");
        var original = repo.ReadLock();
        var text = Encoding.UTF8.GetString(original);
        var signature = SignatureValue().Match(text).Groups["value"];
        Assert.Equal(88, signature.Length);
        Assert.EndsWith("==", signature.Value, StringComparison.Ordinal);

        // 64 bytes in base64: the 86th character carries 2 bits of the signature and 4 padding bits that decoders ignore.
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var index = signature.Index + 85;
        var sixBits = Alphabet.IndexOf(text[index], StringComparison.Ordinal);
        var tampered = (byte[])original.Clone();
        tampered[index] = (byte)Alphabet[sixBits ^ 0x01];
        await File.WriteAllBytesAsync(repo.LockPath, tampered);

        AssertRefused(await repo.Cli.RunAsync("verify"), "SPL2");
        AssertRefused(await repo.Cli.RunAsync("resolve", "--env", Env), "SPL2");
    }

    /// <summary>Places across the whole file: layout, every field's key and value, the signature, the end.</summary>
    private static List<(string Label, int Index)> Positions(string lockText)
    {
        int After(string anchor, int offset = 0)
        {
            var at = lockText.IndexOf(anchor, StringComparison.Ordinal);
            Assert.True(at >= 0, $"the lock has no '{anchor}':\n{lockText}");
            return at + anchor.Length + offset;
        }

        var signature = SignatureValue().Match(lockText).Groups["value"];
        Assert.True(signature.Success, lockText);
        var fingerprint = After("\"fingerprint\": \"hmac-sha256:");
        var digest = After("\"manifest_digest\": \"sha256:");
        return
        [
            ("first byte '{'", 0),
            ("newline after '{'", 1),
            ("indentation space", 2),
            ("key \"environments\"", After("\"environments") - 4),
            ("colon after \"environments\"", After("\"environments\"")),
            ("environment name", After("\"development") - 3),
            ("key \"secrets\"", After("\"secrets") - 2),
            ("secret name", After("\"DB_PASSW") - 1),
            ("created: year digit", After("\"created\": \"", 3)),
            ("created: fraction digit", After("\"created\": \"", 22)),
            ("fingerprint: first char", fingerprint),
            ("fingerprint: middle char", fingerprint + 20),
            ("ref: mount", After("\"ref\": \"", 2)),
            ("ref: key after '#'", After("#pass")),
            ("version digit", After("\"version\": \"")),
            ("comma after a pin field", After("\"ref\": \"secret/development/app/db#password\"")),
            ("store path", After("\"path\": \".secrets-", 1)),
            ("store type", After("\"type\": \"", 2)),
            ("lock_version digit", After("\"lock_version\": ")),
            ("manifest digest: algorithm", After("\"manifest_digest\": \"", 1)),
            ("manifest digest: first hex", digest),
            ("manifest digest: middle hex", digest + 32),
            ("manifest digest: last hex", digest + 63),
            ("signature algorithm", After("\"algorithm\": \"ecdsa-", 2)),
            ("signature key id", After("\"key_id\": \"local:", 5)),
            ("signature value: first char", signature.Index),
            ("signature value: middle char", signature.Index + 44),
            ("signature value: last full char", signature.Index + 84),
            ("signature value: padding '='", signature.Index + 87),
            ("closing ']'", After("\n  ]") - 1),
            ("final '}'", lockText.Length - 2),
            ("final newline", lockText.Length - 1),
        ];
    }

    private static bool IsLockRefusal(ProcessResult result) =>
        result.ExitCode == 1
        && result.ErrorLines.Count == 1
        && LockDiagnostic().IsMatch(result.ErrorLines[0]);

    private static void AssertRefused(ProcessResult result, string code)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(string.Empty, result.StdOut);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"error {code}", line, StringComparison.Ordinal);
    }

    private static string Show(byte b) => b is >= 0x21 and < 0x7F ? $"'{(char)b}'" : $"0x{b:X2}";

    private static string FirstCode(ProcessResult result) =>
        Regex.Match(result.StdErr, @"SPL\d{4}") is { Success: true } match ? match.Value : "(no code)";

    private static string KeyIdOf(ProcessResult init)
    {
        using var report = JsonDocument.Parse(init.StdOut);
        return report.RootElement.GetProperty("signing_key_id").GetString()!;
    }

    [GeneratedRegex(@"secrets\.lock\.json(\(\d+(,\d+)?\))?: error SPL2\d{3}: ")]
    private static partial Regex LockDiagnostic();

    [GeneratedRegex("\"value\": \"(?<value>[A-Za-z0-9+/=]+)\"")]
    private static partial Regex SignatureValue();
}
