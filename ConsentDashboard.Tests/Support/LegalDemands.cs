using System.Text;
using ConsentDashboard.Data;
using ConsentDashboard.Features.LegalDemands;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Support;

/// <summary>Legal demands recorded through the app's own service, as the admin's form records them.</summary>
public static class LegalDemands
{
    /// <summary>A one-page PDF: what a scanned warrant looks like to the type check (it starts with <c>%PDF-</c>).</summary>
    public static byte[] Pdf(string text = "Search warrant") => Encoding.ASCII.GetBytes(
        $"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>
    /// An input covering the resident's first camera that has clips, from its first clip's start to its last clip's end,
    /// producing its first clip; the caller changes what the test is about.
    /// </summary>
    public static async Task<LegalDemandInput> InputForAsync(IServiceProvider services, string residentEmail, string agencyName, LegalBasis basis = LegalBasis.Warrant)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var agencyId = await db.Agencies.Where(a => a.Name == agencyName).Select(a => a.Id).SingleAsync();
        var normalized = residentEmail.ToUpperInvariant();
        var clips = await db.Clips.Where(c => c.Camera!.Owner!.NormalizedEmail == normalized).OrderBy(c => c.RecordedStart)
            .Select(c => new { c.Id, c.CameraId, c.RecordedStart, c.RecordedEnd }).ToListAsync();
        var camera = clips[0].CameraId;
        var ofCamera = clips.Where(c => c.CameraId == camera).ToList();
        return new LegalDemandInput
        {
            AgencyId = agencyId,
            Basis = basis,
            Court = "Larkspur County Circuit Court",
            Reference = $"LC-{Guid.NewGuid().ToString("N")[..8]}",
            DocumentDate = DateTime.UtcNow.Date.AddDays(-1),
            Description = "Footage of the front of the house during the burglary.",
            DocumentSize = Pdf().Length,
            ResidentEmail = residentEmail,
            CameraIds = [camera],
            CoveredFrom = ofCamera[0].RecordedStart.AddMinutes(-5),
            CoveredTo = ofCamera[^1].RecordedEnd.AddMinutes(5),
            ClipIds = [ofCamera[0].Id],
            AllowDownload = false,
            AccessDays = 30,
        };
    }

    public static async Task<Guid> RecordAsync(IServiceProvider services, LegalDemandInput input, byte[]? document = null)
    {
        await using var scope = services.CreateAsyncScope();
        await using var db = await services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var adminId = await db.MembersOf([Roles.Admin]).Select(m => m.Account.Id).FirstAsync();
        document ??= Pdf();
        input.DocumentSize = document.Length;
        return await scope.ServiceProvider.GetRequiredService<LegalDemandService>().RecordAsync(Principals.For(adminId, Roles.Admin), input, new MemoryStream(document));
    }
}
