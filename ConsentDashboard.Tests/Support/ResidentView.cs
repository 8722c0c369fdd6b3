using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// Everything one resident can reach, fetched over HTTP as their browser would: every resident page (prerendered with its
/// data), each of their notices and receipts, and their personal-data download. Normalised like <see cref="OfficerView"/>.
/// </summary>
public static class ResidentView
{
    public static readonly string[] Pages = ["/", "/inbox", "/cameras", "/clips", "/disclosures", "/preferences", "/Account/Manage", "/Account/Manage/PersonalData"];

    public static async Task<SortedDictionary<string, string>> CaptureAsync(AppFactory app, string residentEmail)
    {
        using var client = app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, residentEmail);
        await using var db = app.CreateDbContext();
        var normalized = residentEmail.ToUpperInvariant();
        var residentId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleAsync();
        var notices = await db.RequestNotices.Where(n => n.ResidentId == residentId).OrderBy(n => n.Request!.CaseNumber).Select(n => new { n.Id, n.Request!.CaseNumber }).ToListAsync();
        // Their consented disclosures; a compelled one's receipt is probed by the test that made it.
        var disclosures = await db.Disclosures.Where(d => d.ResidentId == residentId && d.LegalDemandId == null)
            .OrderBy(d => d.ClipSha256).ThenBy(d => d.Id).Select(d => d.Id).ToListAsync();

        var capture = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var page in Pages)
        {
            capture[page] = await OfficerView.FetchAsync(client, page);
        }

        foreach (var notice in notices)
        {
            capture[$"/inbox/{notice.CaseNumber}"] = await OfficerView.FetchAsync(client, $"/inbox/{notice.Id}");
        }

        for (var i = 0; i < disclosures.Count; i++)
        {
            capture[$"/disclosures/#{i:00}/receipt"] = await OfficerView.FetchAsync(client, $"/disclosures/{disclosures[i]}/receipt");
        }

        var download = await SignIn.PostFormAsync(client, "/Account/Manage/PersonalData", new Dictionary<string, string>(), "/Account/Manage/DownloadPersonalData");
        capture["/Account/Manage/DownloadPersonalData"] = await download.Content.ReadAsStringAsync();
        return capture;
    }
}
