using System.Security.Claims;
using System.Text.Json;
using ConsentDashboard.Infrastructure;

namespace ConsentDashboard.Features.Disclosures;

/// <summary><c>GET /disclosures/{id}/receipt</c>: the resident's consent receipt as a JSON download.</summary>
public static class ReceiptEndpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static IEndpointRouteBuilder MapConsentReceipts(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/disclosures/{id:guid}/receipt", ServeAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Resident));
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(Guid id, ClaimsPrincipal user, HttpContext http, ConsentReceipts receipts, CancellationToken cancellationToken)
    {
        var policyUrl = $"{http.Request.Scheme}://{http.Request.Host}/privacy";
        var receipt = await receipts.BuildAsync(user, id, policyUrl, cancellationToken);
        if (receipt is null)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(JsonSerializer.SerializeToUtf8Bytes(receipt, Json), "application/json", $"consent-receipt-{id}.json");
    }
}
