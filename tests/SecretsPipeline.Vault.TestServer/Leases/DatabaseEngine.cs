using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

internal sealed record DatabaseRole(string Name, TimeSpan DefaultTtl, TimeSpan MaxTtl, bool Renewable);

/// <summary>The <c>database/</c> secrets engine: dynamic credentials with leases (spec §5.1). Roles are configured by tests.</summary>
public sealed class DatabaseEngine
{
    private readonly FakeVaultState _state;
    private readonly Dictionary<string, DatabaseRole> _roles = new(StringComparer.Ordinal);

    internal DatabaseEngine(FakeVaultState state, string mountPath)
    {
        _state = state;
        MountPath = mountPath;
    }

    public string MountPath { get; }

    public IReadOnlyList<string> Roles
    {
        get
        {
            lock (_state.Sync)
            {
                return [.. _roles.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Adds or replaces a role. A <paramref name="maxTtl"/> of zero means the system max lease TTL.</summary>
    public void AddRole(string name, TimeSpan defaultTtl, TimeSpan maxTtl, bool renewable = true)
    {
        lock (_state.Sync)
        {
            _roles[name] = new DatabaseRole(name, defaultTtl, maxTtl, renewable);
        }
    }

    public void RemoveRole(string name)
    {
        lock (_state.Sync)
        {
            _roles.Remove(name);
        }
    }

    /// <summary><c>GET database/creds/&lt;role&gt;</c>: a fresh username/password under a new lease.</summary>
    internal VaultResponse Handle(VaultRequest request, string rest)
    {
        if (!rest.StartsWith("creds/", StringComparison.Ordinal) || rest.Length == "creds/".Length || rest.EndsWith('/'))
        {
            return VaultResponse.NotFound();
        }

        if (request.Operation != VaultOperation.Read)
        {
            return VaultResponse.UnsupportedOperation();
        }

        var roleName = rest["creds/".Length..];
        if (!_roles.TryGetValue(roleName, out var role))
        {
            return VaultResponse.BadRequest($"unknown role: {roleName}");
        }

        var (ttl, warning, _) = TtlCalculator.Calculate(TimeSpan.Zero, role.DefaultTtl, role.MaxTtl, request.Now, request.Now, _state.Options);
        var username = $"v-token-{roleName}-{GoFormat.RandomString(20)}";
        var password = "A1a-" + GoFormat.RandomString(20);
        var leaseId = $"{MountPath}/creds/{roleName}/{GoFormat.Uuid()}";
        var data = new Dictionary<string, string> { ["username"] = username, ["password"] = password };
        request.Ns.Leases.Register(leaseId, ttl, role.MaxTtl, role.Renewable, request.Caller?.Id, data);
        return VaultResponse.Ok(new JsonObject { ["username"] = username, ["password"] = password }, "database", warning is null ? null : [warning]) with
        {
            LeaseId = leaseId,
            Renewable = role.Renewable,
            LeaseDuration = TtlCalculator.Seconds(ttl),
        };
    }
}
