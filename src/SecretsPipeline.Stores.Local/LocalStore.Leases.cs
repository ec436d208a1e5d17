using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Stores.Local;

/// <summary>
/// Dynamic secrets for the embedded store: every role path issues a fresh username and password with a TTL, so demos
/// and tests exercise leases without Vault. Only the lease's terms are stored; the credentials exist solely in the
/// returned <see cref="Lease"/>, since nothing ever needs to read them back (there is no real database behind them).
/// </summary>
public sealed partial class LocalStore
{
    private const string UsernameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string PasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly TimeSpan _defaultTtl = TimeSpan.FromHours(1);
    private static readonly TimeSpan _defaultMaxTtl = TimeSpan.FromHours(24);

    public Task<Lease> IssueLeaseAsync(string role, LeaseTerms terms, CancellationToken cancellationToken)
    {
        var name = RoleName(role);
        var ttl = terms.Ttl ?? _defaultTtl;
        var maxTtl = terms.MaxTtl ?? (ttl > _defaultMaxTtl ? ttl : _defaultMaxTtl);
        if (ttl <= TimeSpan.Zero || maxTtl <= TimeSpan.Zero)
        {
            throw new SecretsPipelineException(Codes.ManifestBadDuration, $"the lease terms for '{role}' must be positive (ttl {ttl}, max ttl {maxTtl}).");
        }

        return WithConnectionAsync(create: true, connection =>
        {
            var issued = Stored(_time.GetUtcNow());
            var maxExpires = issued + maxTtl;

            // Like Vault, a ttl longer than the max ttl is cut to the max rather than refused.
            var expires = ttl < maxTtl ? issued + ttl : maxExpires;
            var leaseId = $"{role}/{RandomNumberGenerator.GetHexString(32, lowercase: true)}";
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO leases (lease_id, role, issued, expires, max_expires, ttl_ticks) VALUES ($id, $role, $issued, $expires, $max, $ttl)";
            insert.Parameters.AddWithValue("$id", leaseId);
            insert.Parameters.AddWithValue("$role", role);
            insert.Parameters.AddWithValue("$issued", FormatTime(issued));
            insert.Parameters.AddWithValue("$expires", FormatTime(expires));
            insert.Parameters.AddWithValue("$max", FormatTime(maxExpires));
            insert.Parameters.AddWithValue("$ttl", ttl.Ticks);
            insert.ExecuteNonQuery();
            transaction.Commit();

            var credentials = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["username"] = $"v-{name}-{RandomNumberGenerator.GetString(UsernameAlphabet, 8)}",
                ["password"] = RandomNumberGenerator.GetString(PasswordAlphabet, 32),
            };
            return new Lease(leaseId, role, expires, Renewable: true, credentials);
        }, missing: null!);
    }

    /// <summary>Extends a live lease to now + <paramref name="increment"/> (default: its original ttl), never past its max ttl.</summary>
    public Task<Lease> RenewLeaseAsync(string leaseId, TimeSpan? increment, CancellationToken cancellationToken)
    {
        if (increment is { } requested && requested <= TimeSpan.Zero)
        {
            throw new SecretsPipelineException(Codes.Usage, $"a lease renewal increment must be positive, not {requested}.");
        }

        return WithConnectionAsync(create: false, connection =>
        {
            using var transaction = connection.BeginTransaction();
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT role, expires, max_expires, ttl_ticks, revoked_at FROM leases WHERE lease_id = $id";
            select.Parameters.AddWithValue("$id", leaseId);
            string role;
            DateTimeOffset expires, maxExpires;
            TimeSpan ttl;
            using (var reader = select.ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw LeaseInvalid(leaseId, $"is not known to the embedded store {_path}");
                }

                if (!reader.IsDBNull(4))
                {
                    throw LeaseInvalid(leaseId, $"was revoked at {reader.GetString(4)}");
                }

                role = reader.GetString(0);
                expires = ParseTime(reader.GetString(1));
                maxExpires = ParseTime(reader.GetString(2));
                ttl = TimeSpan.FromTicks(reader.GetInt64(3));
            }

            var now = Stored(_time.GetUtcNow());
            if (expires <= now)
            {
                throw LeaseInvalid(leaseId, $"expired at {FormatTime(expires)}");
            }

            var wanted = now + (increment ?? ttl);
            var renewed = wanted < maxExpires ? wanted : maxExpires;
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE leases SET expires = $expires WHERE lease_id = $id";
            update.Parameters.AddWithValue("$id", leaseId);
            update.Parameters.AddWithValue("$expires", FormatTime(renewed));
            update.ExecuteNonQuery();
            transaction.Commit();
            return new Lease(leaseId, role, renewed, Renewable: true, new Dictionary<string, string>(StringComparer.Ordinal));
        }, missing: () => throw LeaseInvalid(leaseId, $"is not known: the embedded store {_path} does not exist"));
    }

    /// <summary>Marks the lease revoked; an unknown or already revoked lease is a success (as in Vault), so release can be retried.</summary>
    public Task RevokeLeaseAsync(string leaseId, CancellationToken cancellationToken) =>
        WithConnectionAsync(create: false, connection =>
        {
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE leases SET revoked_at = COALESCE(revoked_at, $now) WHERE lease_id = $id";
            update.Parameters.AddWithValue("$id", leaseId);
            update.Parameters.AddWithValue("$now", FormatTime(_time.GetUtcNow()));
            return update.ExecuteNonQuery();
        }, missing: () => 0);

    /// <summary>Every lease the store issued, oldest first; specific to the embedded store (tests count the active ones).</summary>
    public Task<IReadOnlyList<LocalLeaseInfo>> ListLeasesAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyList<LocalLeaseInfo>>(create: false, connection =>
        {
            var now = _time.GetUtcNow();
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT lease_id, role, issued, expires, max_expires, revoked_at FROM leases ORDER BY issued, lease_id";
            using var reader = select.ExecuteReader();
            var leases = new List<LocalLeaseInfo>();
            while (reader.Read())
            {
                var expires = ParseTime(reader.GetString(3));
                DateTimeOffset? revoked = reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5));
                leases.Add(new LocalLeaseInfo(
                    reader.GetString(0),
                    reader.GetString(1),
                    ParseTime(reader.GetString(2)),
                    expires,
                    ParseTime(reader.GetString(4)),
                    revoked,
                    revoked is null && expires > now));
            }

            return leases;
        }, missing: () => []);

    /// <summary>The last segment of the role path, which names the generated user (<c>database/creds/app</c> → <c>app</c>).</summary>
    private static string RoleName(string role)
    {
        var name = role[(role.LastIndexOf('/') + 1)..];
        if (name.Length == 0 || role.Any(char.IsWhiteSpace) || role.StartsWith('/'))
        {
            throw new SecretsPipelineException(Codes.StoreBadRef, $"'{role}' is not a role path the embedded store can issue leases from (expected something like database/creds/app).");
        }

        return name;
    }

    /// <summary>A time as it reads back from the database, so returned expiries equal what a later read reports.</summary>
    private static DateTimeOffset Stored(DateTimeOffset time) => ParseTime(FormatTime(time));

    private static SecretsPipelineException LeaseInvalid(string leaseId, string why) =>
        new(Codes.LeaseInvalid, $"lease {leaseId} {why}; it cannot be renewed. Resolve the deployment again to issue a new one.");
}
