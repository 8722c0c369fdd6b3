using System.Text;
using System.Text.Json;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The filterable facts an entry carries (agency, case, legal basis, the resident it is about), copied into index
/// columns. At append time they come from the event's type (<see cref="AuditEvent.Facets"/>); the verifier reads them
/// back from the hashed details, under the JSON names the facet interfaces' members are written with, so a column
/// changed in the database is caught.
/// </summary>
public readonly record struct AuditFacets(int? AgencyId, string? CaseNumber, string? LegalBasis, string? ResidentId = null)
{
    private static readonly byte[] AgencyIdName = JsonName(nameof(IAgencyFacet.AgencyId));
    private static readonly byte[] CaseNumberName = JsonName(nameof(ICaseFacet.CaseNumber));
    private static readonly byte[] LegalBasisName = JsonName(nameof(ILegalBasisFacet.LegalBasis));
    private static readonly byte[] ResidentIdName = JsonName(nameof(IResidentFacet.ResidentId));

    /// <summary>
    /// Actions whose entries name a resident. Entries written before the resident was part of the hashed details keep a
    /// resident column the details cannot vouch for; every later one carries it in its details.
    /// </summary>
    private static readonly byte[][] ResidentActions = AuditActions.Records
        .Where(r => r.IsAssignableTo(typeof(IResidentFacet)))
        .Select(r => Encoding.UTF8.GetBytes(r.Name))
        .ToArray();

    public static bool AgreeWith(AuditEntry entry) => AgreeWith(
        Encoding.UTF8.GetBytes(entry.Details), Encoding.UTF8.GetBytes(entry.Action), entry.AgencyId,
        Encoding.UTF8.GetBytes(entry.CaseNumber ?? ""), entry.CaseNumber is null, Encoding.UTF8.GetBytes(entry.LegalBasis ?? ""), entry.LegalBasis is null,
        Encoding.UTF8.GetBytes(entry.ResidentId ?? ""), entry.ResidentId is null);

    /// <summary>
    /// The same comparison on raw UTF-8 column values, without allocating: a null column must match an absent property,
    /// a present one the property's value exactly.
    /// </summary>
    public static bool AgreeWith(ReadOnlySpan<byte> detailsUtf8, ReadOnlySpan<byte> action, int? agencyId, ReadOnlySpan<byte> caseNumber, bool caseNumberIsNull,
        ReadOnlySpan<byte> legalBasis, bool legalBasisIsNull, ReadOnlySpan<byte> residentId, bool residentIdIsNull)
    {
        try
        {
            return AgreeWithJson(detailsUtf8, action, agencyId, caseNumber, caseNumberIsNull, legalBasis, legalBasisIsNull, residentId, residentIdIsNull);
        }
        catch (Exception notJson) when (notJson is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            // Not JSON (one quote replaced, say) or not UTF-8: the entry was changed, and the hash check names it.
            return false;
        }
    }

    private static bool AgreeWithJson(ReadOnlySpan<byte> detailsUtf8, ReadOnlySpan<byte> action, int? agencyId, ReadOnlySpan<byte> caseNumber,
        bool caseNumberIsNull, ReadOnlySpan<byte> legalBasis, bool legalBasisIsNull, ReadOnlySpan<byte> residentId, bool residentIdIsNull)
    {
        bool agencySeen = false, caseSeen = false, basisSeen = false, residentSeen = false, residentMatches = false;
        var reader = new Utf8JsonReader(detailsUtf8);
        while (NextTopLevelProperty(ref reader))
        {
            if (reader.ValueTextEquals(AgencyIdName) && reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                if (agencyId is null || !reader.TryGetInt32(out var value) || value != agencyId)
                {
                    return false;
                }

                agencySeen = true;
            }
            else if (reader.ValueTextEquals(CaseNumberName) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                if (caseNumberIsNull || !reader.ValueTextEquals(caseNumber))
                {
                    return false;
                }

                caseSeen = true;
            }
            else if (reader.ValueTextEquals(LegalBasisName) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                if (legalBasisIsNull || !reader.ValueTextEquals(legalBasis))
                {
                    return false;
                }

                basisSeen = true;
            }
            else if (reader.ValueTextEquals(ResidentIdName) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                residentSeen = true;
                residentMatches = !residentIdIsNull && reader.ValueTextEquals(residentId);
            }
        }

        return agencySeen == agencyId.HasValue && caseSeen == !caseNumberIsNull && basisSeen == !legalBasisIsNull
            && ResidentAgrees(residentSeen, residentMatches, residentIdIsNull, action);
    }

    public void ApplyTo(AuditEntry entry)
    {
        entry.AgencyId = AgencyId;
        entry.CaseNumber = CaseNumber;
        entry.LegalBasis = LegalBasis;
        entry.ResidentId = ResidentId;
    }

    /// <summary>
    /// Details that name a resident must match the column exactly. Details that name none need an empty column, except
    /// for entries of resident actions written before the resident was hashed, which the details cannot vouch for.
    /// </summary>
    private static bool ResidentAgrees(bool seen, bool matches, bool columnIsNull, ReadOnlySpan<byte> action)
    {
        if (seen)
        {
            return matches;
        }

        if (columnIsNull)
        {
            return true;
        }

        foreach (var legacy in ResidentActions)
        {
            if (action.SequenceEqual(legacy))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Moves to the next property name of the top-level object; false at the end.</summary>
    private static bool NextTopLevelProperty(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] JsonName(string propertyName) =>
        Encoding.UTF8.GetBytes(AuditLog.DetailsJson.PropertyNamingPolicy!.ConvertName(propertyName));
}
