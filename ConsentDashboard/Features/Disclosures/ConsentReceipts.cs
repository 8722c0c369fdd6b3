using System.Globalization;
using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Disclosures;

/// <summary>
/// Builds the receipt of one of the resident's own disclosures; anyone else's is simply not found. Its readable fields
/// (purpose, collection method, termination, categories) are in the resident's language, which its <c>language</c>
/// field names; the disclosure, the log entries and the proof are data and read the same in every language.
/// </summary>
public sealed class ConsentReceipts(IDbContextFactory<ApplicationDbContext> dbFactory, AuditCheckpoints checkpoints, IStringLocalizer<AppText> text)
{
    public async Task<ConsentReceipt?> BuildAsync(ClaimsPrincipal user, Guid disclosureId, string policyUrl, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var d = await db.Disclosures.AsNoTracking()
            .Where(x => x.Id == disclosureId && x.ResidentId == residentId)
            .Where(Disclosure.KnownToResident)
            .Select(x => new
            {
                x.Id, x.ClipId, x.ClipSha256, x.LegalBasis, x.RevealedContactFields, x.AllowDownload, x.DisclosedAt, x.AccessExpiresAt,
                x.RevokedAt, x.Clip!.RecordedStart, x.Clip.RecordedEnd, ResidentEmail = x.Resident!.Email,
                AgencyName = x.Agency!.Name, x.Agency.Jurisdiction,
                CaseNumber = x.Request != null ? x.Request.CaseNumber : x.LegalDemand != null ? x.LegalDemand.Reference : null,
                IncidentType = x.Request != null ? x.Request.IncidentType : (IncidentType?)null,
                OfficerContact = x.Request != null ? x.Request.OfficerContact : null,
                OfficerEmail = x.Request != null ? x.Request.Officer!.Email : null,
                OfficerPhone = x.Request != null ? x.Request.Officer!.PhoneNumber : null,
                Demand = x.LegalDemand,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (d is null)
        {
            return null;
        }

        var subject = $"disclosure:{d.Id}";
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Subject == subject && (e.Action == nameof(DisclosureCreated) || e.Action == nameof(DisclosureRevoked)))
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
        var entry = entries.First(e => e.Action == nameof(DisclosureCreated));
        var proof = await ProveAsync(db, entries, cancellationToken);

        var revealedFields = Enum.GetValues<ContactFields>()
            .Where(f => f != ContactFields.None && d.RevealedContactFields.HasFlag(f))
            .ToList();
        var revealed = revealedFields.Select(f => f.ToString()).ToList();
        // A compelled disclosure's receipt names its legal basis and document where a consented one names the consent.
        var demand = d.Demand;
        var basis = text.UnderBasis(d.LegalBasis);
        var accessEnds = d.AccessExpiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var purpose = d.IncidentType is { } type
            ? text["Investigation of case {0} ({1})", d.CaseNumber ?? "", text.Words(type).ToLower(CultureInfo.CurrentCulture)]
            : demand is not null ? text["Production under {0} ({1})", basis, demand.Citation] : text["Demand {0}", d.CaseNumber ?? ""];
        string collection = demand is null
            ? text["Resident chose clips in the ConsentDashboard web app in answer to a footage request"]
            : text["Produced without the resident's consent under {0} ({1}; document SHA-256 {2}), recorded by the operator", basis, demand.Citation, demand.DocumentSha256];
        string termination = demand is null
            ? text["Access ends {0} or when the resident revokes it", accessEnds]
            : text["Access ends {0}; a compelled disclosure cannot be revoked by the resident", accessEnds];
        return new ConsentReceipt(
            ConsentReceipt.SpecVersion,
            d.Jurisdiction,
            new DateTimeOffset(d.DisclosedAt).ToUnixTimeSeconds(),
            collection,
            d.Id.ToString(),
            AppCultures.LanguageOf(CultureInfo.CurrentUICulture) ?? AppCultures.English,
            d.ResidentEmail ?? residentId,
            [new ReceiptController(d.AgencyName, d.OfficerContact ?? d.AgencyName, d.Jurisdiction, d.OfficerEmail ?? "", d.OfficerPhone ?? "")],
            policyUrl,
            [
                new ReceiptService(text["Disclosure of home-camera footage"], [
                    new ReceiptPurpose(
                        purpose,
                        [text["Law enforcement investigation"]],
                        d.LegalBasis == LegalBasis.Consent ? "EXPRESSED" : d.LegalBasis.ToString().ToUpperInvariant(),
                        [text["Video footage"], .. revealedFields.Select(f => text.Words(f))],
                        true,
                        termination,
                        true,
                        d.AgencyName),
                ]),
            ],
            false,
            [],
            new ReceiptDisclosure(d.ClipId, d.ClipSha256, d.RecordedStart, d.RecordedEnd, d.LegalBasis.ToString(), d.CaseNumber,
                revealed, d.AllowDownload, d.AccessExpiresAt, d.RevokedAt),
            entry.Sequence,
            entry.Hash,
            proof);
    }

    /// <summary>
    /// Inclusion proofs of the disclosure's entries against the newest published tree head that covers them; when none
    /// does yet, a head is signed and published now.
    /// </summary>
    private async Task<ReceiptLogProof> ProveAsync(ApplicationDbContext db, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var newest = entries.Max(e => e.Sequence);
        var checkpoint = await db.AuditCheckpoints.AsNoTracking().Where(c => c.RootHash != null && c.Sequence >= newest)
            .OrderByDescending(c => c.Sequence).ThenByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken)
            ?? await checkpoints.SignHeadAsync(cancellationToken);
        var head = SignedTreeHead.From(checkpoint!)!;
        var proven = new List<ReceiptLogEntry>();
        foreach (var e in entries)
        {
            var path = await AuditTree.InclusionProofAsync(db, e.Sequence, head.TreeSize, cancellationToken);
            proven.Add(new ReceiptLogEntry(e.Sequence - 1, e.Sequence, e.Timestamp.ToString(AuditCanonicalEncoding.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture),
                e.Actor, e.Action, e.Subject, e.Details, e.PreviousHash, e.Hash, path.Select(Convert.ToHexStringLower).ToList()));
        }

        return new ReceiptLogProof(head, proven);
    }
}
