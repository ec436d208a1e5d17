using System.Globalization;
using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "tamper-evident", in process (the verifier is a library property): every single-byte change and every
/// field change of a signed 50-entry lock must be refused by the parse-and-verify that <c>verify</c> and <c>resolve</c> run,
/// with a lock error code (SPL2xxx) and never an unhandled exception.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class TamperAttacks(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_single_byte_change_of_a_signed_50_entry_lock_is_refused()
    {
        using var signed = await SignedLock.CreateAsync();
        Assert.Equal(50, signed.EntryCount);
        Assert.NotNull(await signed.VerifyAsync(signed.Bytes));
        var attack = new Attack("tamper", "every single-byte change of a signed 50-entry lock", output);
        var original = signed.Bytes;

        // The full run tries all 255 other values at every position; the subset one seeded value per position.
        var seeds = Enumerable.Range(0, original.Length).Select(_ => attack.Random.Next(1, 256)).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, original.Length), async (position, _) =>
        {
            var bytes = (byte[])original.Clone();
            IEnumerable<int> deltas = Attack.Settings.Full ? Enumerable.Range(1, 255) : [seeds[position]];
            foreach (var delta in deltas)
            {
                bytes[position] = (byte)(original[position] ^ delta);
                attack.Record($"byte {position} 0x{original[position]:x2} -> 0x{bytes[position]:x2}", await RefusedAsync(signed, bytes));
            }
        });

        output.WriteLine($"{original.Length} bytes in the lock");
        attack.Complete(minimumTrials: original.Length);
    }

    [Fact]
    public async Task Every_field_change_of_a_signed_lock_and_every_foreign_signature_is_refused()
    {
        using var signed = await SignedLock.CreateAsync();
        var attack = new Attack("tamper", "every field change of a signed 50-entry lock, unsigned or signed by an untrusted key", output);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var strangerSigner = new LocalSigner(ECDsa.Create(stranger.ExportParameters(includePrivateParameters: true)));
        foreach (var (label, changed) in FieldChanges(signed.Lock))
        {
            // Kept with the original signature (a hand edit), without one, and re-signed by a key nobody trusts.
            attack.Record($"{label}, original signature", await RefusedAsync(signed, LockSerializer.Serialize(changed)));
            if (label.StartsWith("signature", StringComparison.Ordinal))
            {
                // The content is the signed one; only the signature changed, which is the attack itself.
                continue;
            }

            var unsigned = changed.WithSignatures([]);
            attack.Record($"{label}, unsigned", await RefusedAsync(signed, LockSerializer.Serialize(unsigned)));
            var foreign = await strangerSigner.SignAsync(LockSerializer.SignedPayload(unsigned), CancellationToken.None);
            attack.Record($"{label}, signed by an untrusted key", await RefusedAsync(signed, LockSerializer.Serialize(unsigned.WithSignatures([foreign]))));
            attack.Record(
                $"{label}, original and an untrusted signature",
                await RefusedAsync(signed, LockSerializer.Serialize(unsigned.WithSignatures([.. signed.Lock.Signatures, foreign]))));
        }

        attack.Complete(minimumTrials: 4 * 50 * 5);
    }

    /// <summary>Every way to change one field (or one entry) of <paramref name="lockFile"/>, each as a new lock.</summary>
    private static IEnumerable<(string Label, LockFile Changed)> FieldChanges(LockFile lockFile)
    {
        yield return ("manifest_digest", lockFile with { ManifestDigest = lockFile.ManifestDigest[..^1] + (lockFile.ManifestDigest[^1] == '0' ? "1" : "0") });
        var signature = lockFile.Signatures[0];
        yield return ("signature key_id", lockFile.WithSignatures([signature with { KeyId = signature.KeyId[..^1] + (signature.KeyId[^1] == 'a' ? "b" : "a") }]));
        yield return ("signature algorithm", lockFile.WithSignatures([signature with { Algorithm = "ecdsa-p384-sha384" }]));
        yield return ("signature value", lockFile.WithSignatures([signature with { Value = Convert.ToBase64String(new byte[64]) }]));
        yield return ("signature removed", lockFile.WithSignatures([]));
        foreach (var (environmentName, environment) in lockFile.Environments)
        {
            LockFile WithEnvironment(EnvironmentLock changed) =>
                lockFile with { Environments = new Dictionary<string, EnvironmentLock>(lockFile.Environments, StringComparer.Ordinal) { [environmentName] = changed } };

            var withoutEnvironment = new Dictionary<string, EnvironmentLock>(lockFile.Environments, StringComparer.Ordinal);
            withoutEnvironment.Remove(environmentName);
            yield return ($"{environmentName} removed", lockFile with { Environments = withoutEnvironment });
            yield return ($"{environmentName} copied as 'evil'", lockFile with { Environments = new Dictionary<string, EnvironmentLock>(lockFile.Environments, StringComparer.Ordinal) { ["evil"] = environment } });
            foreach (var (key, value) in environment.Store)
            {
                yield return ($"{environmentName}.store.{key}", WithEnvironment(environment with { Store = new Dictionary<string, string>(environment.Store, StringComparer.Ordinal) { [key] = value + "x" } }));
                var without = new Dictionary<string, string>(environment.Store, StringComparer.Ordinal);
                without.Remove(key);
                yield return ($"{environmentName}.store.{key} removed", WithEnvironment(environment with { Store = without }));
            }

            yield return ($"{environmentName}.store token added", WithEnvironment(environment with { Store = new Dictionary<string, string>(environment.Store, StringComparer.Ordinal) { ["token"] = "hvs.x" } }));
            foreach (var (name, pin) in environment.Secrets)
            {
                LockFile WithPin(SecretPin? changed, string? newName = null)
                {
                    var secrets = new Dictionary<string, SecretPin>(environment.Secrets, StringComparer.Ordinal);
                    secrets.Remove(name);
                    if (changed is not null)
                    {
                        secrets[newName ?? name] = changed;
                    }

                    return WithEnvironment(environment with { Secrets = secrets });
                }

                var where = $"{environmentName}.{name}";
                yield return ($"{where} removed", WithPin(null));
                yield return ($"{where} renamed", WithPin(pin, name + "_X"));
                if (pin.IsDynamic)
                {
                    yield return ($"{where}.dynamic", WithPin(pin with { Dynamic = pin.Dynamic + "-admin" }));
                    yield return ($"{where}.ttl", WithPin(pin with { Ttl = "768h" }));
                    yield return ($"{where}.max_ttl", WithPin(pin with { MaxTtl = pin.MaxTtl is null ? "768h" : null }));
                    yield return ($"{where}.fields", WithPin(pin with { Fields = [.. pin.Fields!, "root_token"] }));
                    continue;
                }

                var version = int.Parse(pin.Version!, CultureInfo.InvariantCulture);
                yield return ($"{where}.version back", WithPin(pin with { Version = (version + 1).ToString(CultureInfo.InvariantCulture) }));
                yield return ($"{where}.version forward", WithPin(pin with { Version = Math.Max(0, version - 1).ToString(CultureInfo.InvariantCulture) }));
                yield return ($"{where}.ref", WithPin(pin with { Ref = pin.Ref!.Replace("#value", "#other", StringComparison.Ordinal) }));
                yield return ($"{where}.created", WithPin(pin with { Created = pin.Created!.Value.AddSeconds(1) }));
                yield return ($"{where}.fingerprint", WithPin(pin with { Fingerprint = pin.Fingerprint is null ? "hmac-sha256:00" : null }));
                yield return ($"{where} made dynamic", WithPin(new SecretPin(null, null, null, null, "database/creds/admin", "1h", null, ["username", "password"])));
            }
        }
    }

    private static async Task<Problems> RefusedAsync(SignedLock signed, byte[] bytes)
    {
        var problems = new Problems();
        try
        {
            await signed.VerifyAsync(bytes);
            problems.Check(false, "the changed lock verified", lost: "tampered lock accepted");
        }
        catch (SecretsPipelineException ex)
        {
            problems.Check(ex.Code.Id.StartsWith("SPL2", StringComparison.Ordinal), $"refused with {ex.Code.Id}, not a lock error: {ex.Message}");
        }
        catch (Exception ex)
        {
            problems.Check(false, $"unhandled {ex.GetType().Name}: {ex.Message}", lost: "unhandled exception");
        }

        return problems;
    }
}
