using System.Security.Claims;
using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.Audit;

public sealed class TransparencyReportOptions
{
    public const string SectionName = "ConsentDashboard:TransparencyReport";

    /// <summary>Non-zero counts below this are shown as "&lt; threshold".</summary>
    public int SuppressionThreshold { get; set; } = 11;
}

/// <summary>One agency's year, month by month, with the last row the year's total. Hidden cells are already decided.</summary>
public sealed record TransparencyReport(
    string AgencyName,
    int Year,
    int Threshold,
    IReadOnlyList<string> RowLabels,
    IReadOnlyList<string> ColumnLabels,
    long[,] Counts,
    bool[,] Hidden)
{
    public string Cell(int row, int column) => SmallCountSuppression.Display(Counts[row, column], Hidden[row, column], Threshold);
}

/// <summary>
/// The transparency report: requests filed, residents notified, clips disclosed, residents who shared, revocations and
/// the legal-basis breakdown, per agency per month, from the audit log's indexed columns. There is deliberately no
/// column for declines or ignores (invariant 2): the log does not even record them.
/// </summary>
public sealed class TransparencyReportService(
    IDbContextFactory<ApplicationDbContext> dbFactory, AuditLog auditLog, IOptions<TransparencyReportOptions> options)
{
    public static readonly string[] Columns =
        ["Requests filed", "Residents notified", "Clips disclosed", "Residents who shared", "Revocations", "Consent", "Warrant", "Emergency"];

    private const int Requests = 0, Notified = 1, Clips = 2, Sharers = 3, Revocations = 4, Consent = 5, Warrant = 6, Emergency = 7;

    public int Threshold => options.Value.SuppressionThreshold;

    public async Task<TransparencyReport?> BuildAsync(ClaimsPrincipal user, int agencyId, int year, CancellationToken cancellationToken = default)
    {
        var auditorId = user.RequireRole(Roles.Auditor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agency = await db.Agencies.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agencyId, cancellationToken);
        if (agency is null)
        {
            return null;
        }

        var from = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = from.AddYears(1);
        string[] actions = [nameof(RequestCreated), nameof(DisclosureCreated), nameof(DisclosureRevoked)];
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.AgencyId == agencyId && e.Timestamp >= from && e.Timestamp < to && actions.Contains(e.Action))
            .Select(e => new { e.Timestamp, e.Action, e.LegalBasis, e.ResidentId, e.Details })
            .ToListAsync(cancellationToken);

        var counts = new long[13, Columns.Length];
        var sharers = Enumerable.Range(0, 13).Select(_ => new HashSet<string>()).ToArray();
        foreach (var entry in entries)
        {
            var month = entry.Timestamp.Month - 1;
            foreach (var row in new[] { month, 12 })
            {
                switch (entry.Action)
                {
                    case nameof(RequestCreated):
                        counts[row, Requests]++;
                        counts[row, Notified] += JsonSerializer.Deserialize<RequestCreated>(entry.Details, AuditLog.DetailsJson)!.Notified;
                        break;
                    case nameof(DisclosureCreated):
                        counts[row, Clips]++;
                        counts[row, entry.LegalBasis switch { nameof(LegalBasis.Warrant) => Warrant, nameof(LegalBasis.Emergency) => Emergency, _ => Consent }]++;
                        if (entry.ResidentId is not null)
                        {
                            sharers[row].Add(entry.ResidentId);
                        }

                        break;
                    case nameof(DisclosureRevoked):
                        counts[row, Revocations]++;
                        break;
                }
            }
        }

        for (var row = 0; row < 13; row++)
        {
            counts[row, Sharers] = sharers[row].Count;
        }

        var hidden = SmallCountSuppression.Suppress(counts, Threshold, Relations());
        await using (var audit = await auditLog.BeginAsync(db, cancellationToken))
        {
            await audit.AppendAsync(AuditActors.User(auditorId), $"report:{agencyId}:{year}", new ReportViewed(agencyId, year), cancellationToken: cancellationToken);
            await audit.CommitAsync(cancellationToken);
        }

        var labels = Enumerable.Range(1, 12).Select(m => new DateTime(year, m, 1).ToString("MMMM", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))).Append($"{year} total").ToList();
        return new TransparencyReport(agency.Name, year, Threshold, labels, Columns, counts, hidden);
    }

    /// <summary>
    /// The sums a reader could use: each additive column's months add up to its total, and in every row the legal bases
    /// add up to the clips disclosed. Residents who shared is not additive (one resident can share in several months).
    /// </summary>
    public static IReadOnlyList<SumRelation> Relations()
    {
        var relations = new List<SumRelation>();
        foreach (var column in new[] { Requests, Notified, Clips, Revocations, Consent, Warrant, Emergency })
        {
            relations.Add(new SumRelation(Enumerable.Range(0, 12).Select(month => (month, column)).ToList(), (12, column)));
        }

        for (var row = 0; row < 13; row++)
        {
            relations.Add(new SumRelation([(row, Consent), (row, Warrant), (row, Emergency)], (row, Clips)));
        }

        return relations;
    }
}
