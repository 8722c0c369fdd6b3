using System.Security.Cryptography;

namespace ConsentDashboard.Infrastructure;

/// <summary>
/// The headers every response carries, static files and clip content included: a Content-Security-Policy the app really
/// runs under (scripts only from this origin, plus the import map Blazor writes inline, allowed by a per-response nonce),
/// no MIME sniffing, no referrer, no powerful browser features, and its own browsing-context group.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "ConsentDashboard.CspNonce";

    /// <summary>The nonce of this response's policy, for the one inline script Blazor writes (the import map).</summary>
    public static string CspNonce(this HttpContext context) => (string)context.Items[NonceKey]!;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Hex, so no character of it is ever escaped in the page's markup.
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' 'nonce-{nonce}'",
            // MudBlazor positions popovers and sizes components with inline style attributes.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' blob:",
            // The interactive circuit's WebSocket goes back to this origin.
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'");
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        await next();
    });
}
