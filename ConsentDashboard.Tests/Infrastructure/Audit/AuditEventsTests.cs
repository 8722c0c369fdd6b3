using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Infrastructure.Audit;

/// <summary>
/// Every action's details record: listed in one place, written and read back unchanged, with the facets auditors filter
/// on taken from its type and found again by the verifier in the hashed details.
/// </summary>
public sealed class AuditEventsTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.CreateAsync();

    public ValueTask DisposeAsync()
    {
        _app.Dispose();
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string> Actions => [.. AuditActions.All];

    [Fact]
    public void EveryEventRecord_IsListedInTheOnePlaceThatNamesTheActions()
    {
        var records = typeof(AuditEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AuditEvent)) && !t.IsAbstract).OrderBy(t => t.Name);

        Assert.Equal(records.Select(t => t.Name), AuditActions.All.Order());
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task EveryAction_RoundTripsThroughTheCanonicalEncodingAndTheVerifier(string action)
    {
        var type = AuditActions.Records.Single(r => r.Name == action);
        var sample = Sample(type);

        await _app.Get<AuditLog>().WriteAsync(async (db, audit, _) =>
        {
            await audit.AppendAsync(AuditActors.System, "test:1", sample);
        });

        await using var check = _app.CreateDbContext();
        var entry = await check.AuditEntries.AsNoTracking().SingleAsync();
        Assert.Equal(action, entry.Action);
        Assert.Equal(sample, JsonSerializer.Deserialize(entry.Details, type, AuditLog.DetailsJson));
        Assert.Equal(sample.Facets, new AuditFacets(entry.AgencyId, entry.CaseNumber, entry.LegalBasis, entry.ResidentId));
        Assert.True(AuditFacets.AgreeWith(entry));
        Assert.Equal(AuditCanonicalEncoding.ComputeHash(entry), entry.Hash);
        var verified = await AuditChainVerifier.VerifyAsync(check);
        Assert.True(verified.IsValid, verified.Reason);
        // The fast path (SQLite's rows in place, PostgreSQL's by binary COPY) reads every column of every action too.
        var fast = await AuditChainVerifier.FastPathAsync(check, null, CancellationToken.None);
        Assert.True(fast.Intact is not null, fast.SuspectReason ?? fast.Unavailable);
    }

    [Fact]
    public void FacetsComeFromTheType_SoADisclosureEntryCarriesAgencyCaseBasisAndResident()
    {
        var disclosure = SampleEvents.Disclosure(4, "C-9", LegalBasis.Warrant, "resident-9");
        var report = new ReportViewed(4, 2026);
        var view = new LogViewed("none", "sequence");

        Assert.Equal(new AuditFacets(4, "C-9", "Warrant", "resident-9"), disclosure.Facets);
        Assert.Equal(new AuditFacets(4, null, null), report.Facets);
        Assert.Equal(default, view.Facets);
    }

    [Fact]
    public async Task EntriesWrittenBeforeTypedEvents_StillVerify_AndNewEntriesChainOnThem()
    {
        // The shape the log held before details were typed: an anonymous object serialised with the same options.
        var legacy = new AuditEntry
        {
            Sequence = 1,
            Timestamp = new DateTime(2026, 11, 29, 21, 4, 10, DateTimeKind.Utc).AddTicks(1_234_560),
            Actor = "user:resident",
            Action = nameof(DisclosureCreated),
            Subject = "disclosure:legacy",
            Details = """{"agencyId":1,"requestId":"1b0e0f06-3d7a-4c8e-9a55-51f0d1f6f9a1","caseNumber":"LB-1","incidentType":"Burglary","legalBasis":"Consent","clipId":"7c0e0f06-3d7a-4c8e-9a55-51f0d1f6f9a1","clipSha256":"aa","clipStart":"2026-11-28T16:00:00Z","clipEnd":"2026-11-28T16:00:30Z","revealedContactFields":"None","allowDownload":false,"accessExpiresAt":"2026-12-29T21:04:10Z"}""",
            PreviousHash = AuditCanonicalEncoding.GenesisHash,
            AgencyId = 1,
            CaseNumber = "LB-1",
            LegalBasis = "Consent",
            // Before the resident was hashed with the entry, only this column named them.
            ResidentId = "resident-legacy",
        };
        legacy.Hash = AuditCanonicalEncoding.ComputeHash(legacy);
        await using (var db = _app.CreateDbContext())
        {
            db.AuditEntries.Add(legacy);
            await db.SaveChangesAsync();
        }

        await _app.Get<AuditLog>().WriteAsync(async (db, audit, _) =>
        {
            await audit.AppendAsync(AuditActors.System, "request:new", SampleEvents.Request(1, "LB-2"));
        });

        await using var check = _app.CreateDbContext();
        var result = await AuditChainVerifier.VerifyAsync(check);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(2L, result.EntriesChecked);
    }

    /// <summary>An instance with a distinct, non-default value in every field, built through the record's constructor.</summary>
    private static AuditEvent Sample(Type type)
    {
        var constructor = type.GetConstructors().Single();
        var salt = 0;
        var values = constructor.GetParameters().Select(p => Value(p.ParameterType, ++salt)).ToArray();
        return (AuditEvent)constructor.Invoke(values);
    }

    private static object Value(Type type, int salt)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            var values = Enum.GetValues(underlying);
            return values.GetValue(values.Length - 1)!;
        }

        return underlying switch
        {
            _ when underlying == typeof(int) => 10 + salt,
            _ when underlying == typeof(long) => 1000L + salt,
            _ when underlying == typeof(double) => 300.25 + salt,
            _ when underlying == typeof(bool) => true,
            _ when underlying == typeof(string) => $"value {salt}, \"quoted\" ünï",
            _ when underlying == typeof(DateTime) => new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddMinutes(salt),
            _ when underlying == typeof(Guid) => Guid.NewGuid(),
            _ => throw new NotSupportedException($"Give the sample a value of {type}."),
        };
    }

    // Tampers through SQLite.
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task AnEntryMovedToAnotherResident_IsCaughtAsEdited_ButARemovedResidentColumnOnAnOtherEntryIsToo()
    {
        await _app.Get<AuditLog>().WriteAsync(async (db, audit, _) =>
        {
            await audit.AppendAsync("user:resident-a", "disclosure:1", SampleEvents.Disclosure(1, "C-1", LegalBasis.Consent, "resident-a"));
            await audit.AppendAsync("user:auditor", "log", new LogViewed("none", "sequence"));
        });

        await using var check = _app.CreateDbContext();
        await check.Database.ExecuteSqlRawAsync("""DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate";""");
        await check.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "ResidentId" = 'resident-b' WHERE "Sequence" = 1;""");
        var moved = await AuditChainVerifier.VerifyAsync(check);
        await check.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "ResidentId" = 'resident-a' WHERE "Sequence" = 1;""");
        await check.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "ResidentId" = 'resident-b' WHERE "Sequence" = 2;""");
        var pinned = await AuditChainVerifier.VerifyAsync(check);

        Assert.Equal((1L, AuditFailureKind.Edited), (moved.FailedSequence, moved.Failure));
        Assert.Contains("resident", moved.Reason);
        Assert.Equal((2L, AuditFailureKind.Edited), (pinned.FailedSequence, pinned.Failure));
    }
}
