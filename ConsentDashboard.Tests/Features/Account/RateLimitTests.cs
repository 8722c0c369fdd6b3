using System.Net;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Account;

/// <summary>The rate limits at their real values: account forms per address, exports and checkpoints per auditor.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly LimitedApp _app = new();

    private sealed class LimitedApp : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConsentDashboard:RateLimits:AccountFormsPerHour", "20");
            builder.UseSetting("ConsentDashboard:RateLimits:ExportsPerHour", "3");
            builder.UseSetting("ConsentDashboard:RateLimits:CheckpointsPerHour", "2");
            builder.UseSetting("ConsentDashboard:RateLimits:LogViewsPerHour", "2");
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OneAddress_GetsTwentyAccountFormPostsAnHour_ThenAFriendly429WithRetryAfter()
    {
        using var client = _app.CreateBrowserlessClient();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            // Different unknown addresses, so the per-account limit never comes into play.
            answers.Add((await SignIn.AttemptAsync(client, $"guess{i}@residents.example", "a wrong password")).StatusCode);
        }

        var refused = await SignIn.AttemptAsync(client, "guess-last@residents.example", "a wrong password");
        var register = await client.PostAsync("/Account/Register", new FormUrlEncodedContent([]));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Please try again in", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, register.StatusCode);
        // Reading pages is never limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task AnAuditor_GetsThreeExportsAnHour_ThenA429()
    {
        using var client = _app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, DemoAccounts.Auditor);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/audit/export.jsonl");
            answers.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task HandSignedCheckpoints_AreLimitedPerAuditor_WithAMessage()
    {
        await using var db = _app.CreateDbContext();
        var auditorId = db.Users.Single(u => u.Email == DemoAccounts.Auditor).Id;
        await using var scope = _app.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<AuditLogService>();
        var auditor = Principals.For(auditorId, Roles.Auditor);

        await log.SignCheckpointAsync(auditor);
        await log.SignCheckpointAsync(auditor);
        var third = await Assert.ThrowsAsync<ActionRefusedException>(() => log.SignCheckpointAsync(auditor));

        Assert.Contains("signs one every hour by itself", third.Message);
        await log.SignCheckpointAsync(Principals.For("another-auditor", Roles.Auditor));
    }

    [Fact]
    public async Task LogQueries_AreLimitedPerAuditor_ButLaterPagesOfAQueryAreNot()
    {
        await using var db = _app.CreateDbContext();
        var auditor = Principals.For(db.Users.Single(u => u.Email == DemoAccounts.Auditor).Id, Roles.Auditor);
        await using var scope = _app.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<AuditLogService>();

        var first = await log.PageAsync(auditor, AuditFilter.None, new AuditSort(), 0, 1);
        await log.PageAsync(auditor, AuditFilter.None, new AuditSort(), 0, 1);
        var third = await Assert.ThrowsAsync<ActionRefusedException>(() => log.PageAsync(auditor, AuditFilter.None, new AuditSort(), 0, 1));
        var laterPage = await log.PageAsync(auditor, AuditFilter.None, new AuditSort(), 1, 1, first.AsOfSequence);

        Assert.Contains("very many log queries", third.Message);
        Assert.NotEmpty(laterPage.Rows);
    }
}
