using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using ConsentDashboard.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.PublicLedger;

/// <summary>The public ledger for journalists and researchers: <c>/public/requests.json</c> and <c>/public/requests.atom</c>, no sign-in.</summary>
public static class PublicLedgerEndpoints
{
    public static IEndpointRouteBuilder MapPublicLedger(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/public/requests.json", async (PublicLedgerService ledger, HttpContext http, CancellationToken cancellationToken) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Json(await ledger.BuildAsync(cancellationToken));
        }).RequireRateLimiting(RateLimits.PublicLogPolicy);

        endpoints.MapGet("/public/requests.atom", async (PublicLedgerService ledger, IOptions<ConsentDashboardOptions> options, HttpContext http,
            CancellationToken cancellationToken) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            var view = await ledger.BuildAsync(cancellationToken);
            return Results.Bytes(Atom(view, options.Value), "application/atom+xml; charset=utf-8");
        }).RequireRateLimiting(RateLimits.PublicLogPolicy);
        return endpoints;
    }

    /// <summary>One Atom entry per request residents were asked about, newest first, with the same fields as the page.</summary>
    public static byte[] Atom(PublicLedgerView view, ConsentDashboardOptions options)
    {
        var page = new Uri(options.LinkTo("public/requests"));
        var feed = new SyndicationFeed("ConsentDashboard public request ledger",
            "Footage requests police agencies sent to residents, with approximate areas. No per-request counts.", page,
            options.LinkTo("public/requests.atom"), new DateTimeOffset(view.GeneratedAt, TimeSpan.Zero))
        {
            Items = view.Requests.Select(r =>
            {
                var summary = $"{r.Agency} asked residents for footage of {r.WindowDay:yyyy-MM-dd} ({r.IncidentType.ToLowerInvariant()}) within " +
                    $"{r.RadiusMeters.ToString("0", CultureInfo.InvariantCulture)} m of about {r.ApproximateLatitude.ToString("0.00", CultureInfo.InvariantCulture)}, " +
                    $"{r.ApproximateLongitude.ToString("0.00", CultureInfo.InvariantCulture)}. Filed {r.Filed:yyyy-MM-dd}; {r.Status.ToLowerInvariant()}, closing {r.ClosingDate:yyyy-MM-dd}.";
                var item = new SyndicationItem($"{r.Agency}: {r.IncidentType}, {r.WindowDay:yyyy-MM-dd}", summary, page, $"urn:uuid:{r.Id}",
                    new DateTimeOffset(r.Filed.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
                item.Categories.Add(new SyndicationCategory(r.Agency));
                return item;
            }).ToList(),
        };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
