using System.Text;
using System.Text.RegularExpressions;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Locks signed by a Vault transit key (the private key never leaves Vault): trusted only when the verifier names the
/// key from outside the repository, checked by Vault's <c>transit/verify</c>, and any flipped byte is refused.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class VaultTransitSigningTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = VaultRepo.Environment;
    private const string Signer = "vault-transit:transit/spl";
    private const string TrustedKey = "transit/spl";

    [Fact]
    public async Task A_lock_signed_with_a_transit_key_verifies_only_when_that_key_is_trusted_and_a_flipped_byte_is_refused()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var cli = vault.Cli;
        vault.Vault.State.Transit.CreateKey("spl", "ecdsa-p256");
        var (db, api) = ($"db-{Guid.NewGuid():N}", $"api-{Guid.NewGuid():N}");
        vault.Put("production/app/db", "password", db);
        vault.Put("production/api", "key", api);
        await vault.InitAsync();

        vault.Vault.Requests.Clear();
        await cli.OkAsync("lock", "--signer", Signer);
        Assert.Contains(vault.Vault.Requests.Snapshot(), r => r.Method == "POST" && r.PathAndQuery == "/v1/transit/sign/spl" && r.Status == 200);
        var signature = Assert.Single(LockSerializer.Read(vault.LockPath).Signatures);
        Assert.Equal("vault-transit", signature.Algorithm);
        Assert.Equal(Signer, signature.KeyId);
        Assert.StartsWith("vault:v1:", signature.Value, StringComparison.Ordinal);
        output.WriteLine(Encoding.UTF8.GetString(vault.ReadLock()));

        // Trusted by naming the key on the command line or in the environment; Vault's transit/verify decides.
        vault.Vault.Requests.Clear();
        var verified = await cli.OkAsync("verify", "--trust-transit-key", TrustedKey);
        Assert.Contains(Signer, verified.StdOut + verified.StdErr, StringComparison.Ordinal);
        Assert.Contains(vault.Vault.Requests.Snapshot(), r => r.Method == "POST" && r.PathAndQuery == "/v1/transit/verify/spl" && r.Status == 200);
        await cli.With(new Dictionary<string, string?> { ["SECRETS_PIPELINE_TRUSTED_TRANSIT_KEYS"] = TrustedKey }).OkAsync("verify");
        Assert.Equal(
            $"DB_PASSWORD=\"{db}\"\nAPI_KEY=\"{api}\"\n",
            (await cli.OkAsync("resolve", "--env", Env, "--trust-transit-key", TrustedKey)).StdOut);

        // Without that trust: refused, in this home (whose own local key did not sign) and in a fresh one.
        AssertLockRefused(await cli.RunAsync("verify"), "SPL2005");
        var freshHome = Directory.CreateDirectory(Path.Combine(vault.Repo.Scratch, "fresh-home")).FullName;
        var stranger = cli.WithHome(freshHome);
        AssertLockRefused(await stranger.RunAsync("verify"), "SPL2005");
        AssertLockRefused(await stranger.RunAsync("resolve", "--env", Env), "SPL2005");
        // Trusting some other transit key does not help.
        vault.Vault.State.Transit.CreateKey("other", "ecdsa-p256");
        AssertLockRefused(await stranger.RunAsync("verify", "--trust-transit-key", "transit/other"), "SPL2005");
        await stranger.OkAsync("verify", "--trust-transit-key", TrustedKey);

        // Flip one bit at a time: content, key id, signature. Every one is refused with an SPL2 code.
        var original = vault.ReadLock();
        var text = Encoding.UTF8.GetString(original);
        var value = SignatureValue().Match(text).Groups["value"];
        Assert.True(value.Success, text);
        int After(string anchor, int offset = 0)
        {
            var at = text.IndexOf(anchor, StringComparison.Ordinal);
            Assert.True(at >= 0, $"the lock has no '{anchor}':\n{text}");
            return at + anchor.Length + offset;
        }

        (string Label, int Index)[] positions =
        [
            ("version digit", After("\"version\": \"")),
            ("created: seconds digit", After("\"created\": \"", 18)),
            ("ref path", After("\"ref\": \"secret/prod", 1)),
            ("key id", After("\"key_id\": \"vault-transit:transit/sp")),
            ("signature: first base64 char", value.Index + "vault:v1:".Length),
            ("signature: middle char", value.Index + (value.Length / 2)),
            ("signature: last char", value.Index + value.Length - 1),
        ];
        var problems = new List<string>();
        foreach (var (label, index) in positions)
        {
            var tampered = (byte[])original.Clone();
            tampered[index] ^= 0x01;
            await File.WriteAllBytesAsync(vault.LockPath, tampered);
            var verify = await cli.RunAsync("verify", "--trust-transit-key", TrustedKey);
            var resolve = await cli.RunAsync("resolve", "--env", Env, "--trust-transit-key", TrustedKey);
            output.WriteLine($"{label}: verify {verify.ExitCode} {verify.StdErr.Trim()} | resolve {resolve.ExitCode}");
            if (!IsLockRefusal(verify) || !IsLockRefusal(resolve))
            {
                problems.Add($"{label} (byte {index}):\nverify: {verify}\nresolve: {resolve}");
            }
        }

        await File.WriteAllBytesAsync(vault.LockPath, original);
        Assert.True(problems.Count == 0, $"{problems.Count} of {positions.Length} tampered locks were not refused:\n{string.Join("\n\n", problems)}");
        await cli.OkAsync("verify", "--trust-transit-key", TrustedKey);
        vault.AssertTokenNeverPrinted();
    }

    private static bool IsLockRefusal(ProcessResult result) =>
        result.ExitCode == 1 && result.StdOut.Length == 0 && result.ErrorLines.Count == 1 && LockDiagnostic().IsMatch(result.ErrorLines[0]);

    private static void AssertLockRefused(ProcessResult result, string code)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(string.Empty, result.StdOut);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"error {code}: ", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"secrets\.lock\.json(\(\d+(,\d+)?\))?: error SPL2\d{3}: ")]
    private static partial Regex LockDiagnostic();

    [GeneratedRegex("\"value\": \"(?<value>vault:v\\d+:[A-Za-z0-9+/=]+)\"")]
    private static partial Regex SignatureValue();
}
