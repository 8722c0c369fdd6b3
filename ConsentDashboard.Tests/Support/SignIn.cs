using System.Net;
using System.Text.RegularExpressions;

namespace ConsentDashboard.Tests.Support;

/// <summary>Drives the real server-rendered Identity forms over HTTP, antiforgery token included.</summary>
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

    public static Task<HttpResponseMessage> AttemptAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    /// <summary>Signs in and fails the test if the server did not accept the credentials.</summary>
    public static async Task AsAsync(HttpClient client, string email, string password = ConsentDashboard.Infrastructure.Seeding.DemoCity.Password)
    {
        var response = await AttemptAsync(client, email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in of {email} was refused ({response.StatusCode}).");
        Assert.DoesNotContain("Lockout", response.Headers.Location?.ToString() ?? "");
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();
}
