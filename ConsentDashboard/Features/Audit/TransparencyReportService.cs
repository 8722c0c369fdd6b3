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

/// <summary>
/// One agency's year, twelve month rows and the year's total as the thirteenth; the page names the rows in the reader's
/// language. Hidden cells are already decided.
/// </summary>
public sealed record TransparencyReport(
    string AgencyName,
    int Year,
    int Threshold,
    IReadOnlyList<string> ColumnLabels,
    long[,] Counts,
    bool[,] Hidden,
    string MedianNoticeDelay)
{
    public int RowCount => Counts.GetLength(0);

    public string Cell(int row, int column) => SmallCountSuppression.Display(Counts[row, column], Hidden[row, column], Threshold);
}

/// <summary>
/// The transparency report: requests filed and rejected, residents notified, clips disclosed, residents who shared,
/// revocations, the legal-basis breakdown, legal demands and delayed notices, per agency per month, from the audit log's indexed columns. There is deliberately no
/// column for declines or ignores (invariant 2): the log does not even record them.
/// </summary>
public sealed class TransparencyReportService(
    IDbContextFactory<ApplicationDbContext> dbFactory, AuditLog auditLog, IOptions<TransparencyReportOptions> options)
{
    public static readonly string[] Columns =
    [
        "Requests filed", "Residents notified", "Clips disclosed", "Residents who shared", "Revocations", "Consent", "Warrant", "Emergency",
        "Court order", "Subpoena", "Requests rejected", "Legal demands", "Delayed notices",
    ];

    private const int Requests = 0, Notified = 1, Clips = 2, Sharers = 3, Revocations = 4, Consent = 5, Warrant = 6, Emergency = 7,
        CourtOrder = 8, Subpoena = 9, Rejected = 10, Demands = 11, Delayed = 12;

    /// <summary>The clip columns by legal basis; together they add up to the clips disclosed.</summary>
    private static readonly int[] Bases = [Consent, Warrant, Emergency, CourtOrder, Subpoena];

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
        string[] actions =
        [
            nameof(RequestCreated), nameof(RequestApproved), nameof(RequestRejected), nameof(DisclosureCreated), nameof(DisclosureRevoked),
            nameof(LegalDemandRecorded),
        ];
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.AgencyId == agencyId && e.Timestamp >= from && e.Timestamp < to && actions.Contains(e.Action))
            .Select(e => new { e.Timestamp, e.Action, e.LegalBasis, e.ResidentId, e.Details })
            .ToListAsync(cancellationToken);

        var counts = new long[13, Columns.Length];
        var sharers = Enumerable.Range(0, 13).Select(_ => new HashSet<string>()).ToArray();
        var delays = new List<double>();
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
                    case nameof(RequestApproved):
                        // A reviewed request notifies residents when it is approved.
                        counts[row, Notified] += JsonSerializer.Deserialize<RequestApproved>(entry.Details, AuditLog.DetailsJson)!.Notified;
                        break;
                    case nameof(RequestRejected):
                        counts[row, Rejected]++;
                        break;
                    case nameof(LegalDemandRecorded):
                        counts[row, Demands]++;
                        var demand = JsonSerializer.Deserialize<LegalDemandRecorded>(entry.Details, AuditLog.DetailsJson)!;
                        if (demand.NoticeDelayReason is not null)
                        {
                            counts[row, Delayed]++;
                            if (row == 12)
                            {
                                delays.Add((demand.NoticeAt - entry.Timestamp).TotalDays);
                            }
                        }

                        break;
                    case nameof(DisclosureCreated):
                        counts[row, Clips]++;
                        counts[row, entry.LegalBasis switch
                        {
                            nameof(LegalBasis.Warrant) => Warrant,
                            nameof(LegalBasis.Emergency) => Emergency,
                            nameof(LegalBasis.CourtOrder) => CourtOrder,
                            nameof(LegalBasis.Subpoena) => Subpoena,
                            _ => Consent,
                        }]++;
                        if (entry.ResidentId is not null && entry.LegalBasis == nameof(LegalBasis.Consent))
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
        await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
        {
            await audit.AppendAsync(AuditActors.User(auditorId), $"report:{agencyId}:{year}", new ReportViewed(agencyId, year), cancellationToken: cancellationToken);
        }, cancellationToken);

        return new TransparencyReport(agency.Name, year, Threshold, Columns, counts, hidden, MedianDelay(delays, Threshold));
    }

    /// <summary>
    /// The sums a reader could use: each additive column's months add up to its total, and in every row the legal bases
    /// add up to the clips disclosed. Residents who shared is not additive (one resident can share in several months).
    /// </summary>
    public static IReadOnlyList<SumRelation> Relations()
    {
        var relations = new List<SumRelation>();
        foreach (var column in new[] { Requests, Notified, Clips, Revocations, Consent, Warrant, Emergency, CourtOrder, Subpoena, Rejected, Demands, Delayed })
        {
            relations.Add(new SumRelation(Enumerable.Range(0, 12).Select(month => (month, column)).ToList(), (12, column)));
        }

        for (var row = 0; row < 13; row++)
        {
            relations.Add(new SumRelation(Bases.Select(column => (row, column)).ToList(), (row, Clips)));
        }

        return relations;
    }

    /// <summary>
    /// The year's median delay of delayed notices, in days; published only when at least <paramref name="threshold"/> notices
    /// were delayed, since the median of a few delays is nearly one of them.
    /// </summary>
    public static string MedianDelay(IReadOnlyList<double> delays, int threshold)
    {
        if (delays.Count == 0)
        {
            return "No notice was delayed.";
        }

        if (delays.Count < threshold)
        {
            return $"Not published: fewer than {threshold} notices were delayed.";
        }

        var sorted = delays.Order().ToList();
        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return $"{median.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} days (over {sorted.Count} delayed notices).";
    }
}
