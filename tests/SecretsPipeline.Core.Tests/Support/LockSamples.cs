using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Tests.Support;

/// <summary>Locks with every kind of pin, for serializer and signature tests.</summary>
public static class LockSamples
{
    public static readonly DateTimeOffset Created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static LockFile Full(IReadOnlyList<LockSignature>? signatures = null) => new(
        "sha256:" + new string('a', 64),
        new Dictionary<string, EnvironmentLock>
        {
            // Inserted out of order on purpose: the serializer sorts.
            ["production"] = new(
                new Dictionary<string, string> { ["type"] = "vault", ["address"] = "https://vault.example:8200", ["namespace"] = "team" },
                new Dictionary<string, SecretPin>
                {
                    ["STRIPE_KEY"] = SecretPin.Static("secret/production/payments#stripe", "12", Created.AddTicks(1234567), "hmac-sha256:3q2+7w=="),
                    ["DB_ROOT_PW"] = SecretPin.Static("secret/production/app/db#password", "7", Created, null),
                    ["DB"] = new(null, null, null, null, "database/creds/app", "3600s", "86400s", ["username", "password"]),
                }),
            ["development"] = new(
                new Dictionary<string, string> { ["type"] = "local", ["path"] = ".secrets-pipeline/store.db" },
                new Dictionary<string, SecretPin>
                {
                    ["DB_ROOT_PW"] = SecretPin.Static("secret/development/app/db#password", "1", Created, "hmac-sha256:AAAA"),
                    ["STRIPE_KEY"] = new("secret/development/payments#stripe", "2", null, null),
                    ["DB"] = new(null, null, null, null, "database/creds/app", null, null, ["username", "password"]),
                }),
        },
        signatures ?? []);

    public static LockFile Small(IReadOnlyList<LockSignature> signatures) => new(
        "sha256:abc",
        new Dictionary<string, EnvironmentLock>
        {
            ["development"] = new(
                new Dictionary<string, string> { ["type"] = "local", ["path"] = "store.db" },
                new Dictionary<string, SecretPin> { ["A"] = SecretPin.Static("secret/a#k", "3", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), null) }),
        },
        signatures);
}
