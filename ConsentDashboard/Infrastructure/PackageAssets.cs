using Microsoft.AspNetCore.StaticAssets;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ConsentDashboard.Infrastructure;

/// <summary>
/// MudBlazor's stylesheet and script by their plain paths plus the package version, not by their fingerprinted names:
/// the SDK gives a package's fingerprinted routes no compressed variants, so <c>MudBlazor.min.css</c> went out as 613 KB
/// instead of 42 KB of Brotli. The version in the query busts caches on an upgrade, and a response for the current
/// version may be cached for a year, as a fingerprinted one would.
/// </summary>
public static class PackageAssets
{
    private const string MudBlazorFolder = "_content/MudBlazor/";

    public static readonly string MudBlazorVersion =
        typeof(MudBlazor.MudButton).Assembly.GetName().Version?.ToString(3) ?? "0";

    /// <summary>"_content/MudBlazor/MudBlazor.min.css?v=9.12.0".</summary>
    public static string MudBlazor(string file) => $"{MudBlazorFolder}{file}?v={MudBlazorVersion}";

    public static StaticAssetsEndpointConventionBuilder CacheVersionedPackageAssets(this StaticAssetsEndpointConventionBuilder assets)
    {
        assets.Add(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder { RoutePattern: RoutePattern route } || route.RawText?.TrimStart('/').StartsWith(MudBlazorFolder, StringComparison.Ordinal) != true
                || endpoint.RequestDelegate is not { } next)
            {
                return;
            }

            endpoint.RequestDelegate = context =>
            {
                if (context.Request.Query["v"] == MudBlazorVersion)
                {
                    context.Response.OnStarting(() =>
                    {
                        if (context.Response.StatusCode == StatusCodes.Status200OK)
                        {
                            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                        }

                        return Task.CompletedTask;
                    });
                }

                return next(context);
            };
        });
        return assets;
    }
}
