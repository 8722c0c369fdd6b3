using ConsentDashboard.Data;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.PublicLedger;

/// <summary>
/// An approved request as the public sees it: the agency, what for, when, roughly where (the centre rounded to about a
/// kilometre), and its status. Nothing about who was notified or how anyone answered.
/// </summary>
public sealed record LedgerRequest(
    Guid Id,
    string Agency,
    string IncidentType,
    DateOnly Filed,
    DateOnly WindowDay,
    double ApproximateLatitude,
    double ApproximateLongitude,
    double RadiusMeters,
    string Status,
    DateOnly ClosingDate);

public sealed record LedgerRejection(string Agency, DateOnly Rejected);

/// <summary>
/// One agency's month. Each count is null when it is hidden (non-zero and below the threshold): the public sees "&lt; threshold".
/// </summary>
public sealed record LedgerMonth(
    string Agency,
    string Month,
    long? RequestsFiled,
    long? RequestsRejected,
    long? Warrants,
    long? CourtOrders,
    long? Subpoenas,
    long? Emergencies,
    long? ClipsDisclosed);

public sealed record PublicLedgerView(
    DateTime GeneratedAt,
    int SuppressionThreshold,
    IReadOnlyList<LedgerRequest> Requests,
    IReadOnlyList<LedgerRejection> Rejections,
    IReadOnlyList<LedgerMonth> Months);

/// <summary>
/// The public request ledger (<c>/public/requests</c>, its Atom feed and JSON): every request residents were asked about,
/// every rejection, and per-agency monthly totals under small-count suppression (invariant 6). It never holds a per-request
/// count of clips, notices, shares, declines or ignores (invariants 1 and 2). A compelled disclosure and its demand are
/// counted only once the resident has been told (invariant 8), so a delayed notice is not announced here first.
/// </summary>
public sealed class PublicLedgerService(
    IDbContextFactory<ApplicationDbContext> dbFactory, IOptions<TransparencyReportOptions> report, TimeProvider time)
{
    /// <summary>About a kilometre: two decimals of a degree of latitude are 1.1 km.</summary>
    public const int CoordinateDecimals = 2;

    public int Threshold => report.Value.SuppressionThreshold;

    public async Task<PublicLedgerView> BuildAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var requests = await db.FootageRequests.AsNoTracking()
            .Where(r => r.Status != RequestStatus.PendingReview)
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new
            {
                r.Id, Agency = r.Agency!.Name, r.AgencyId, r.IncidentType, r.CreatedAt, r.WindowStart, r.CenterLatitude, r.CenterLongitude,
                r.RadiusMeters, r.Status, r.OpenedAt, r.ExpiresAt, r.ClosedAt, r.ReviewedAt,
            })
            .ToListAsync(cancellationToken);
        var published = requests
            .Where(r => r.OpenedAt is not null)
            .Select(r =>
            {
                var status = r.Status == RequestStatus.Open && r.ExpiresAt <= now ? RequestStatus.Expired : r.Status;
                return new LedgerRequest(r.Id, r.Agency, Formats.Words(r.IncidentType), DateOnly.FromDateTime(r.CreatedAt), DateOnly.FromDateTime(r.WindowStart),
                    Math.Round(r.CenterLatitude, CoordinateDecimals), Math.Round(r.CenterLongitude, CoordinateDecimals), Math.Round(r.RadiusMeters),
                    status.ToString(), DateOnly.FromDateTime(status == RequestStatus.Open ? r.ExpiresAt : r.ClosedAt ?? r.ExpiresAt));
            })
            .ToList();
        var rejections = requests.Where(r => r.Status == RequestStatus.Rejected)
            .Select(r => new LedgerRejection(r.Agency, DateOnly.FromDateTime(r.ReviewedAt ?? r.ClosedAt ?? r.CreatedAt)))
            .ToList();

        var demands = await db.LegalDemands.AsNoTracking().Where(d => d.NoticeDeliveredAt != null)
            .Select(d => new { Agency = d.Agency!.Name, d.Basis, d.RecordedAt }).ToListAsync(cancellationToken);
        var clips = await db.Disclosures.AsNoTracking().Where(Disclosure.KnownToResident)
            .Select(d => new { Agency = d.Agency!.Name, d.DisclosedAt }).ToListAsync(cancellationToken);

        var keys = requests.Select(r => (r.Agency, Month(r.CreatedAt)))
            .Concat(demands.Select(d => (d.Agency, Month(d.RecordedAt))))
            .Concat(clips.Select(c => (c.Agency, Month(c.DisclosedAt))))
            .Distinct()
            .OrderByDescending(k => k.Item2).ThenBy(k => k.Agency, StringComparer.Ordinal)
            .ToList();
        var months = keys.Select(k => new LedgerMonth(k.Agency, k.Item2,
                Shown(requests.Count(r => r.Agency == k.Agency && Month(r.CreatedAt) == k.Item2)),
                Shown(requests.Count(r => r.Agency == k.Agency && r.Status == RequestStatus.Rejected && Month(r.CreatedAt) == k.Item2)),
                Shown(demands.Count(d => d.Agency == k.Agency && d.Basis == LegalBasis.Warrant && Month(d.RecordedAt) == k.Item2)),
                Shown(demands.Count(d => d.Agency == k.Agency && d.Basis == LegalBasis.CourtOrder && Month(d.RecordedAt) == k.Item2)),
                Shown(demands.Count(d => d.Agency == k.Agency && d.Basis == LegalBasis.Subpoena && Month(d.RecordedAt) == k.Item2)),
                Shown(demands.Count(d => d.Agency == k.Agency && d.Basis == LegalBasis.Emergency && Month(d.RecordedAt) == k.Item2)),
                Shown(clips.Count(c => c.Agency == k.Agency && Month(c.DisclosedAt) == k.Item2))))
            .ToList();
        return new PublicLedgerView(now, Threshold, published, rejections, months);
    }

    /// <summary>A count as published: hidden (null) when non-zero and below the threshold. No row or column totals are published, so no sum can reveal a hidden cell.</summary>
    private long? Shown(long count) => count is > 0 && count < Threshold ? null : count;

    private static string Month(DateTime utc) => utc.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
