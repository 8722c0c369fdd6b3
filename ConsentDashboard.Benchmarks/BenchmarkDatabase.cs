using System.Globalization;
using ConsentDashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// A migrated SQLite database of generated cameras, kept in the temp folder per size and seed so each benchmark
/// process reuses it instead of generating a million rows again.
/// </summary>
public sealed class BenchmarkDatabase : IDbContextFactory<ApplicationDbContext>
{
    /// <summary>The generated area: 100 km × 100 km around this point.</summary>
    public const double CenterLatitude = 46.0;
    public const double CenterLongitude = -84.0;
    public const double SideMeters = 100_000;

    private readonly IDbContextFactory<ApplicationDbContext> _factory;

    private BenchmarkDatabase(string path)
    {
        Path = path;
        // The app's own factory for the file, so the model (Identity's schema version included) is the one the app builds.
        _factory = ApplicationDbContextFactory.For(Infrastructure.DatabaseProvider.Sqlite, $"Data Source={path}");
    }

    public string Path { get; }

    /// <summary>A database the app itself wrote (a load driver's target), used as it is.</summary>
    public static BenchmarkDatabase Existing(string path) => new(path);

    public ApplicationDbContext CreateDbContext() => _factory.CreateDbContext();

    public static double LatitudeSpan => SideMeters / 111_320.0;

    public static double LongitudeSpan => SideMeters / (111_320.0 * Math.Cos(CenterLatitude * Math.PI / 180));

    public static async Task<BenchmarkDatabase> OpenAsync(int cameras, int residents, string name = "fanout")
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "consentdashboard-benchmarks");
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, $"{name}-{cameras}-{residents}-v2.db");
        var database = new BenchmarkDatabase(path);
        if (File.Exists(path + ".ready"))
        {
            // A copy made by an earlier version gets the newer migrations.
            await using var db = database.CreateDbContext();
            await db.Database.MigrateAsync();
        }
        else
        {
            File.Delete(path);
            await database.GenerateAsync(cameras, residents);
            await File.WriteAllTextAsync(path + ".ready", DateTime.UtcNow.ToString("O"));
        }

        return database;
    }

    private async Task GenerateAsync(int cameras, int residents)
    {
        await using (var db = CreateDbContext())
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            db.Agencies.Add(new Agency { Name = "Benchmark PD", Jurisdiction = "Benchmark County", RequiresReview = false });
            await db.SaveChangesAsync();
        }

        var random = new Random(20261129);
        await using var connection = new SqliteConnection($"Data Source={Path}");
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var userIds = new string[residents];
        await using (var users = connection.CreateCommand())
        {
            users.Transaction = transaction;
            users.CommandText = """
                INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PhoneNumberConfirmed,
                    TwoFactorEnabled, LockoutEnabled, AccessFailedCount, DisplayName, OptedOutOfAllRequests, CreatedAt)
                VALUES ($id, $name, $upper, $name, $upper, 1, 0, 0, 1, 0, 'Resident', $optedOut, '2026-01-01 00:00:00')
                """;
            var id = users.Parameters.Add("$id", SqliteType.Text);
            var name = users.Parameters.Add("$name", SqliteType.Text);
            var upper = users.Parameters.Add("$upper", SqliteType.Text);
            var optedOut = users.Parameters.Add("$optedOut", SqliteType.Integer);
            for (var i = 0; i < residents; i++)
            {
                userIds[i] = Guid.NewGuid().ToString();
                id.Value = userIds[i];
                name.Value = $"resident{i}@bench.example";
                upper.Value = $"RESIDENT{i}@BENCH.EXAMPLE";
                optedOut.Value = random.Next(50) == 0 ? 1 : 0;
                await users.ExecuteNonQueryAsync();
            }
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO Cameras (Id, OwnerId, Label, Latitude, Longitude, IsActive, CreatedAt)
                VALUES ($id, $owner, 'Camera', $lat, $lon, $active, '2026-01-01 00:00:00')
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var owner = insert.Parameters.Add("$owner", SqliteType.Text);
            var lat = insert.Parameters.Add("$lat", SqliteType.Real);
            var lon = insert.Parameters.Add("$lon", SqliteType.Real);
            var active = insert.Parameters.Add("$active", SqliteType.Integer);
            for (var i = 0; i < cameras; i++)
            {
                id.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                owner.Value = userIds[random.Next(residents)];
                lat.Value = CenterLatitude + (random.NextDouble() - 0.5) * LatitudeSpan;
                lon.Value = CenterLongitude + (random.NextDouble() - 0.5) * LongitudeSpan;
                active.Value = random.Next(20) == 0 ? 0 : 1;
                await insert.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Generated {cameras:N0} cameras for {residents:N0} residents in {Path}."));
    }
}
