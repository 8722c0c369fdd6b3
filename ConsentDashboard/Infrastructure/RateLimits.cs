using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace ConsentDashboard.Infrastructure;

/// <summary>Settings under "ConsentDashboard:RateLimits" and the proxies whose forwarded client addresses are believed.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "ConsentDashboard:RateLimits";

    /// <summary>Posts of sign-in, registration, password and confirmation forms one client address may make per hour.</summary>
    public int AccountFormsPerHour { get; set; } = 20;

    /// <summary>Exports of the log one auditor may start per hour; each is itself a log entry.</summary>
    public int ExportsPerHour { get; set; } = 20;

    /// <summary>Checkpoints one auditor may sign by hand per hour; each is itself a log entry.</summary>
    public int CheckpointsPerHour { get; set; } = 12;

    /// <summary>Log queries (first pages) one auditor may run per hour; each is itself a log entry.</summary>
    public int LogViewsPerHour { get; set; } = 600;

    /// <summary>Calls to the public log's feeds and proofs one client address may make per hour.</summary>
    public int PublicLogPerHour { get; set; } = 1200;

    /// <summary>
    /// Addresses of the reverse proxies in front of the app. Only their X-Forwarded-For and X-Forwarded-Proto are
    /// believed; with none, the connection's own address is the client's and forwarded headers are ignored.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];
}

/// <summary>
/// Rate limits: per client address on the account forms (so one address cannot try passwords quickly, nor lock
/// accounts), and per auditor on exports and hand-signed checkpoints (each of which grows the log). A refusal is a 429
/// with Retry-After and a short page saying when to try again.
/// </summary>
public static class RateLimits
{
    public const string ExportsPolicy = "exports";
    public const string PublicLogPolicy = "public-log";

    /// <summary>The account pages whose form posts are limited per client address.</summary>
    private static readonly string[] AccountForms =
    [
        "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/Register", "/Account/ForgotPassword",
        "/Account/ResendEmailConfirmation", "/Account/ResetPassword", "/Account/ChoosePassword",
    ];

    public static IServiceCollection AddConsentDashboardRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.SectionName));
        var options = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only the proxies the operator names are trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsPost(context.Request.Method) && AccountForms.Any(f => context.Request.Path.Equals(f, StringComparison.OrdinalIgnoreCase))
                    ? RateLimitPartition.GetSlidingWindowLimiter($"account:{ClientAddress(context)}", _ => PerHour(options.AccountFormsPerHour))
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.AddPolicy(ExportsPolicy, context => RateLimitPartition.GetSlidingWindowLimiter(
                $"exports:{context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? ClientAddress(context)}", _ => PerHour(options.ExportsPerHour)));
            limiter.AddPolicy(PublicLogPolicy, context => RateLimitPartition.GetSlidingWindowLimiter(
                $"public-log:{ClientAddress(context)}", _ => PerHour(options.PublicLogPerHour)));
        });
        services.AddSingleton<PerUserLimit>();
        return services;
    }

    /// <summary>A limiter of <paramref name="permits"/> an hour for each key (a person, an address), for code outside the middleware.</summary>
    public static PartitionedRateLimiter<string> PerHourByKey(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => PerHour(permits)));

    private static SlidingWindowRateLimiterOptions PerHour(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromHours(1),
        SegmentsPerWindow = 12,
        QueueLimit = 0,
    };

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(5);
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        var response = rejected.HttpContext.Response;
        response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Please wait a moment · ConsentDashboard</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5;">
            <h1>Please wait a moment</h1>
            <p>There were too many attempts from your network in a short time. Please try again in {minutes} minute{(minutes == 1 ? "" : "s")}.</p>
            <p><a href="/">Back to ConsentDashboard</a></p>
            </body></html>
            """, cancellationToken);
    }
}

/// <summary>A limit per signed-in person on actions that arrive over the interactive circuit, where no middleware runs.</summary>
public sealed class PerUserLimit(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _checkpoints = RateLimits.PerHourByKey(options.Value.CheckpointsPerHour);
    private readonly PartitionedRateLimiter<string> _logViews = RateLimits.PerHourByKey(options.Value.LogViewsPerHour);

    /// <summary>Takes one hand-signed checkpoint from the person's hourly allowance; false when it is used up.</summary>
    public bool TryTakeCheckpoint(string userId) => TryTake(_checkpoints, userId);

    /// <summary>Takes one log query from the person's hourly allowance; false when it is used up.</summary>
    public bool TryTakeLogView(string userId) => TryTake(_logViews, userId);

    private static bool TryTake(PartitionedRateLimiter<string> limiter, string userId)
    {
        using var lease = limiter.AttemptAcquire(userId);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _checkpoints.Dispose();
        _logViews.Dispose();
    }
}
