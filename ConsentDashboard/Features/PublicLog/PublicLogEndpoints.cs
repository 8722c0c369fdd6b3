using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;

namespace ConsentDashboard.Features.PublicLog;

/// <summary>
/// The public face of the log (no sign-in): <c>/log/heads.json</c>, <c>/log/public-key.pem</c> and
/// <c>/log/consistency?from=&amp;to=</c>. Hashes are lower-case hex.
/// </summary>
public static class PublicLogEndpoints
{
    public static IEndpointRouteBuilder MapPublicLog(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/log/heads.json", async (PublicLogService log, HttpContext http, CancellationToken cancellationToken) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Json(new
            {
                publicKey = log.PublicKeyPem,
                keyId = log.KeyId,
                heads = await log.HeadsAsync(PublicLogService.FeedLimit, cancellationToken),
            });
        }).RequireRateLimiting(RateLimits.PublicLogPolicy);

        endpoints.MapGet("/log/public-key.pem", (PublicLogService log) =>
            Results.File(System.Text.Encoding.ASCII.GetBytes(log.PublicKeyPem), "application/x-pem-file", "consentdashboard-log-key.pem"))
            .RequireRateLimiting(RateLimits.PublicLogPolicy);

        endpoints.MapGet("/log/consistency", async (string? from, string? to, PublicLogService log, CancellationToken cancellationToken) =>
        {
            if (!long.TryParse(from, out var oldSize) || !long.TryParse(to, out var newSize))
            {
                return Results.Problem("Give two tree sizes as whole numbers: /log/consistency?from=10&to=20.", statusCode: StatusCodes.Status400BadRequest);
            }

            var (proof, problem) = await log.ConsistencyAsync(oldSize, newSize, cancellationToken);
            return proof is null
                ? Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(new { from = oldSize, to = newSize, proof = proof.Select(Convert.ToHexStringLower) });
        }).RequireRateLimiting(RateLimits.PublicLogPolicy);

        return endpoints;
    }
}
