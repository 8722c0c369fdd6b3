using System.Text.Json;
using System.Text.Json.Serialization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Clips;
using ConsentDashboard.Infrastructure.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Account;

/// <summary>
/// A person's right to their data: everything the product keeps about them, as one JSON document, and deleting a
/// resident's account — live disclosures revoked and logged, cameras, clips and their bytes gone — while the audit log,
/// which holds no names or addresses, stays whole and verifiable.
/// </summary>
public sealed class PersonalDataService(IServiceScopeFactory scopes, AuditLog auditLog, ClipStorage storage, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<byte[]> ExportAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await db.Users.AsNoTracking().Include(u => u.Agency).SingleAsync(u => u.Id == userId, cancellationToken);
        var disclosures = await db.Disclosures.AsNoTracking()
            .Where(d => d.ResidentId == userId)
            .Where(Disclosure.KnownToResident)
            .OrderBy(d => d.DisclosedAt)
            .Select(d => new
            {
                d.Id, Agency = d.Agency!.Name, CaseNumber = d.Request != null ? d.Request.CaseNumber : d.LegalDemand != null ? d.LegalDemand.Reference : null, d.LegalBasis, d.ClipId, d.ClipSha256,
                d.RevealedContactFields, d.AllowDownload, d.DisclosedAt, d.AccessExpiresAt, d.RevokedAt,
            })
            .ToListAsync(cancellationToken);
        var subjects = disclosures.Select(d => $"disclosure:{d.Id}").ToList();
        var accesses = await db.AuditEntries.AsNoTracking()
            .Where(e => subjects.Contains(e.Subject) && (e.Action == nameof(ClipViewed) || e.Action == nameof(ClipDownloaded)))
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Subject, e.Action, e.Timestamp, e.Sequence })
            .ToListAsync(cancellationToken);
        var document = new
        {
            ExportedAt = time.GetUtcNow().UtcDateTime,
            Profile = new
            {
                user.Id, user.DisplayName, user.Email, user.EmailConfirmed, user.PhoneNumber, user.PostalAddress, user.CreatedAt,
                Roles = await users.GetRolesAsync(user), Agency = user.Agency?.Name,
                Preferences = new { user.OptedOutOfAllRequests, user.EmailAboutRequests, user.TimeZone },
                TwoFactorEnabled = user.TwoFactorEnabled,
                Passkeys = (await users.GetPasskeysAsync(user)).Select(p => new { p.Name, p.CreatedAt }),
            },
            BlockedAgencies = await db.AgencyBlocks.AsNoTracking().Where(b => b.ResidentId == userId)
                .Select(b => new { Agency = b.Agency!.Name, b.CreatedAt }).ToListAsync(cancellationToken),
            Cameras = await db.Cameras.AsNoTracking().Where(c => c.OwnerId == userId).OrderBy(c => c.Label)
                .Select(c => new { c.Id, c.Label, c.Latitude, c.Longitude, c.IsActive }).ToListAsync(cancellationToken),
            Clips = await db.Clips.AsNoTracking().Where(c => c.Camera!.OwnerId == userId).OrderBy(c => c.RecordedStart)
                .Select(c => new { c.Id, Camera = c.Camera!.Label, c.RecordedStart, c.RecordedEnd, c.ContentType, c.SizeBytes, c.Sha256 })
                .ToListAsync(cancellationToken),
            Notices = await db.RequestNotices.AsNoTracking().Where(n => n.ResidentId == userId).OrderBy(n => n.CreatedAt)
                .Select(n => new
                {
                    n.Id, Agency = n.Request!.Agency!.Name, n.Request.CaseNumber, n.Request.IncidentType, n.Request.WindowStart, n.Request.WindowEnd,
                    n.CreatedAt, n.Request.ExpiresAt, YourAnswer = n.Status, n.AnsweredAt,
                })
                .ToListAsync(cancellationToken),
            // Only demands the resident has been told about: a delayed notice stays hidden until its date (invariant 8).
            LegalDemands = await db.LegalDemands.AsNoTracking().Where(d => d.ResidentId == userId && d.NoticeDeliveredAt != null)
                .OrderBy(d => d.RecordedAt)
                .Select(d => new
                {
                    d.Id, Agency = d.Agency!.Name, d.Basis, d.Court, d.Reference, d.DocumentDate, d.DocumentSha256, d.Description, d.CoveredFrom,
                    d.CoveredTo, ProducedAt = d.RecordedAt, d.NoticeAt, d.NoticeDelayReason, d.NoticeDeliveredAt,
                })
                .ToListAsync(cancellationToken),
            Disclosures = disclosures.Select(d => new
            {
                d.Id, d.Agency, d.CaseNumber, d.LegalBasis, d.ClipId, d.ClipSha256, d.RevealedContactFields, d.AllowDownload, d.DisclosedAt,
                d.AccessExpiresAt, d.RevokedAt,
                AgencyAccesses = accesses.Where(a => a.Subject == $"disclosure:{d.Id}")
                    .Select(a => new { At = a.Timestamp, Downloaded = a.Action == nameof(ClipDownloaded), AuditSequence = a.Sequence }),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Json);
    }

    /// <summary>
    /// Deletes a resident's account. Refused for staff, whose accounts an admin disables instead: the requests an officer
    /// filed must keep naming who filed them.
    /// </summary>
    public async Task DeleteResidentAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new ActionRefusedException("This account no longer exists.");
        if ((await users.GetRolesAsync(user)).Any(Roles.Staff.Contains))
        {
            throw new ActionRefusedException("Staff accounts are disabled by an admin rather than deleted, so the record of who did what stays whole.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var storageKeys = await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
        {
            // Identity deletes the account through the scope's context: it joins the unit, so all of it commits as one.
            await audit.EnlistAsync(db, cancellationToken);
            var disclosures = await db.Disclosures.Include(d => d.Request).Include(d => d.LegalDemand).Where(d => d.ResidentId == userId).ToListAsync(cancellationToken);
            var live = disclosures.Where(d => d.IsLiveAt(now)).ToList();
            foreach (var disclosure in live)
            {
                disclosure.RevokedAt = now;
                await audit.AppendAsync(AuditActors.User(userId), $"disclosure:{disclosure.Id}", DisclosureRevoked.Of(disclosure, now), cancellationToken);
            }

            var clips = await db.Clips.Where(c => c.Camera!.OwnerId == userId).ToListAsync(cancellationToken);
            var cameras = await db.Cameras.Where(c => c.OwnerId == userId).ToListAsync(cancellationToken);
            await audit.AppendAsync(AuditActors.User(userId), $"account:{userId}", new AccountDeleted(userId, live.Count, cameras.Count, clips.Count), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);

            db.Disclosures.RemoveRange(disclosures);
            db.RequestNotices.RemoveRange(await db.RequestNotices.Where(n => n.ResidentId == userId).ToListAsync(cancellationToken));
            db.AgencyBlocks.RemoveRange(await db.AgencyBlocks.Where(b => b.ResidentId == userId).ToListAsync(cancellationToken));
            db.Clips.RemoveRange(clips);
            db.Cameras.RemoveRange(cameras);
            await db.SaveChangesAsync(cancellationToken);
            var deleted = await users.DeleteAsync(user);
            if (!deleted.Succeeded)
            {
                throw new ActionRefusedException(string.Join(" ", deleted.Errors.Select(e => e.Description)));
            }

            return clips.Select(c => c.StorageKey).ToList();
        }, cancellationToken);

        // Bytes go after the rows are gone for good; bytes another clip still uses (the same video) stay.
        await using var check = scope.ServiceProvider.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();
        foreach (var key in storageKeys.Distinct())
        {
            if (!await check.Clips.AnyAsync(c => c.StorageKey == key, cancellationToken))
            {
                storage.Delete(key);
            }
        }
    }
}
