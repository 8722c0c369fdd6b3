using System.Security.Claims;
using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Audit;

/// <summary>One entry as an auditor sees it: residents only as pseudonyms, staff by role and name.</summary>
public sealed record AuditRow(
    long Sequence,
    DateTime Timestamp,
    string Actor,
    string Action,
    string Subject,
    int? AgencyId,
    string? CaseNumber,
    string? LegalBasis,
    string? Resident,
    string Details,
    string PreviousHash,
    string Hash);

/// <summary>One page, and the head it was read at: later pages pass it back so new entries never shift them.</summary>
public sealed record AuditRowPage(IReadOnlyList<AuditRow> Rows, int TotalCount, bool TotalIsCapped, long AsOfSequence);

/// <summary>
/// The auditor's access to the log. Every query is served by an index (no query loads the table), and every look at
/// the log, verification, checkpoint and export is itself logged: the watchers are watched too.
/// </summary>
public sealed class AuditLogService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    ResidentPseudonyms pseudonyms,
    AuditCheckpointSigner signer,
    AuditCheckpoints checkpoints,
    AuditWitnessFolder witnessFolder,
    PerUserLimit limits,
    IStringLocalizer<AppText> text,
    ILogger<AuditLogService> logger)
{
    /// <summary>Counting stops here; the grid then says "more than".</summary>
    public const int CountCap = 100_000;

    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true };

    public string PublicKeyPem => signer.PublicKeyPem;

    public string KeyId => signer.KeyId;

    /// <summary>
    /// One page of the filtered, sorted log as it stood at <paramref name="asOfSequence"/> (the head, when null). The first
    /// page of a query is recorded as a view of the log.
    /// </summary>
    public async Task<AuditRowPage> PageAsync(
        ClaimsPrincipal user, AuditFilter filter, AuditSort sort, int page, int pageSize, long? asOfSequence = null,
        CancellationToken cancellationToken = default)
    {
        var auditorId = user.RequireRole(Roles.Auditor);
        pageSize = Math.Clamp(pageSize, 1, 200);
        page = Math.Max(0, page);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var asOf = asOfSequence ?? await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        var residentId = await ResolveResidentAsync(db, filter, cancellationToken);
        var query = db.AuditEntries.AsNoTracking().Where(e => e.Sequence <= asOf).Apply(filter, residentId);
        int total;
        if (filter.IsEmpty)
        {
            // The sequence is dense from 1, so the head is the count: no scan at all.
            total = (int)Math.Min(asOf, CountCap + 1);
        }
        else
        {
            total = await query.Take(CountCap + 1).CountAsync(cancellationToken);
        }

        // Two steps: the page's sequences from the index alone (no row is read to sort), then just those rows.
        var keys = await query.Sort(sort, emptyNeedsAKey: db.Database.IsNpgsql()).Skip(page * pageSize).Take(pageSize).Select(e => e.Sequence).ToListAsync(cancellationToken);
        var byKey = await db.AuditEntries.AsNoTracking().Where(e => keys.Contains(e.Sequence)).ToDictionaryAsync(e => e.Sequence, cancellationToken);
        var entries = keys.Select(key => byKey[key]).ToList();
        var rows = await ToRowsAsync(db, entries, pretty: true, cancellationToken);
        if (page == 0 && !limits.TryTakeLogView(auditorId))
        {
            // Each query's first page is itself a log entry, so one account must not be able to grow the log without bound.
            throw new ActionRefusedException(text["You have run very many log queries in the last hour. Please wait a few minutes and try again."]);
        }

        if (page == 0)
        {
            await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
            {
                await audit.AppendAsync(AuditActors.User(auditorId), "log",
                    new LogViewed(Describe(filter), $"{sort.Column}{(sort.Descending ? " desc" : "")}"), cancellationToken: cancellationToken);
            }, cancellationToken);
        }

        return new AuditRowPage(rows, Math.Min(total, CountCap), total > CountCap, asOf);
    }

    /// <summary>The newest entry's sequence: how many entries a verification will check (0 when the log cannot be read).</summary>
    public async Task<long> HeadSequenceAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Auditor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            return await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        }
        catch (System.Data.Common.DbException)
        {
            // Verification itself says what is wrong with the table.
            return 0;
        }
    }

    public async Task<IReadOnlyList<Agency>> AgenciesAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Auditor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Agencies.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Verifies the chain, the newest signed checkpoint, the witness folder's heads and the head the auditor's browser
    /// kept, and records that an auditor did so (unless the log cannot be written, which the report then says).
    /// </summary>
    public async Task<IntegrityReport> VerifyAsync(
        ClaimsPrincipal user, IProgress<long>? progress = null, SignedTreeHead? browserHead = null, CancellationToken cancellationToken = default)
    {
        var auditorId = user.RequireRole(Roles.Auditor);
        var trusted = new List<TrustedHead>();
        if (browserHead is not null)
        {
            trusted.Add(new TrustedHead("your browser's saved head", browserHead));
        }

        if (witnessFolder.Folder is { } folder)
        {
            var newest = AuditWitnessFolder.Read(folder).Heads.Where(h => h.IsSignedBy(signer.PublicKeyPem)).MaxBy(h => h.TreeSize);
            if (newest is not null)
            {
                trusted.Add(new TrustedHead("the witness folder", newest));
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var report = await AuditIntegrity.VerifyAsync(db, signer.PublicKeyPem, progress, cancellationToken, logger, trusted);
        try
        {
            await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
            {
                await audit.AppendAsync(AuditActors.User(auditorId), "log", new LogVerified(
                    report.IsValid, report.Chain.EntriesChecked, report.Chain.HeadSequence, report.FirstFailure?.Sequence, report.FirstFailure?.Kind.ToString(),
                    report.Checkpoint.Sequence, report.Checkpoint.Problem), cancellationToken: cancellationToken);
            }, cancellationToken);
        }
        catch (Exception unwritable) when (unwritable is System.Data.Common.DbException or DbUpdateException or InvalidOperationException or ActionRefusedException
            && !report.IsValid)
        {
            // A log damaged enough to refuse the append is already reported as failing; the report must still reach the auditor.
            logger.LogError("This verification could not be recorded in the damaged log: {Reason}", unwritable.Message);
        }

        return report;
    }

    /// <summary>
    /// The check an auditor's browser runs on each visit: a tree head signed now for the browser to keep, and whether it
    /// extends the head the browser kept from its last visit (a consistency proof, RFC 9162 §2.1.4).
    /// </summary>
    public async Task<WitnessCheck> CheckWitnessAsync(ClaimsPrincipal user, SignedTreeHead? saved, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Auditor);
        var current = await checkpoints.SignForWitnessAsync(cancellationToken);
        if (saved is null)
        {
            return new WitnessCheck(WitnessStatus.FirstVisit, current, text["This browser now keeps the log's head: {0} entries.", current.TreeSize.ToString("N0")]);
        }

        if (!saved.IsSignedBy(signer.PublicKeyPem))
        {
            return new WitnessCheck(WitnessStatus.Failed, current,
                text["The head this browser kept does not verify with the log's public key: the key was changed or the saved head was altered."]);
        }

        if (saved.TreeSize > current.TreeSize)
        {
            return new WitnessCheck(WitnessStatus.Failed, current,
                text["The log was rolled back: on your last check it had {0} entries, and now it has {1}. Entries {2} to {3} were removed.",
                    saved.TreeSize.ToString("N0"), current.TreeSize.ToString("N0"), current.TreeSize + 1, saved.TreeSize]);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        bool consistent;
        try
        {
            var proof = await AuditTree.ConsistencyProofAsync(db, saved.TreeSize, current.TreeSize, cancellationToken);
            consistent = Infrastructure.Audit.Merkle.MerkleTree.VerifyConsistency(saved.TreeSize, current.TreeSize, saved.Root, current.Root, proof);
        }
        catch (InvalidOperationException)
        {
            consistent = false;
        }

        return consistent
            ? new WitnessCheck(WitnessStatus.Matches, current,
                text["The log still extends the head this browser kept ({0} entries); it now has {1}.", saved.TreeSize.ToString("N0"), current.TreeSize.ToString("N0")])
            : new WitnessCheck(WitnessStatus.Failed, current,
                text["The log was rewritten: its first {0} entries are no longer the ones this browser saw on your last check.", saved.TreeSize.ToString("N0")]);
    }

    /// <summary>Signs the current head now; the signing is logged after it.</summary>
    public async Task<AuditCheckpoint?> SignCheckpointAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var auditorId = user.RequireRole(Roles.Auditor);
        if (!limits.TryTakeCheckpoint(auditorId))
        {
            // Each signing is itself a log entry; the hourly checkpoint is signed anyway.
            throw new ActionRefusedException(text["You have signed many checkpoints in the last hour. The app signs one every hour by itself; try again later."]);
        }

        var checkpoint = await checkpoints.SignHeadAsync(cancellationToken);
        if (checkpoint is not null)
        {
            await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
            {
                await audit.AppendAsync(AuditActors.User(auditorId), $"checkpoint:{checkpoint.Sequence}",
                    new CheckpointSigned(checkpoint.Sequence, checkpoint.Hash, checkpoint.KeyId), cancellationToken: cancellationToken);
            }, cancellationToken);
        }

        return checkpoint;
    }

    /// <summary>
    /// Streams the filtered log, oldest first, as the auditor sees it, after logging the export. Rows are read and written
    /// one at a time, so memory stays flat however large the export.
    /// </summary>
    public async Task ExportAsync(
        ClaimsPrincipal user, AuditFilter filter, Func<IAsyncEnumerable<AuditRow>, Task> write, string format, CancellationToken cancellationToken = default)
    {
        var auditorId = user.RequireRole(Roles.Auditor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var residentId = await ResolveResidentAsync(db, filter, cancellationToken);
        await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
        {
            await audit.AppendAsync(AuditActors.User(auditorId), "log", new LogExported(Describe(filter), format), cancellationToken: cancellationToken);
        }, cancellationToken);

        var labels = await StaffLabelsAsync(db, cancellationToken);
        var entries = db.AuditEntries.AsNoTracking().Apply(filter, residentId).OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await write(Rows(entries, labels, cancellationToken));
    }

    private async IAsyncEnumerable<AuditRow> Rows(
        IAsyncEnumerable<AuditEntry> entries, Dictionary<string, string> staff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            yield return ToRow(entry, staff, pretty: false);
        }
    }

    private async Task<List<AuditRow>> ToRowsAsync(ApplicationDbContext db, List<AuditEntry> entries, bool pretty, CancellationToken cancellationToken)
    {
        var ids = entries.Select(e => AuditActors.UserIdOf(e.Actor)).OfType<string>().Distinct().ToList();
        var staff = await StaffLabelsAsync(db, cancellationToken, ids);
        return entries.Select(e => ToRow(e, staff, pretty)).ToList();
    }

    private AuditRow ToRow(AuditEntry entry, Dictionary<string, string> staff, bool pretty) => new(
        entry.Sequence,
        entry.Timestamp,
        ActorLabel(entry.Actor, staff),
        entry.Action,
        entry.Subject,
        entry.AgencyId,
        entry.CaseNumber,
        entry.LegalBasis,
        entry.ResidentId is null ? null : pseudonyms.For(entry.ResidentId),
        Pseudonymised(pretty ? Pretty(entry.Details) : entry.Details, entry.ResidentId),
        entry.PreviousHash,
        entry.Hash);

    /// <summary>Indented JSON, or the stored text as it is when it is not JSON (an entry someone edited).</summary>
    private static string Pretty(string details)
    {
        try
        {
            return JsonSerializer.Serialize(JsonDocument.Parse(details).RootElement, PrettyJson);
        }
        catch (JsonException)
        {
            return details;
        }
    }

    /// <summary>The details as an auditor reads them: the resident's account id, hashed with the entry, shown as their pseudonym.</summary>
    private string Pseudonymised(string details, string? residentId) =>
        residentId is null ? details : details.Replace(residentId, pseudonyms.For(residentId), StringComparison.Ordinal);

    /// <summary>Staff as "Officer Luis Reyes (officer)"; any other account is a resident and appears only as a pseudonym.</summary>
    private string ActorLabel(string actor, Dictionary<string, string> staff) => AuditActors.UserIdOf(actor) switch
    {
        null => actor,
        var id when staff.TryGetValue(id, out var label) => label,
        var id => $"resident {pseudonyms.For(id)}",
    };

    private static async Task<Dictionary<string, string>> StaffLabelsAsync(
        ApplicationDbContext db, CancellationToken cancellationToken, List<string>? only = null)
    {
        var query = db.MembersOf(Roles.Staff);
        if (only is not null)
        {
            query = query.Where(s => only.Contains(s.Account.Id));
        }

        return (await query.Select(s => new { s.Account.Id, s.Role, s.Account.DisplayName }).ToListAsync(cancellationToken))
            .GroupBy(s => s.Id)
            .ToDictionary(g => g.Key, g => $"{g.First().DisplayName} ({g.First().Role!.ToLowerInvariant()})");
    }

    private async Task<string?> ResolveResidentAsync(ApplicationDbContext db, AuditFilter filter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(filter.ResidentPseudonym))
        {
            return null;
        }

        return await pseudonyms.FindAsync(filter.ResidentPseudonym, async () =>
            await db.MembersOf([Roles.Resident]).Select(m => m.Account.Id).ToListAsync(cancellationToken));
    }

    private static string Describe(AuditFilter filter) =>
        filter.IsEmpty ? "none" : string.Join(", ", new[]
        {
            filter.From is { } from ? $"from {from:O}" : null,
            filter.To is { } to ? $"to {to:O}" : null,
            filter.Action is { Length: > 0 } action ? $"action {action}" : null,
            filter.AgencyId is { } agency ? $"agency {agency}" : null,
            filter.LegalBasis is { Length: > 0 } basis ? $"basis {basis}" : null,
            filter.CaseNumber is { Length: > 0 } caseNumber ? $"case {caseNumber}" : null,
            filter.ResidentPseudonym is { Length: > 0 } resident ? $"resident {resident}" : null,
        }.OfType<string>());
}

public enum WitnessStatus
{
    FirstVisit,
    Matches,
    Failed,
}

/// <summary>The browser witness's result: the head to keep now, and what the kept one says about the log.</summary>
public sealed record WitnessCheck(WitnessStatus Status, SignedTreeHead Current, string Message);
