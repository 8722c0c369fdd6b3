using BenchmarkDotNet.Attributes;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Benchmarks;

/// <summary>Full verification of a million-entry chain, streamed in sequence order.</summary>
[SimpleJob(warmupCount: 1, iterationCount: 5)]
[MedianColumn]
[MemoryDiagnoser]
public class AuditVerifyBenchmarks
{
    private BenchmarkDatabase _database = null!;

    [Params(1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public async Task SetupAsync() => _database = await AuditBenchmarkDatabase.OpenAsync(Entries);

    [Benchmark(Description = "verify the whole chain")]
    public async Task<long> VerifyAsync()
    {
        await using var db = _database.CreateDbContext();
        var result = await AuditChainVerifier.VerifyAsync(db);
        return result.IsValid ? result.EntriesChecked : throw new InvalidOperationException("The generated chain should verify.");
    }
}

/// <summary>
/// Merkle proofs from the stored tree of a million-entry log: a random entry's inclusion proof against the whole tree
/// (what a receipt carries) and a consistency proof between two random sizes (what /log/consistency serves).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 15)]
[MedianColumn]
[MemoryDiagnoser]
public class AuditTreeProofBenchmarks
{
    private BenchmarkDatabase _database = null!;
    private readonly Random _random = new(11);

    [Params(1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public async Task SetupAsync() => _database = await AuditBenchmarkDatabase.OpenAsync(Entries);

    [Benchmark(Description = "inclusion proof of a random entry")]
    public async Task<int> InclusionAsync()
    {
        await using var db = _database.CreateDbContext();
        var proof = await AuditTree.InclusionProofAsync(db, _random.NextInt64(1, Entries + 1), Entries, CancellationToken.None);
        return proof.Count;
    }

    [Benchmark(Description = "consistency proof between two random sizes")]
    public async Task<int> ConsistencyAsync()
    {
        await using var db = _database.CreateDbContext();
        var older = _random.NextInt64(1, Entries);
        var proof = await AuditTree.ConsistencyProofAsync(db, older, Entries, CancellationToken.None);
        return proof.Count;
    }
}

/// <summary>The auditor grid's first page (25 rows, count capped at 100,000, the view logged) under each filter.</summary>
[SimpleJob(warmupCount: 3, iterationCount: 15)]
[MedianColumn]
public class AuditGridBenchmarks
{
    private AuditLogService _service = null!;
    private System.Security.Claims.ClaimsPrincipal _auditor = null!;
    private AuditFilter _filter = AuditFilter.None;
    private string _residentPseudonym = "";

    [Params("none", "time range", "action", "agency", "legal basis", "case number", "resident")]
    public string Filter { get; set; } = "none";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var database = await AuditBenchmarkDatabase.OpenAsync(1_000_000);
        var folder = Path.Combine(Path.GetTempPath(), "consentdashboard-benchmarks", "keys");
        Directory.CreateDirectory(folder);
        var dataFolder = new DataFolder(Options.Create(new ConsentDashboardOptions { DataFolder = folder }), new ConsentDashboard.Tests.Support.FixedEnvironment(folder));
        var pseudonyms = new ResidentPseudonyms(dataFolder);
        var signer = new AuditCheckpointSigner(dataFolder);
        var witness = new AuditWitnessFolder(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditWitnessFolder>.Instance);
        _service = new AuditLogService(database, new AuditLog(database, TimeProvider.System), pseudonyms, signer, new AuditCheckpoints(database, signer, witness, TimeProvider.System),
            witness, new PerUserLimit(Options.Create(new RateLimitOptions())),
            new Microsoft.Extensions.Localization.StringLocalizer<AppText>(new Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory(
                Options.Create(new Microsoft.Extensions.Localization.LocalizationOptions { ResourcesPath = "Resources" }), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditLogService>.Instance);
        _auditor = new(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.NameIdentifier, "benchmark-auditor"), new(System.Security.Claims.ClaimTypes.Role, Roles.Auditor)], "Benchmark"));
        await using var db = database.CreateDbContext();
        var someResident = await db.AuditEntries.Where(e => e.ResidentId != null).Select(e => e.ResidentId!).FirstAsync();
        _residentPseudonym = pseudonyms.For(someResident);
        _filter = Filter switch
        {
            "time range" => new AuditFilter(From: new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc), To: new DateTime(2025, 3, 8, 0, 0, 0, DateTimeKind.Utc)),
            "action" => new AuditFilter(Action: nameof(DisclosureRevoked)),
            "agency" => new AuditFilter(AgencyId: 3),
            "legal basis" => new AuditFilter(LegalBasis: "Emergency"),
            "case number" => new AuditFilter(CaseNumber: "CASE-1234"),
            "resident" => new AuditFilter(ResidentPseudonym: _residentPseudonym),
            _ => AuditFilter.None,
        };
        // Resolve the pseudonym once, as a running server would have.
        await _service.PageAsync(_auditor, _filter, new AuditSort(), 0, 25);
    }

    [Benchmark(Description = "first page of the grid")]
    public async Task<int> FirstPageAsync() => (await _service.PageAsync(_auditor, _filter, new AuditSort(), 0, 25)).Rows.Count;
}
