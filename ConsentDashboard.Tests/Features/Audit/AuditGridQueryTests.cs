using ConsentDashboard.Data;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Features.Audit;

/// <summary>Every filter and sort of the auditor's grid against a brute-force reference over the whole generated log.</summary>
public sealed class AuditGridQueryTests : IAsyncLifetime
{
    private AuditWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await AuditWorld.CreateAsync(900);

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string> Filters =>
    [
        "none", "time range", "action", "agency", "legal basis", "case number", "resident", "unknown resident", "agency and basis", "case and time",
    ];

    private AuditFilter FilterFor(string name) => name switch
    {
        "time range" => new AuditFilter(From: new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), To: new DateTime(2026, 3, 15, 0, 0, 0, DateTimeKind.Utc)),
        "action" => new AuditFilter(Action: nameof(DisclosureCreated)),
        "agency" => new AuditFilter(AgencyId: _world.Agencies[1].Id),
        "legal basis" => new AuditFilter(LegalBasis: "Warrant"),
        "case number" => new AuditFilter(CaseNumber: "C-4"),
        "resident" => new AuditFilter(ResidentPseudonym: _world.Pseudonyms.For(_world.Residents[3].Id)),
        "unknown resident" => new AuditFilter(ResidentPseudonym: "R-ZZZZZZZZZZ"),
        "agency and basis" => new AuditFilter(AgencyId: _world.Agencies[2].Id, LegalBasis: "Consent"),
        "case and time" => new AuditFilter(From: new DateTime(2026, 1, 20, 0, 0, 0, DateTimeKind.Utc), CaseNumber: "C-2"),
        _ => AuditFilter.None,
    };

    /// <summary>The reference: plain LINQ over every entry in memory.</summary>
    private IEnumerable<AuditEntry> BruteForce(List<AuditEntry> all, AuditFilter filter, AuditSort sort)
    {
        var residentId = filter.ResidentPseudonym is null ? null
            : _world.Residents.FirstOrDefault(r => _world.Pseudonyms.For(r.Id) == filter.ResidentPseudonym)?.Id ?? "(nobody)";
        var matching = all.Where(e =>
            (filter.From is null || e.Timestamp >= filter.From) && (filter.To is null || e.Timestamp < filter.To)
            && (filter.Action is null || e.Action == filter.Action) && (filter.AgencyId is null || e.AgencyId == filter.AgencyId)
            && (filter.LegalBasis is null || e.LegalBasis == filter.LegalBasis) && (filter.CaseNumber is null || e.CaseNumber == filter.CaseNumber)
            && (residentId is null || e.ResidentId == residentId));
        Func<AuditEntry, IComparable?> key = sort.Column switch
        {
            AuditSortColumn.Action => e => e.Action,
            AuditSortColumn.Agency => e => e.AgencyId,
            AuditSortColumn.LegalBasis => e => e.LegalBasis,
            AuditSortColumn.CaseNumber => e => e.CaseNumber,
            _ => e => e.Sequence,
        };
        return sort.Descending
            ? matching.OrderByDescending(key, Comparer<IComparable?>.Create(CompareOrdinal)).ThenByDescending(e => e.Sequence)
            : matching.OrderBy(key, Comparer<IComparable?>.Create(CompareOrdinal)).ThenBy(e => e.Sequence);
    }

    private static int CompareOrdinal(IComparable? a, IComparable? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string x, string y) => string.CompareOrdinal(x, y),
        _ => a.CompareTo(b),
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EveryFilterAndSort_MatchesABruteForceReference(string filterName)
    {
        var filter = FilterFor(filterName);
        foreach (var column in Enum.GetValues<AuditSortColumn>())
        {
            foreach (var descending in new[] { true, false })
            {
                var sort = new AuditSort(column, descending);
                // Viewing the log appends an entry, so the reference is taken just before each query.
                var expected = BruteForce(await _world.AllEntriesAsync(), filter, sort).Select(e => e.Sequence).ToList();
                var pages = new List<long>();
                var first = await _world.Service.PageAsync(_world.Auditor, filter, sort, 0, 40);
                pages.AddRange(first.Rows.Select(r => r.Sequence));
                for (var page = 1; page * 40 < first.TotalCount; page++)
                {
                    pages.AddRange((await _world.Service.PageAsync(_world.Auditor, filter, sort, page, 40, first.AsOfSequence)).Rows.Select(r => r.Sequence));
                }

                Assert.Equal(expected.Count, first.TotalCount);
                Assert.True(expected.SequenceEqual(pages), $"{filterName}, sorted by {column} {(descending ? "descending" : "ascending")}: the pages differ from the reference.");
            }
        }
    }

    [Fact]
    public async Task Rows_ShowResidentsOnlyAsStablePseudonyms()
    {
        var rows = (await _world.Service.PageAsync(_world.Auditor, new AuditFilter(Action: nameof(DisclosureCreated)), new AuditSort(), 0, 200)).Rows;

        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var text = string.Join("|", row.Actor, row.Resident, row.Details, row.Subject);
            foreach (var resident in _world.Residents)
            {
                Assert.DoesNotContain(resident.Id, text);
                Assert.DoesNotContain(resident.Email!, text);
                Assert.DoesNotContain(resident.DisplayName, text);
            }

            Assert.Matches("^R-[A-Z2-9]{10}$", row.Resident!);
            Assert.Equal($"resident {row.Resident}", row.Actor);
        }

        // The same resident has the same pseudonym on every page and in every query.
        var again = await _world.Service.PageAsync(_world.Auditor, new AuditFilter(ResidentPseudonym: rows[0].Resident), new AuditSort(), 0, 200);
        Assert.All(again.Rows, r => Assert.Equal(rows[0].Resident, r.Resident));
    }

    [Fact]
    public async Task LookingAtTheLog_IsItselfLogged_OncePerQueryNotPerPage()
    {
        var before = (await _world.AllEntriesAsync()).Count(e => e.Action == nameof(LogViewed));

        var first = await _world.Service.PageAsync(_world.Auditor, new AuditFilter(CaseNumber: "C-1"), new AuditSort(), 0, 25);
        await _world.Service.PageAsync(_world.Auditor, new AuditFilter(CaseNumber: "C-1"), new AuditSort(), 1, 25, first.AsOfSequence);

        var views = (await _world.AllEntriesAsync()).Where(e => e.Action == nameof(LogViewed)).ToList();
        Assert.Equal(before + 1, views.Count);
        Assert.Equal($"user:{_world.AuditorId}", views[^1].Actor);
        Assert.Contains("case C-1", views[^1].Details);
    }
}
