using ConsentDashboard.Data;

namespace ConsentDashboard.Features.Audit;

/// <summary>What an auditor narrows the log to. Every field is optional; times are UTC.</summary>
public sealed record AuditFilter(
    DateTime? From = null,
    DateTime? To = null,
    string? Action = null,
    int? AgencyId = null,
    string? LegalBasis = null,
    string? CaseNumber = null,
    string? ResidentPseudonym = null)
{
    public static readonly AuditFilter None = new();

    /// <summary>The legal-basis filter value for every entry about a legal demand: the demand's own entries and its compelled disclosures' entries.</summary>
    public const string AnyLegalDemand = "AnyLegalDemand";

    public bool IsEmpty => this == None;
}

/// <summary>The columns the grid sorts by; each is served by an index that ends in the sequence.</summary>
public enum AuditSortColumn
{
    Sequence,
    Action,
    Agency,
    LegalBasis,
    CaseNumber,
}

public sealed record AuditSort(AuditSortColumn Column = AuditSortColumn.Sequence, bool Descending = true);

public static class AuditQueries
{
    /// <summary>
    /// Applies the filter with predicates that each match one index. <paramref name="residentId"/> is the resident the
    /// pseudonym resolved to; a pseudonym that matches nobody gives an empty result, never the whole log.
    /// </summary>
    public static IQueryable<AuditEntry> Apply(this IQueryable<AuditEntry> entries, AuditFilter filter, string? residentId)
    {
        if (filter.From is { } from)
        {
            entries = entries.Where(e => e.Timestamp >= from);
        }

        if (filter.To is { } to)
        {
            entries = entries.Where(e => e.Timestamp < to);
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            entries = entries.Where(e => e.Action == filter.Action);
        }

        if (filter.AgencyId is { } agencyId)
        {
            entries = entries.Where(e => e.AgencyId == agencyId);
        }

        if (filter.LegalBasis == AuditFilter.AnyLegalDemand)
        {
            var consent = nameof(Data.LegalBasis.Consent);
            entries = entries.Where(e => e.LegalBasis != null && e.LegalBasis != consent);
        }
        else if (!string.IsNullOrWhiteSpace(filter.LegalBasis))
        {
            entries = entries.Where(e => e.LegalBasis == filter.LegalBasis);
        }

        if (!string.IsNullOrWhiteSpace(filter.CaseNumber))
        {
            var caseNumber = filter.CaseNumber.Trim();
            entries = entries.Where(e => e.CaseNumber == caseNumber);
        }

        if (!string.IsNullOrWhiteSpace(filter.ResidentPseudonym))
        {
            entries = residentId is null ? entries.Where(_ => false) : entries.Where(e => e.ResidentId == residentId);
        }

        return entries;
    }

    public static IQueryable<AuditEntry> Sort(this IQueryable<AuditEntry> entries, AuditSort sort) => (sort.Column, sort.Descending) switch
    {
        (AuditSortColumn.Action, false) => entries.OrderBy(e => e.Action).ThenBy(e => e.Sequence),
        (AuditSortColumn.Action, true) => entries.OrderByDescending(e => e.Action).ThenByDescending(e => e.Sequence),
        (AuditSortColumn.Agency, false) => entries.OrderBy(e => e.AgencyId).ThenBy(e => e.Sequence),
        (AuditSortColumn.Agency, true) => entries.OrderByDescending(e => e.AgencyId).ThenByDescending(e => e.Sequence),
        (AuditSortColumn.LegalBasis, false) => entries.OrderBy(e => e.LegalBasis).ThenBy(e => e.Sequence),
        (AuditSortColumn.LegalBasis, true) => entries.OrderByDescending(e => e.LegalBasis).ThenByDescending(e => e.Sequence),
        (AuditSortColumn.CaseNumber, false) => entries.OrderBy(e => e.CaseNumber).ThenBy(e => e.Sequence),
        (AuditSortColumn.CaseNumber, true) => entries.OrderByDescending(e => e.CaseNumber).ThenByDescending(e => e.Sequence),
        (_, false) => entries.OrderBy(e => e.Sequence),
        _ => entries.OrderByDescending(e => e.Sequence),
    };
}
