using System.Text.Json;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>The filterable facts an entry's Details carry (agency, case, legal basis), copied into index columns.</summary>
public readonly record struct AuditFacets(int? AgencyId, string? CaseNumber, string? LegalBasis)
{
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
                    if (reader.ValueTextEquals("agencyId"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        agencyId = reader.GetInt32();
                    }
                    else if (reader.ValueTextEquals("caseNumber"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        caseNumber = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("legalBasis"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        legalBasis = reader.GetString();
                    }

                    break;
            }
        }

        return new AuditFacets(agencyId, caseNumber, legalBasis);
    }

    public static bool AgreeWith(AuditEntry entry) => AgreeWith(entry.Details, entry.AgencyId, entry.CaseNumber, entry.LegalBasis);

    /// <summary>Compares without materialising strings unless a value is present.</summary>
    public static bool AgreeWith(string details, int? agencyId, string? caseNumber, string? legalBasis)
    {
        // Most entries without facets have no such properties at all: a quick text check avoids parsing them.
        if (agencyId is null && caseNumber is null && legalBasis is null
            && !details.Contains("\"agencyId\"", StringComparison.Ordinal) && !details.Contains("\"caseNumber\"", StringComparison.Ordinal)
            && !details.Contains("\"legalBasis\"", StringComparison.Ordinal))
        {
            return true;
        }

        var facets = FromDetails(details);
        return facets.AgencyId == agencyId && facets.CaseNumber == caseNumber && facets.LegalBasis == legalBasis;
    }

    public void ApplyTo(AuditEntry entry)
    {
        entry.AgencyId = AgencyId;
        entry.CaseNumber = CaseNumber;
        entry.LegalBasis = LegalBasis;
    }
}
