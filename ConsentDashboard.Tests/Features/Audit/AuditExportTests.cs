using System.Globalization;
using System.Net;
using System.Text.Json;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Audit;

public sealed class AuditExportTests : IAsyncLifetime
{
    private const int Generated = 20_000;

    // A comma and quotes, which the CSV must escape and the filter must match exactly.
    private const string RareCase = "EXP-RARE, \"quoted\"";
    private readonly AppFactory _app = new();

    public async ValueTask InitializeAsync()
    {
        await using var db = _app.CreateDbContext();
        await _app.Services.GetRequiredService<AuditLog>().WriteAsync(async (db, audit, _) =>
        {
            for (var i = 0; i < Generated; i++)
            {
                await audit.AppendAsync(AuditActors.System, $"request:{Guid.NewGuid()}",
                    new RequestExpired(1, i % 100 == 0 ? RareCase : "EXP-COMMON", DateTime.UnixEpoch.AddDays(i)));
            }
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpClient> AuditorAsync()
    {
        var client = _app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, DemoAccounts.Auditor);
        return client;
    }

    private static List<AuditRow> ReadCsv(string text)
    {
        using var reader = CsvReader.FromText(text, new CsvReaderOptions());
        var rows = new List<AuditRow>();
        string? Optional(string name) => reader.GetString(name) is { Length: > 0 } value ? value : null;
        while (reader.Read())
        {
            rows.Add(new AuditRow(
                long.Parse(reader.GetString("Sequence"), CultureInfo.InvariantCulture),
                DateTime.ParseExact(reader.GetString("Timestamp"), AuditExportEndpoints.TimestampFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                reader.GetString("Actor"), reader.GetString("Action"), reader.GetString("Subject"),
                Optional("AgencyId") is { } agency ? int.Parse(agency, CultureInfo.InvariantCulture) : null,
                Optional("CaseNumber"), Optional("LegalBasis"), Optional("Resident"),
                reader.GetString("Details"), reader.GetString("PreviousHash"), reader.GetString("Hash")));
        }

        return rows;
    }

    private static List<AuditRow> ReadJsonLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<AuditRow>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .ToList();

    [Fact]
    public async Task CsvAndJsonLines_RoundTripToTheSameEntriesAsTheLog()
    {
        using var client = await AuditorAsync();
        var filter = AuditExportEndpoints.QueryString(new AuditFilter(CaseNumber: RareCase));

        var csv = ReadCsv(await client.GetStringAsync($"/audit/export.csv{filter}"));
        var jsonLines = ReadJsonLines(await client.GetStringAsync($"/audit/export.jsonl{filter}"));

        Assert.Equal(Generated / 100, csv.Count);
        Assert.Equal(csv, jsonLines);
        await using var db = _app.CreateDbContext();
        var stored = await db.AuditEntries.Where(e => e.CaseNumber == RareCase).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(stored.Select(e => (e.Sequence, e.Timestamp, e.Action, e.Subject, e.Details, e.PreviousHash, e.Hash)),
            csv.Select(r => (r.Sequence, r.Timestamp, r.Action, r.Subject, r.Details, r.PreviousHash, r.Hash)));
        // The exported entries still hash to what they say: an auditor can check them without the server.
        Assert.All(stored.Zip(csv), pair => Assert.Equal(pair.First.Hash, AuditCanonicalEncoding.ComputeHash(pair.First)));
    }

    [Fact]
    public async Task ALargeExport_StreamsEveryEntry_AndIsItselfLogged()
    {
        using var client = await AuditorAsync();

        using var response = await client.GetAsync("/audit/export.jsonl", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = 0;
        long lastSequence = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            var sequence = JsonDocument.Parse(line).RootElement.GetProperty("sequence").GetInt64();
            Assert.Equal(lastSequence + 1, sequence);
            lastSequence = sequence;
            lines++;
        }

        Assert.True(lines > Generated, $"Expected every entry, got {lines}.");
        await using var db = _app.CreateDbContext();
        var exported = await db.AuditEntries.Where(e => e.Action == nameof(LogExported)).ToListAsync();
        Assert.Contains(exported, e => e.Details.Contains("\"format\":\"jsonl\""));
    }

    [Fact]
    public async Task Export_WithABadFilter_SaysWhyAndExportsNothing()
    {
        using var client = await AuditorAsync();

        using var response = await client.GetAsync("/audit/export.csv?from=last-tuesday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'from' must be a date and time such as 2026-11-01T00:00:00Z.", await response.Content.ReadAsStringAsync());
        await using var db = _app.CreateDbContext();
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == nameof(LogExported)));
    }

    [Theory]
    [InlineData("Resident")]
    [InlineData("Officer")]
    [InlineData("Admin")]
    public async Task Export_IsRefusedToEveryoneButAuditors(string role)
    {
        using var client = _app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, DemoAccounts.FirstOf(role));

        using var response = await client.GetAsync("/audit/export.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Sequence,Timestamp", await response.Content.ReadAsStringAsync());
    }
}
