using System.Net;

namespace ConsentDashboard.Tests.Support;

/// <summary>Signs in through the real server-rendered form.</summary>
public static partial class SignIn
{
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
}
