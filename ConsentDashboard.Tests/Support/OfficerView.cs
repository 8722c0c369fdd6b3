using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// Everything one officer can reach, fetched over HTTP as their browser would: every agency page (prerendered with its
/// data), the pages of other roles, and the clip endpoint for every clip in the database. Each response is reduced to
/// what stays the same between two identical worlds: ids, times and per-render tokens are replaced by placeholders.
/// </summary>
public static partial class OfficerView
{
    public static async Task<SortedDictionary<string, string>> CaptureAsync(AppFactory app, string officerEmail)
    {
        using var client = app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, officerEmail);
        await using var db = app.CreateDbContext();
        var requests = await db.FootageRequests.OrderBy(r => r.CaseNumber).Select(r => new { r.Id, r.CaseNumber }).ToListAsync();
        // Clips in an order that is the same in every world built from the same seed.
        var clips = await db.Clips
            .OrderBy(c => c.Camera!.Owner!.Email).ThenBy(c => c.Camera!.Label).ThenBy(c => c.RecordedStart)
            .Select(c => c.Id).ToListAsync();

        var capture = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in new[] { "/", "/agency/requests", "/agency/requests/new", "/inbox", "/disclosures", "/audit", "/admin", $"/agency/requests/{Guid.NewGuid()}" })
        {
            capture[path.Contains('-') ? "/agency/requests/(unknown)" : path] = await FetchAsync(client, path);
        }

        foreach (var request in requests)
        {
            capture[$"/agency/requests/{request.CaseNumber}"] = await FetchAsync(client, $"/agency/requests/{request.Id}");
        }

        for (var i = 0; i < clips.Count; i++)
        {
            capture[$"/clips/#{i:000}/content"] = await FetchAsync(client, $"/clips/{clips[i]}/content");
            capture[$"/clips/#{i:000}/content?download=true"] = await FetchAsync(client, $"/clips/{clips[i]}/content?download=true");
        }

        return capture;
    }

    /// <summary>The visible text of a captured page, for searching it for numbers.</summary>
    public static string TextOf(string capture) => Whitespace().Replace(Tags().Replace(Scripts().Replace(capture, " "), " "), " ");

    /// <summary>One response as a normalised capture: status, type, location and body with ids, times and tokens replaced.</summary>
    public static async Task<string> FetchAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var head = $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {response.Headers.Location?.OriginalString}";
        if (response.Content.Headers.ContentType?.MediaType?.StartsWith("video/", StringComparison.Ordinal) == true)
        {
            return $"{head} sha256:{Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync()))}";
        }

        return Normalise($"{head}\n{await response.Content.ReadAsStringAsync()}");
    }

    private static string Normalise(string text)
    {
        text = Markup.WithoutPerRenderTokens(text);
        var ids = new Dictionary<string, string>();
        text = GuidPattern().Replace(text, m =>
        {
            var key = m.Value.ToLowerInvariant();
            if (!ids.TryGetValue(key, out var placeholder))
            {
                ids[key] = placeholder = $"(id{ids.Count})";
            }

            return placeholder;
        });
        text = ElementReference().Replace(text, "$1=\"(element)\"");
        text = DayAndMonth().Replace(text, "(day)");
        text = ClockTime().Replace(text, "(time)");
        return text;
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)?\s?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)( \d{4})?")]
    private static partial Regex DayAndMonth();

    [GeneratedRegex(@"\b\d{2}:\d{2}(:\d{2})?\b")]
    private static partial Regex ClockTime();

    // MudBlazor gives elements random ids (mudtable_r3lgyl2i) and points labels at them.
    [GeneratedRegex("\\b(id|for|aria-labelledby|aria-describedby|aria-controls|aria-owns)=\"[^\"]*\"")]
    private static partial Regex ElementReference();

    [GeneratedRegex(@"<script[\s\S]*?</script>|<style[\s\S]*?</style>")]
    private static partial Regex Scripts();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
