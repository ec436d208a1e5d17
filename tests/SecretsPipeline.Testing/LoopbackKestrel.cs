using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace SecretsPipeline.Testing;

/// <summary>A bare Kestrel app on 127.0.0.1 at a port the system picks, for a test's loopback stand-in of a remote API.</summary>
public static class LoopbackKestrel
{
    /// <summary>An empty web app that will listen on 127.0.0.1, port 0; add its routes or handler, then <see cref="StartAsync"/>.</summary>
    /// <param name="configure">Further Kestrel settings, applied after the listener.</param>
    public static WebApplication Create(Action<KestrelServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            configure?.Invoke(kestrel);
        });
        return builder.Build();
    }

    /// <summary>Starts <paramref name="app"/> and returns the address it listens on (<c>http://127.0.0.1:PORT</c>).</summary>
    public static async Task<string> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }
}
