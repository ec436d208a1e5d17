namespace SecretsPipeline.Vault.TestServer;

/// <summary>Seal check, token check (403 per §1.4), then dispatch by mount. Runs under the state lock.</summary>
internal static class Router
{
    public static VaultResponse Route(VaultRequest request)
    {
        var state = request.State;
        var path = request.Path;
        if (path == "sys/health")
        {
            return request.Operation == VaultOperation.Read ? SysHandler.Health(request) : VaultResponse.UnsupportedOperation();
        }

        if (state.Sealed)
        {
            return VaultResponse.Error(503, "Vault is sealed");
        }

        lock (state.Sync)
        {
            var login = LoginHandler(request);
            if (login is null && !Wrapping.UsesWrappingToken(request))
            {
                request.Caller = state.Tokens.Find(request.Token, request.Now);
                if (request.Caller is null)
                {
                    return VaultResponse.PermissionDenied(invalidToken: !string.IsNullOrEmpty(request.Token));
                }
            }
            else if (login is not null)
            {
                return request.Operation == VaultOperation.Update ? login() : VaultResponse.UnsupportedOperation();
            }

            return Dispatch(request, path);
        }
    }

    /// <summary>The unauthenticated login endpoints: <c>auth/approle/login</c> and <c>auth/&lt;jwt mount&gt;/login</c>.</summary>
    private static Func<VaultResponse>? LoginHandler(VaultRequest request)
    {
        var parts = request.Path.Split('/');
        return parts switch
        {
            ["auth", "approle", "login"] => () => request.Ns.AppRole.Login(request),
            ["auth", var mount, "login"] when request.Ns.TryGetJwtMount(mount, out var jwt) => () => jwt.Login(request),
            _ => null,
        };
    }

    private static VaultResponse Dispatch(VaultRequest request, string path)
    {
        var ns = request.Ns;
        if (path.StartsWith("sys/", StringComparison.Ordinal))
        {
            return SysHandler.Handle(request, path["sys/".Length..]);
        }

        if (path.StartsWith("auth/token/", StringComparison.Ordinal))
        {
            return TokenHandler.Handle(request, path["auth/token/".Length..]);
        }

        if (path.StartsWith(ns.Database.MountPath + "/", StringComparison.Ordinal))
        {
            return ns.Database.Handle(request, path[(ns.Database.MountPath.Length + 1)..]);
        }

        if (path.StartsWith(ns.Transit.MountPath + "/", StringComparison.Ordinal))
        {
            return TransitHandler.Handle(request, ns.Transit, path[(ns.Transit.MountPath.Length + 1)..]);
        }

        return ns.TryFindKvMount(path, out var kv, out var rest) ? KvHandler.Handle(request, kv, rest) : VaultResponse.NotFound();
    }
}
