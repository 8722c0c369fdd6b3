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

    /// <param name="emptyNeedsAKey">
    /// True on databases that sort an empty (NULL) value above every other (PostgreSQL): an explicit key then puts it
    /// below, as SQLite does, so the grid reads the same on both. SQLite goes without it and sorts from the index alone.
    /// </param>
    public static IQueryable<AuditEntry> Sort(this IQueryable<AuditEntry> entries, AuditSort sort, bool emptyNeedsAKey = false) => sort.Column switch
    {
        AuditSortColumn.Action => By(entries, e => e.Action, sort.Descending, emptyNeedsAKey: false),
        AuditSortColumn.Agency => By(entries, e => e.AgencyId, sort.Descending, emptyNeedsAKey),
        AuditSortColumn.LegalBasis => By(entries, e => e.LegalBasis, sort.Descending, emptyNeedsAKey),
        AuditSortColumn.CaseNumber => By(entries, e => e.CaseNumber, sort.Descending, emptyNeedsAKey),
        _ => sort.Descending ? entries.OrderByDescending(e => e.Sequence) : entries.OrderBy(e => e.Sequence),
    };

    /// <summary>By one column, then by sequence, in one direction.</summary>
    private static IOrderedQueryable<AuditEntry> By<TKey>(
        IQueryable<AuditEntry> entries, System.Linq.Expressions.Expression<Func<AuditEntry, TKey>> key, bool descending, bool emptyNeedsAKey)
    {
        IOrderedQueryable<AuditEntry>? ordered = null;
        if (emptyNeedsAKey)
        {
            var hasValue = System.Linq.Expressions.Expression.Lambda<Func<AuditEntry, bool>>(
                System.Linq.Expressions.Expression.NotEqual(key.Body, System.Linq.Expressions.Expression.Constant(null, key.Body.Type)), key.Parameters);
            ordered = descending ? entries.OrderByDescending(hasValue) : entries.OrderBy(hasValue);
        }

        ordered = ordered is null
            ? descending ? entries.OrderByDescending(key) : entries.OrderBy(key)
            : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        return descending ? ordered.ThenByDescending(e => e.Sequence) : ordered.ThenBy(e => e.Sequence);
    }
}
