using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Features.Account;

/// <summary>Every kind of response carries the same protective headers: pages, static files, clip bytes, errors.</summary>
public sealed class SecurityHeadersTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/app.css")]
    [InlineData("/no-such-page")]
    [InlineData("/clips/00000000-0000-0000-0000-000000000000/content")]
    public async Task EachResponse_CarriesThePolicyAndTheProtectiveHeaders(string path)
    {
        using var client = app.CreateBrowserlessClient();

        using var response = await client.GetAsync(path);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy);
        Assert.Matches("script-src 'self' 'nonce-[0-9a-f]{32}'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Cross-Origin-Opener-Policy")));
        Assert.Contains("camera=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")));
    }

    [Fact]
    public async Task TheImportMap_CarriesThisResponsesNonce_AndEachResponseHasItsOwn()
    {
        using var client = app.CreateBrowserlessClient();

        using var first = await client.GetAsync("/Account/Login");
        using var second = await client.GetAsync("/Account/Login");

        var nonce = System.Text.RegularExpressions.Regex.Match(first.Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", await first.Content.ReadAsStringAsync());
        Assert.DoesNotContain(nonce, second.Headers.GetValues("Content-Security-Policy").Single());
    }
}
