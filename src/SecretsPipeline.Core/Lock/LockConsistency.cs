using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Lock;

/// <summary>Checks that a (verified) lock was made from this manifest and pins everything it declares.</summary>
public static class LockConsistency
{
    public static void Check(string lockPath, LockFile lockFile, SecretsManifest manifest, IEnumerable<string> environments)
    {
        var digest = ManifestDigest.Compute(manifest);
        if (lockFile.ManifestDigest != digest)
        {
            throw new SecretsPipelineException(
                Codes.LockStale,
                $"the lock was made from a different {Path.GetFileName(manifest.Path)} (lock has {lockFile.ManifestDigest[..19]}…, manifest is {digest[..19]}…); run `secrets-pipeline lock` and commit the result.",
                new SourceLocation(lockPath));
        }

        foreach (var environment in environments)
        {
            if (!lockFile.Environments.TryGetValue(environment, out var pins))
            {
                throw new SecretsPipelineException(
                    Codes.LockMissingPin,
                    $"environment '{environment}' has no pins; run `secrets-pipeline lock --env {environment}`.",
                    new SourceLocation(lockPath));
            }

            var missing = manifest.Secrets.FirstOrDefault(s => !pins.Secrets.ContainsKey(s.Name));
            if (missing is not null)
            {
                throw new SecretsPipelineException(
                    Codes.LockMissingPin,
                    $"secret '{missing.Name}' has no pin in environment '{environment}'; run `secrets-pipeline lock --env {environment}`.",
                    new SourceLocation(lockPath));
            }
        }
    }
}
