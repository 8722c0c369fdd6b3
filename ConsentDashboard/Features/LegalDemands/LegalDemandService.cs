using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Clips;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.LegalDemands;

public sealed record CameraChoice(Guid Id, string Label, bool IsActive);

public sealed record ClipChoice(Guid Id, Guid CameraId, string CameraLabel, DateTime RecordedStart, DateTime RecordedEnd, string Sha256);

/// <summary>Where an emergency demand stands with its court-order follow-up.</summary>
public enum FollowUpState
{
    /// <summary>Not an emergency: the document is the court's own.</summary>
    NotNeeded,

    /// <summary>An emergency still inside its follow-up window.</summary>
    Awaiting,

    /// <summary>An emergency past its follow-up window without a court order: flagged to auditors.</summary>
    Overdue,

    Attached,

    /// <summary>A court order was attached, but after the follow-up window.</summary>
    AttachedLate,
}

/// <summary>A recorded demand as admins and auditors list it; <see cref="Resident"/> is an e-mail for admins, a pseudonym for auditors.</summary>
public sealed record LegalDemandRow(
    Guid Id,
    string AgencyName,
    LegalBasis Basis,
    string Citation,
    string DocumentSha256,
    string Resident,
    DateTime RecordedAt,
    DateTime NoticeAt,
    string? NoticeDelayReason,
    DateTime? NoticeDeliveredAt,
    int Clips,
    string? FollowUpReference,
    FollowUpState FollowUp);

/// <summary>
/// Legal demands: an admin records the document, the resident's cameras and time range it covers, and the clips produced;
/// each produced clip becomes a compelled disclosure the agency's officers stream like a consented one. The resident is told
/// on the notice date (see <see cref="LegalDemandNotices"/>); until then nothing about it reaches them.
/// </summary>
public sealed class LegalDemandService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    IValidator<LegalDemandInput> validator,
    LegalDocumentStorage documents,
    LegalDemandNotices notices,
    InboxNotifier notifier,
    MailOutbox outbox,
    ResidentPseudonyms pseudonyms,
    IOptions<LegalDemandOptions> options,
    TimeProvider time)
{
    public const string NotFound = "This legal demand does not exist.";

    public LegalDemandOptions Limits => options.Value;

    /// <summary>The resident's cameras, for the admin choosing what a document covers; null when no resident has the address.</summary>
    public async Task<IReadOnlyList<CameraChoice>?> CamerasOfAsync(ClaimsPrincipal user, string residentEmail, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        var residentId = await LegalDemandInputValidator.ResidentIdAsync(dbFactory, residentEmail, cancellationToken);
        if (residentId is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Cameras.AsNoTracking().Where(c => c.OwnerId == residentId).OrderBy(c => c.Label)
            .Select(c => new CameraChoice(c.Id, c.Label, c.IsActive)).ToListAsync(cancellationToken);
    }

    /// <summary>The clips of the chosen cameras that overlap the covered range: the only ones that can be produced.</summary>
    public async Task<IReadOnlyList<ClipChoice>> ClipsCoveredAsync(
        ClaimsPrincipal user, IReadOnlyCollection<Guid> cameraIds, DateTime from, DateTime to, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Clips.AsNoTracking()
            .Where(c => cameraIds.Contains(c.CameraId) && c.RecordedStart < to && c.RecordedEnd > from)
            .OrderBy(c => c.RecordedStart)
            .Select(c => new ClipChoice(c.Id, c.CameraId, c.Camera!.Label, c.RecordedStart, c.RecordedEnd, c.Sha256))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Records the demand, its document and one compelled disclosure per produced clip, with their entries, in one
    /// transaction. An immediate notice is delivered in the same transaction. Returns the demand's id.
    /// </summary>
    public async Task<Guid> RecordAsync(ClaimsPrincipal user, LegalDemandInput input, Stream document, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        await validator.EnsureValidAsync(input, cancellationToken);
        StoredFile stored;
        try
        {
            stored = await documents.StoreAsync(document, Limits.MaxDocumentBytes, cancellationToken);
        }
        catch (StoredFileTooLargeException)
        {
            throw new ActionRefusedException($"The document is larger than the {Limits.MaxDocumentBytes / (1024 * 1024)} MB limit. Nothing was recorded.");
        }
        catch (UnsupportedFileException unsupported)
        {
            throw new ActionRefusedException(unsupported.Message + " Attach the demand as a PDF; nothing was recorded.");
        }

        // Whole microseconds, as every database stores a time: the receipt's times must equal the logged ones exactly.
        var now = AuditCanonicalEncoding.Normalise(time.GetUtcNow().UtcDateTime);
        LegalDemand demand;
        var committed = false;
        try
        {
            demand = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
            {
                // Again inside the write lock: the agency, the resident's cameras and clips are as checked when written.
                await validator.EnsureValidAsync(input, cancellationToken);
                var residentId = (await LegalDemandInputValidator.ResidentIdAsync(dbFactory, input.ResidentEmail, cancellationToken))!;
                var clipIds = input.ClipIds.Distinct().ToList();
                var clips = await db.Clips.Where(c => clipIds.Contains(c.Id)).OrderBy(c => c.RecordedStart).ToListAsync(cancellationToken);
                var demand = new LegalDemand
                {
                    Id = Guid.NewGuid(),
                    AgencyId = input.AgencyId!.Value,
                    Basis = input.Basis!.Value,
                    Court = input.Court.Trim(),
                    Reference = input.Reference.Trim(),
                    DocumentDate = DateTime.SpecifyKind(input.DocumentDate!.Value.Date, DateTimeKind.Utc),
                    Description = input.Description.Trim(),
                    DocumentSha256 = stored.Sha256,
                    DocumentStorageKey = stored.StorageKey,
                    DocumentSizeBytes = stored.SizeBytes,
                    ResidentId = residentId,
                    CameraIds = input.CameraIds.Distinct().ToList(),
                    CoveredFrom = input.CoveredFrom!.Value,
                    CoveredTo = input.CoveredTo!.Value,
                    AllowDownload = input.AllowDownload,
                    AccessExpiresAt = now.AddDays(input.AccessDays),
                    RecordedById = adminId,
                    RecordedAt = now,
                    NoticeAt = input.DelayNotice ? input.NoticeAt!.Value : now,
                    NoticeDelayReason = input.DelayNotice ? input.NoticeDelayReason.Trim() : null,
                };
                db.LegalDemands.Add(demand);
                await audit.AppendAsync(AuditActors.User(adminId), $"legal-demand:{demand.Id}", new LegalDemandRecorded(
                    demand.AgencyId, demand.Id, demand.Basis, demand.Court, demand.Reference, demand.DocumentDate, demand.DocumentSha256, string.Join(",", demand.CameraIds),
                    demand.CoveredFrom, demand.CoveredTo, clips.Count, demand.AllowDownload, demand.AccessExpiresAt, demand.NoticeAt, demand.NoticeDelayReason,
                    residentId), cancellationToken: cancellationToken);
                foreach (var clip in clips)
                {
                    var disclosure = new Disclosure
                    {
                        Id = Guid.NewGuid(),
                        ResidentId = residentId,
                        ClipId = clip.Id,
                        ClipSha256 = clip.Sha256,
                        AgencyId = demand.AgencyId,
                        LegalDemandId = demand.Id,
                        LegalBasis = demand.Basis,
                        RevealedContactFields = ContactFields.None,
                        AllowDownload = demand.AllowDownload,
                        DisclosedAt = now,
                        AccessExpiresAt = demand.AccessExpiresAt,
                    };
                    db.Disclosures.Add(disclosure);
                    await audit.AppendAsync(AuditActors.User(adminId), $"disclosure:{disclosure.Id}", new DisclosureCreated(
                        demand.AgencyId, null, demand.Reference, null, demand.Basis, clip.Id, clip.Sha256, clip.RecordedStart, clip.RecordedEnd,
                        ContactFields.None, demand.AllowDownload, demand.AccessExpiresAt, residentId, demand.Id), cancellationToken: cancellationToken);
                }

                if (!demand.IsDelayed)
                {
                    await notices.DeliverAsync(db, audit, demand, now, cancellationToken);
                }

                return demand;
            }, cancellationToken);
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                await ForgetDocumentAsync(stored.StorageKey);
            }
        }

        if (!demand.IsDelayed)
        {
            notifier.Publish([demand.ResidentId]);
            outbox.Wake();
        }

        return demand.Id;
    }

    /// <summary>Attaches the court order obtained after an emergency demand; late follow-ups are recorded as late.</summary>
    public async Task AttachFollowUpAsync(ClaimsPrincipal user, Guid demandId, string reference, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        reference = reference.Trim();
        if (reference.Length is < 3 or > 200)
        {
            throw new ActionRefusedException("Enter the court order's reference: court and docket number, 3 to 200 characters.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var demand = await db.LegalDemands.FirstOrDefaultAsync(d => d.Id == demandId, cancellationToken) ?? throw new ActionRefusedException(NotFound);
            if (demand.Basis != LegalBasis.Emergency)
            {
                throw new ActionRefusedException("Only an emergency demand takes a court-order follow-up: this one cites its own document.");
            }

            if (demand.FollowUpReference is not null)
            {
                throw new ActionRefusedException($"A court order is already attached: {demand.FollowUpReference}.");
            }

            demand.FollowUpReference = reference;
            demand.FollowUpAttachedAt = now;
            var inTime = now <= demand.RecordedAt.AddHours(Limits.EmergencyFollowUpHours);
            await audit.AppendAsync(AuditActors.User(adminId), $"legal-demand:{demand.Id}",
                new LegalDemandFollowUpAttached(demand.AgencyId, demand.Id, demand.Basis, demand.Reference, reference, inTime), cancellationToken: cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Every demand, newest first: residents by e-mail for admins, by pseudonym for auditors.</summary>
    public async Task<IReadOnlyList<LegalDemandRow>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var isAdmin = user.IsInRole(Roles.Admin);
        if (!isAdmin)
        {
            user.RequireRole(Roles.Auditor);
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.LegalDemands.AsNoTracking()
            .OrderByDescending(d => d.RecordedAt)
            .Select(d => new
            {
                Demand = d,
                Agency = d.Agency!.Name,
                d.Resident!.Email,
                Clips = db.Disclosures.Count(x => x.LegalDemandId == d.Id),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(x => new LegalDemandRow(x.Demand.Id, x.Agency, x.Demand.Basis, x.Demand.Citation, x.Demand.DocumentSha256,
                isAdmin ? x.Email ?? x.Demand.ResidentId : pseudonyms.For(x.Demand.ResidentId), x.Demand.RecordedAt, x.Demand.NoticeAt,
                x.Demand.NoticeDelayReason, x.Demand.NoticeDeliveredAt, x.Clips, x.Demand.FollowUpReference, FollowUpOf(x.Demand, now)))
            .ToList();
    }

    /// <summary>The document's file for an admin or auditor; null when there is no such demand.</summary>
    public async Task<(string Path, string FileName)?> DocumentAsync(ClaimsPrincipal user, Guid demandId, CancellationToken cancellationToken = default)
    {
        if (!user.IsInRole(Roles.Admin) && !user.IsInRole(Roles.Auditor))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var demand = await db.LegalDemands.AsNoTracking().Where(d => d.Id == demandId)
            .Select(d => new { d.DocumentStorageKey, d.DocumentSha256 }).FirstOrDefaultAsync(cancellationToken);
        return demand is not null && documents.TryGetPath(demand.DocumentStorageKey) is { } path
            ? (path, $"legal-demand-{demand.DocumentSha256[..12]}.pdf")
            : null;
    }

    public FollowUpState FollowUpOf(LegalDemand demand, DateTime utcNow)
    {
        if (demand.Basis != LegalBasis.Emergency)
        {
            return FollowUpState.NotNeeded;
        }

        var deadline = demand.RecordedAt.AddHours(Limits.EmergencyFollowUpHours);
        return demand.FollowUpAttachedAt is { } attached
            ? attached <= deadline ? FollowUpState.Attached : FollowUpState.AttachedLate
            : utcNow <= deadline ? FollowUpState.Awaiting : FollowUpState.Overdue;
    }

    /// <summary>Removes a stored document no demand refers to (the recording was refused after the bytes were stored).</summary>
    private async Task ForgetDocumentAsync(string storageKey)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (!await db.LegalDemands.AnyAsync(d => d.DocumentStorageKey == storageKey, CancellationToken.None))
        {
            documents.Delete(storageKey);
        }
    }
}
