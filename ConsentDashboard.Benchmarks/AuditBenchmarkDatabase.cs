using System.Globalization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// A database holding a valid chain of generated audit entries (and the residents they name), made once per size and
/// kept in the temp folder for every benchmark process that needs it.
/// </summary>
public static class AuditBenchmarkDatabase
{
    public const int Agencies = 5;
    public const int Cases = 2000;
    public const int Residents = 10_000;

    public static readonly string[] Actions =
        [nameof(RequestCreated), nameof(DisclosureCreated), nameof(DisclosureCreated), nameof(ClipViewed), nameof(DisclosureRevoked), nameof(RequestExpired)];

    public static async Task<BenchmarkDatabase> OpenAsync(int entries)
    {
        var database = await BenchmarkDatabase.OpenAsync(1000, 1000, $"audit-{entries}");
        if (File.Exists(database.Path + ".audit-ready"))
        {
            // A chain generated before the Merkle tree existed gets its tree, as the app builds it at start.
            await using var log = new AuditLog(database, TimeProvider.System);
            await AuditTree.CompleteAsync(log);
            return database;
        }

        var random = new Random(5);
        await using var connection = new SqliteConnection($"Data Source={database.Path}");
        await connection.OpenAsync();
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await using var role = connection.CreateCommand();
            role.Transaction = transaction;
            role.CommandText = """INSERT OR IGNORE INTO AspNetRoles (Id, Name, NormalizedName) VALUES ('resident-role', 'Resident', 'RESIDENT');""";
            await role.ExecuteNonQueryAsync();
            await using var users = connection.CreateCommand();
            users.Transaction = transaction;
            users.CommandText = "INSERT INTO AspNetUserRoles (UserId, RoleId) SELECT Id, 'resident-role' FROM AspNetUsers;";
            await users.ExecuteNonQueryAsync();

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO AuditEntries (Sequence, Timestamp, Actor, Action, Subject, Details, PreviousHash, Hash, AgencyId, CaseNumber, LegalBasis, ResidentId)
                VALUES ($seq, $time, $actor, $action, $subject, $details, $previous, $hash, $agency, $case, $basis, $resident)
                """;
            var parameters = new[] { "$seq", "$time", "$actor", "$action", "$subject", "$details", "$previous", "$hash", "$agency", "$case", "$basis", "$resident" }
                .ToDictionary(name => name, name => insert.Parameters.Add(name, SqliteType.Text));
            var residentIds = new List<string>();
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT Id FROM AspNetUsers;";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    residentIds.Add(reader.GetString(0));
                }
            }

            var previous = AuditCanonicalEncoding.GenesisHash;
            var time = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (long sequence = 1; sequence <= entries; sequence++)
            {
                time = time.AddSeconds(random.Next(1, 60));
                var action = Actions[random.Next(Actions.Length)];
                var resident = residentIds[random.Next(residentIds.Count)];
                var agency = random.Next(1, Agencies + 1);
                var caseNumber = $"CASE-{random.Next(Cases):0000}";
                var basis = random.Next(10) switch { < 7 => "Consent", < 9 => "Warrant", _ => "Emergency" };
                var isRequest = action is nameof(RequestCreated) or nameof(RequestExpired);
                var details = isRequest
                    ? $$"""{"agencyId":{{agency}},"caseNumber":"{{caseNumber}}","notified":{{random.Next(40)}}}"""
                    : $$"""{"agencyId":{{agency}},"caseNumber":"{{caseNumber}}","legalBasis":"{{basis}}"}""";
                var entry = new AuditEntry
                {
                    Sequence = sequence,
                    Timestamp = AuditCanonicalEncoding.Normalise(time),
                    Actor = action == nameof(RequestExpired) ? "system" : $"user:{resident}",
                    Action = action,
                    Subject = $"{(isRequest ? "request" : "disclosure")}:{Guid.NewGuid()}",
                    Details = details,
                    PreviousHash = previous,
                };
                entry.Hash = AuditCanonicalEncoding.ComputeHash(entry);
                previous = entry.Hash;
                parameters["$seq"].Value = sequence;
                parameters["$time"].Value = entry.Timestamp;
                parameters["$actor"].Value = entry.Actor;
                parameters["$action"].Value = action;
                parameters["$subject"].Value = entry.Subject;
                parameters["$details"].Value = details;
                parameters["$previous"].Value = entry.PreviousHash;
                parameters["$hash"].Value = entry.Hash;
                parameters["$agency"].Value = agency;
                parameters["$case"].Value = caseNumber;
                parameters["$basis"].Value = isRequest ? DBNull.Value : basis;
                parameters["$resident"].Value = isRequest ? DBNull.Value : resident;
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE;";
            await analyze.ExecuteNonQueryAsync();
        }

        await using (var log = new AuditLog(database, TimeProvider.System))
        {
            await AuditTree.CompleteAsync(log);
        }

        await File.WriteAllTextAsync(database.Path + ".audit-ready", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        Console.WriteLine($"Generated {entries:N0} audit entries in {database.Path}.");
        return database;
    }
}
