using System.Text.Json;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The filterable facts an entry carries (agency, case, legal basis), copied into index columns. At append time they come
/// from the event's type (<see cref="AuditEvent.Facets"/>); the verifier reads them back from the hashed details, under
/// the JSON names the facet interfaces' members are written with.
/// </summary>
public readonly record struct AuditFacets(int? AgencyId, string? CaseNumber, string? LegalBasis)
{
    private static readonly byte[] AgencyIdName = JsonName(nameof(IAgencyFacet.AgencyId));
    private static readonly byte[] CaseNumberName = JsonName(nameof(ICaseFacet.CaseNumber));
    private static readonly byte[] LegalBasisName = JsonName(nameof(ILegalBasisFacet.LegalBasis));

    public static AuditFacets FromDetails(string detailsJson) => FromDetails(System.Text.Encoding.UTF8.GetBytes(detailsJson));

    public static AuditFacets FromDetails(ReadOnlySpan<byte> detailsUtf8)
    {
        int? agencyId = null;
        string? caseNumber = null;
        string? legalBasis = null;
        var reader = new Utf8JsonReader(detailsUtf8);
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName when depth == 1:
                    if (reader.ValueTextEquals(AgencyIdName) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        agencyId = reader.GetInt32();
                    }
                    else if (reader.ValueTextEquals(CaseNumberName) && reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        caseNumber = reader.GetString();
                    }
                    else if (reader.ValueTextEquals(LegalBasisName) && reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        legalBasis = reader.GetString();
                    }

                    break;
            }
        }

        return new AuditFacets(agencyId, caseNumber, legalBasis);
    }

    public static bool AgreeWith(AuditEntry entry)
    {
        var facets = FromDetails(entry.Details);
        return facets.AgencyId == entry.AgencyId && facets.CaseNumber == entry.CaseNumber && facets.LegalBasis == entry.LegalBasis;
    }

    /// <summary>
    /// The same comparison on raw UTF-8 column values, without allocating: a null column must match an absent property,
    /// a present one the property's value exactly.
    /// </summary>
    public static bool AgreeWith(ReadOnlySpan<byte> detailsUtf8, int? agencyId, ReadOnlySpan<byte> caseNumber, bool caseNumberIsNull,
        ReadOnlySpan<byte> legalBasis, bool legalBasisIsNull)
    {
        bool agencySeen = false, caseSeen = false, basisSeen = false;
        var reader = new Utf8JsonReader(detailsUtf8);
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName when depth == 1:
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

                    break;
            }
        }

        return agencySeen == agencyId.HasValue && caseSeen == !caseNumberIsNull && basisSeen == !legalBasisIsNull;
    }

    private static byte[] JsonName(string propertyName) =>
        System.Text.Encoding.UTF8.GetBytes(AuditLog.DetailsJson.PropertyNamingPolicy!.ConvertName(propertyName));

    public void ApplyTo(AuditEntry entry)
    {
        entry.AgencyId = AgencyId;
        entry.CaseNumber = CaseNumber;
        entry.LegalBasis = LegalBasis;
    }
}
