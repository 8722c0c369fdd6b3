using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Infrastructure.Mail;

/// <summary>The outbox and its delivery worker against a real SMTP server in the test process.</summary>
public sealed class MailDeliveryTests : IAsyncLifetime
{
    private TestSmtpServer _smtp = null!;

    public ValueTask InitializeAsync()
    {
        _smtp = TestSmtpServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _smtp.DisposeAsync();

    private static async Task QueueAsync(TestApp app, params string[] recipients)
    {
        await using var db = app.CreateDbContext();
        foreach (var to in recipients)
        {
            app.Get<MailOutbox>().Queue(db, to, "test", new MailContent($"Hello {to}", $"Text for {to}", $"<p>Html for {to}</p>"));
        }

        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task EachMessage_GoesToItsOneRecipient_WithTextAndHtml_AndIsMarkedSent()
    {
        using var app = await TestApp.CreateAsync(settings: _smtp.Settings);
        await QueueAsync(app, "a@residents.example", "b@residents.example", "c@residents.example");

        var sent = await app.Get<MailDelivery>().DeliverDueAsync();

        Assert.Equal(3, sent);
        Assert.Equal(["a@residents.example", "b@residents.example", "c@residents.example"],
            _smtp.Messages.Select(m => Assert.Single(m.To.Mailboxes).Address).Order());
        Assert.All(_smtp.Messages, m => Assert.Empty(m.Cc.Concat(m.Bcc)));
        var a = _smtp.Messages.Single(m => m.Subject == "Hello a@residents.example");
        Assert.Equal(("Text for a@residents.example", "<p>Html for a@residents.example</p>"), (a.TextBody?.Trim(), a.HtmlBody?.Trim()));
        Assert.Equal("city@consent.example", Assert.Single(a.From.Mailboxes).Address);
        await using var db = app.CreateDbContext();
        Assert.True(await db.OutboxMessages.AllAsync(m => m.SentAt != null && m.Attempts == 1));
        Assert.Equal(0, await app.Get<MailDelivery>().DeliverDueAsync());
    }

    [Fact]
    public async Task DuringAnOutage_MessagesWait_AndAreSentOnceWhenTheServerIsBack()
    {
        var port = TestSmtpServer.FreePort();
        var settings = _smtp.Settings;
        settings["ConsentDashboard:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var app = await TestApp.CreateAsync(settings: settings);
        await QueueAsync(app, "a@residents.example", "b@residents.example");
        var delivery = app.Get<MailDelivery>();

        Assert.Equal(0, await delivery.DeliverDueAsync());
        await using (var db = app.CreateDbContext())
        {
            var waiting = await db.OutboxMessages.AsNoTracking().ToListAsync();
            Assert.All(waiting, m => Assert.Equal((null, 1, app.Time.GetUtcNow().UtcDateTime.AddSeconds(30)), (m.SentAt, m.Attempts, m.NextAttemptAt)));
            Assert.All(waiting, m => Assert.False(string.IsNullOrEmpty(m.LastError)));
        }

        var admin = Principals.For("admin", ConsentDashboard.Infrastructure.Roles.Admin);
        var directory = app.Get<ConsentDashboard.Features.Admin.AdminDirectoryService>();
        var queued = await directory.MailQueueAsync(admin);
        Assert.Equal((2, 0, $"127.0.0.1:{port}"), (queued.Waiting, queued.SentToday, queued.Destination));
        Assert.False(string.IsNullOrEmpty(queued.LastError));

        await using var back = TestSmtpServer.Start(port);
        // Not yet due: the wait after a failure is respected.
        Assert.Equal(0, await delivery.DeliverDueAsync());
        app.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await delivery.DeliverDueAsync());
        Assert.Equal(0, await delivery.DeliverDueAsync());
        Assert.Equal(2, back.Messages.Count);
        var drained = await directory.MailQueueAsync(admin);
        Assert.Equal((0, 2, null), (drained.Waiting, drained.SentToday, drained.LastError));
    }

    [Fact]
    public async Task ACrashBetweenCommitAndSend_LosesNothing_AndTheNextProcessSendsEachMessageOnce()
    {
        using var folder = new TempFolder();
        using (var crashed = await TestApp.CreateAsync(settings: _smtp.Settings, dataFolder: folder.Path))
        {
            // Committed with their change, then the process dies before the worker runs.
            await QueueAsync(crashed, "a@residents.example", "b@residents.example", "c@residents.example");
        }

        using var restarted = await TestApp.CreateAsync(settings: _smtp.Settings, dataFolder: folder.Path);
        var delivery = restarted.Get<MailDelivery>();
        var first = await delivery.DeliverDueAsync();
        var second = await delivery.DeliverDueAsync();

        Assert.Equal((3, 0), (first, second));
        Assert.Equal(3, _smtp.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(3, _smtp.Messages.Count);
    }

    [Fact]
    public async Task WithoutSmtp_DevelopmentWritesEachMessageAsAnEmlFile()
    {
        using var app = await TestApp.CreateAsync();
        await QueueAsync(app, "a@residents.example");

        Assert.Equal(1, await app.Get<MailDelivery>().DeliverDueAsync());

        var file = Assert.Single(Directory.GetFiles(Path.Combine(app.DataFolder, "mail"), "*.eml"));
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        Assert.Equal(("Hello a@residents.example", "a@residents.example"), (message.Subject, message.To.Mailboxes.Single().Address));
    }
}
