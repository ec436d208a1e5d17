using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SecretsPipeline.Vault.Http;

/// <summary>The TLS half of <see cref="VaultClientOptions"/>: custom CA file or folder, client certificate, SNI name, skip-verify.</summary>
internal static class VaultTls
{
    public static SocketsHttpHandler CreateHandler(VaultClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, options.Parallelism),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 1,
            EnableMultipleHttp2Connections = true,
        };
        if (options.TlsServerName is { } name)
        {
            handler.SslOptions.TargetHost = name;
        }

        if (options.ClientCert is { } cert && options.ClientKey is { } key)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(cert, key)];
        }

        if (options.SkipVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (options.CaCert is not null || options.CaPath is not null)
        {
            var roots = LoadRoots(options);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return handler;
    }

    private static X509Certificate2Collection LoadRoots(VaultClientOptions options)
    {
        var roots = new X509Certificate2Collection();
        if (options.CaCert is { } file)
        {
            roots.ImportFromPemFile(file);
        }
        else if (options.CaPath is { } folder)
        {
            foreach (var pem in Directory.EnumerateFiles(folder))
            {
                roots.ImportFromPemFile(pem);
            }
        }

        return roots;
    }
}
