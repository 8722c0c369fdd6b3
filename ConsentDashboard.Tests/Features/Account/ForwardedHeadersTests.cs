using System.Net;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Account;

/// <summary>
/// Behind a TLS-terminating proxy: forwarded headers are believed only from the configured proxy, and then the auth cookie
/// is Secure and HSTS is sent; from anyone else they change nothing.
/// </summary>
public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private const string Proxy = "10.20.30.40";
    private readonly TempFolder _folder = new();
    private WebApplicationFactory<Program> _app = null!;
    private static string _connectionFrom = Proxy;

    /// <summary>Gives the in-memory test server's requests a remote address, as a real connection has.</summary>
    private sealed class RemoteAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(_connectionFrom);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public async ValueTask InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConsentDashboard:DataFolder", _folder.Path);
            builder.UseSetting("ConsentDashboard:Smtp:Host", "127.0.0.1");
            builder.UseSetting("ConsentDashboard:PublicBaseUrl", "https://consent.example.org");
            builder.UseSetting("ConsentDashboard:RateLimits:KnownProxies:0", Proxy);
            builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, RemoteAddress>());
        });
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var auditor = new ApplicationUser { UserName = "lee@oversight.example", Email = "lee@oversight.example", EmailConfirmed = true, DisplayName = "Lee" };
        await users.CreateAsync(auditor, "lee's long passphrase");
        await users.AddToRoleAsync(auditor, Roles.Auditor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<HttpResponseMessage> SignInAsync(string from)
    {
        _connectionFrom = from;
        // HSTS is never sent to localhost, so the requests name the public host, as they do behind the proxy.
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://consent.example.org/"),
        });
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        return await SignIn.AttemptAsync(client, "lee@oversight.example", "lee's long passphrase");
    }

    [Fact]
    public async Task FromTheKnownProxy_TheCookieIsSecure_AndHstsIsSent_FromAnyoneElseNeither()
    {
        var viaProxy = await SignInAsync(Proxy);
        var direct = await SignInAsync("10.99.99.99");

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (viaProxy.StatusCode, direct.StatusCode));
        var proxiedCookie = viaProxy.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application", StringComparison.Ordinal));
        var directCookie = direct.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application", StringComparison.Ordinal));
        Assert.Contains("secure", proxiedCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", proxiedCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", directCookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(viaProxy.Headers.Contains("Strict-Transport-Security"));
        Assert.False(direct.Headers.Contains("Strict-Transport-Security"));
    }
}
