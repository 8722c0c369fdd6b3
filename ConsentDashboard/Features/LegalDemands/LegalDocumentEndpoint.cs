using System.Security.Claims;
using ConsentDashboard.Infrastructure;

namespace ConsentDashboard.Features.LegalDemands;

/// <summary><c>GET /legal-demands/{id}/document</c>: a demand's PDF, for admins and auditors only; everyone else gets a plain 404.</summary>
public static class LegalDocumentEndpoint
{
    public static IEndpointRouteBuilder MapLegalDocuments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/legal-demands/{id:guid}/document", ServeAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin, Roles.Auditor));
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(Guid id, ClaimsPrincipal user, HttpContext http, LegalDemandService demands, CancellationToken cancellationToken)
    {
        if (await demands.DocumentAsync(user, id, cancellationToken) is not { } document)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(document.Path, Infrastructure.Clips.LegalDocumentStorage.PdfContentType, document.FileName, enableRangeProcessing: true);
    }
}
