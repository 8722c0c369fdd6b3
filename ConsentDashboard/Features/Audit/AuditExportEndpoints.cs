using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using ConsentDashboard.Infrastructure;
using CsvHelper;

namespace ConsentDashboard.Features.Audit;

/// <summary>
/// <c>GET /audit/export.csv</c> and <c>/audit/export.jsonl</c>: the filtered log as CSV (CsvHelper) or JSON Lines,
/// streamed row by row. Filters come from the query string, as the grid builds them.
/// </summary>
public static class AuditExportEndpoints
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.ffffffZ";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    public static IEndpointRouteBuilder MapAuditExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/audit/export.csv", ExportCsvAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Auditor))
            .RequireRateLimiting(RateLimits.ExportsPolicy);
        endpoints.MapGet("/audit/export.jsonl", ExportJsonLinesAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Auditor))
            .RequireRateLimiting(RateLimits.ExportsPolicy);
        return endpoints;
    }

    /// <summary>The CSV columns, in order.</summary>
    public static readonly string[] CsvHeader =
        ["Sequence", "Timestamp", "Actor", "Action", "Subject", "AgencyId", "CaseNumber", "LegalBasis", "Resident", "Details", "PreviousHash", "Hash"];

    /// <summary>
    /// A field starting with =, +, - or @ is escaped so a spreadsheet never runs it as a formula (a case number is typed
    /// by an officer); every other value is written exactly.
    /// </summary>
    public static CsvWriterOptions CsvOptions => new() { Injection = CsvInjection.Escape, NewLine = "\n" };

    public static string[] CsvFields(AuditRow row) =>
    [
        row.Sequence.ToString(CultureInfo.InvariantCulture),
        row.Timestamp.ToString(TimestampFormat, CultureInfo.InvariantCulture),
        row.Actor,
        row.Action,
        row.Subject,
        row.AgencyId?.ToString(CultureInfo.InvariantCulture) ?? "",
        row.CaseNumber ?? "",
        row.LegalBasis ?? "",
        row.Resident ?? "",
        row.Details,
        row.PreviousHash,
        row.Hash,
    ];

    public static string QueryString(AuditFilter filter)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("from", filter.From?.ToString("O", CultureInfo.InvariantCulture));
        Add("to", filter.To?.ToString("O", CultureInfo.InvariantCulture));
        Add("action", filter.Action);
        Add("agency", filter.AgencyId?.ToString(CultureInfo.InvariantCulture));
        Add("basis", filter.LegalBasis);
        Add("case", filter.CaseNumber);
        Add("resident", filter.ResidentPseudonym);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static Task ExportCsvAsync(HttpContext http, ClaimsPrincipal user, AuditLogService log, CancellationToken cancellationToken) =>
        ExportAsync(http, user, log, "text/csv", "csv", async (body, rows) =>
        {
            await using var csv = CsvWriter.Create(body, CsvOptions, leaveOpen: true);
            csv.WriteHeader(CsvHeader);
            var count = 0;
            await foreach (var row in rows)
            {
                await csv.WriteRecordAsync(CsvFields(row), cancellationToken);
                if (++count % 1000 == 0)
                {
                    await csv.FlushAsync(cancellationToken);
                }
            }

            await csv.FlushAsync(cancellationToken);
        }, cancellationToken);

    private static Task ExportJsonLinesAsync(HttpContext http, ClaimsPrincipal user, AuditLogService log, CancellationToken cancellationToken) =>
        ExportAsync(http, user, log, "application/jsonl", "jsonl", async (body, rows) =>
        {
            var count = 0;
            await foreach (var row in rows)
            {
                await JsonSerializer.SerializeAsync(body, row, Json, cancellationToken);
                await body.WriteAsync(NewLine, cancellationToken);
                if (++count % 1000 == 0)
                {
                    await body.FlushAsync(cancellationToken);
                }
            }
        }, cancellationToken);

    /// <summary>Reads the filter (a bad one is a 400 that exports and logs nothing), then streams the rows in one format.</summary>
    private static async Task ExportAsync(
        HttpContext http, ClaimsPrincipal user, AuditLogService log, string contentType, string format,
        Func<Stream, IAsyncEnumerable<AuditRow>, Task> write, CancellationToken cancellationToken)
    {
        if (!TryReadFilter(http.Request.Query, out var filter, out var problem))
        {
            await BadRequestAsync(http, problem);
            return;
        }

        Begin(http, contentType, format);
        await log.ExportAsync(user, filter, rows => write(http.Response.Body, rows), format, cancellationToken);
    }

    private static void Begin(HttpContext http, string contentType, string extension)
    {
        http.Response.ContentType = contentType;
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-log-{DateTime.UtcNow:yyyyMMdd-HHmmss}.{extension}\"";
    }

    private static async Task BadRequestAsync(HttpContext http, string problem)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(problem);
    }

    private static bool TryReadFilter(IQueryCollection query, out AuditFilter filter, out string problem)
    {
        filter = AuditFilter.None;
        problem = "";
        DateTime? Time(string name, ref string problemText)
        {
            var text = query[name].ToString();
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
            {
                return value;
            }

            problemText = $"'{name}' must be a date and time such as 2026-11-01T00:00:00Z.";
            return null;
        }

        var from = Time("from", ref problem);
        var to = Time("to", ref problem);
        int? agency = null;
        if (query["agency"].ToString() is { Length: > 0 } agencyText)
        {
            if (!int.TryParse(agencyText, NumberStyles.None, CultureInfo.InvariantCulture, out var agencyId))
            {
                problem = "'agency' must be an agency number.";
            }

            agency = agencyId;
        }

        filter = new AuditFilter(from, to, NullIfEmpty(query["action"]), agency, NullIfEmpty(query["basis"]), NullIfEmpty(query["case"]), NullIfEmpty(query["resident"]));
        return problem.Length == 0;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
