using System.Net;
using System.Text.RegularExpressions;

namespace ConsentDashboard.Tests.Support;

/// <summary>Drives the real server-rendered Identity forms over HTTP, antiforgery token included (also used by the load drivers).</summary>
public static partial class SignIn
{
    /// <summary>Opens the page at <paramref name="path"/> and posts its form (hidden fields included) to <paramref name="action"/>, or back to the page.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, IDictionary<string, string> fields, string? action = null)
    {
        var page = await client.GetStringAsync(path);
        var form = new Dictionary<string, string>(fields);
        foreach (Match hidden in HiddenInput().Matches(page))
        {
            form.TryAdd(WebUtility.HtmlDecode(hidden.Groups["name"].Value), WebUtility.HtmlDecode(hidden.Groups["value"].Value));
        }

        return await client.PostAsync(action ?? path, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();
}
