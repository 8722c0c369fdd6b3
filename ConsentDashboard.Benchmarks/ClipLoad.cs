using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// Clip serving under load against a running app (see <c>tools/clip-load.sh</c>, which publishes and starts it with
/// the demo city): a demo officer signs in through the real form, a clip is disclosed to the officer's agency through
/// the audit log as a resident's share would be, and 10 connections ask for the same 64 KB range of the clip, then of
/// the app's own largest static file (MudBlazor's stylesheet), each for the same time. Prints requests per second of
/// both and their ratio.
/// </summary>
public static partial class ClipLoad
{
    private const int Connections = 10;
    private const string Range = "bytes=65536-131071";
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(string baseUrl, string dataFolder)
    {
        var clipId = await DiscloseAClipAsync(Path.Combine(dataFolder, "consentdashboard.db"));
        using var handler = new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false, MaxConnectionsPerServer = Connections };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var signedIn = await SignIn.PostFormAsync(client, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = Officer,
            ["Input.Password"] = DemoCity.Password,
        });
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"The demo officer could not sign in ({signedIn.StatusCode}).");
        }

        // The opening is logged once, as a player's first request is; the measured requests are seeks, which are not.
        (await client.GetAsync($"/clips/{clipId}/content")).EnsureSuccessStatusCode();
        var home = await client.GetStringAsync("/privacy");
        var stylesheet = Stylesheet().Match(home) is { Success: true } found
            ? WebUtility.HtmlDecode(found.Groups["href"].Value)
            : throw new InvalidOperationException("The page links no MudBlazor stylesheet.");

        var clip = await RequestsPerSecondAsync(client, $"/clips/{clipId}/content");
        var file = await RequestsPerSecondAsync(client, "/" + stylesheet.TrimStart('/'));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            | 64 KB range requests, {Connections} connections, {Measured.TotalSeconds:N0} s each | requests/s |
            | --- | ---: |
            | /clips/{"{id}"}/content (officer, live disclosure) | {clip:N0} |
            | static file ({stylesheet}) | {file:N0} |
            | clip endpoint / static file | {clip / file:P0} |
            """));
    }

    private const string Officer = "officer.reyes@larkspurbay.example";

    /// <summary>Discloses the demo's first clip to the officer's agency, with its entry, through the log as a second app node would.</summary>
    private static async Task<Guid> DiscloseAClipAsync(string databasePath)
    {
        var database = BenchmarkDatabase.Existing(databasePath);
        await using var log = new AuditLog(database, TimeProvider.System);
        return await log.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var agencyId = await db.Users.Where(u => u.Email == Officer).Select(u => u.AgencyId!.Value).SingleAsync(cancellationToken);
            var request = await db.FootageRequests.Where(r => r.AgencyId == agencyId && r.Status == RequestStatus.Open).OrderBy(r => r.CreatedAt).FirstAsync(cancellationToken);
            var clip = await db.Clips.Include(c => c.Camera).OrderBy(c => c.RecordedStart).FirstAsync(cancellationToken);
            var now = DateTime.UtcNow;
            var disclosure = new Disclosure
            {
                Id = Guid.NewGuid(), ResidentId = clip.Camera!.OwnerId, ClipId = clip.Id, ClipSha256 = clip.Sha256, AgencyId = agencyId, RequestId = request.Id,
                LegalBasis = LegalBasis.Consent, RevealedContactFields = ContactFields.None, AllowDownload = false, DisclosedAt = now, AccessExpiresAt = now.AddDays(7),
            };
            db.Disclosures.Add(disclosure);
            await audit.AppendAsync(AuditActors.User(disclosure.ResidentId), $"disclosure:{disclosure.Id}", new DisclosureCreated(
                agencyId, request.Id, request.CaseNumber, request.IncidentType, disclosure.LegalBasis, clip.Id, clip.Sha256, clip.RecordedStart, clip.RecordedEnd,
                disclosure.RevealedContactFields, disclosure.AllowDownload, disclosure.AccessExpiresAt, disclosure.ResidentId), cancellationToken);
            return clip.Id;
        });
    }

    private static async Task<double> RequestsPerSecondAsync(HttpClient client, string path)
    {
        await LoadAsync(client, path, Warmup);
        var completed = await LoadAsync(client, path, Measured);
        return completed / Measured.TotalSeconds;
    }

    private static async Task<long> LoadAsync(HttpClient client, string path, TimeSpan duration)
    {
        long completed = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, path);
                message.Headers.Range = RangeHeaderValue.Parse(Range);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.PartialContent)
                {
                    throw new InvalidOperationException($"{path} answered {response.StatusCode} to a range request.");
                }

                await response.Content.CopyToAsync(Stream.Null);
                Interlocked.Increment(ref completed);
            }
        })));
        return completed;
    }

    [GeneratedRegex("""<link[^>]*href="(?<href>[^"]*MudBlazor[^"]*\.css[^"]*)"[^>]*>""")]
    private static partial Regex Stylesheet();
}
