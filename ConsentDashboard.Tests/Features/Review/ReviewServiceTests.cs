using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Features.Review;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Review;

/// <summary>Review before fan-out: nobody hears of a request until a reviewer approves it, and a rejected one reaches nobody, ever.</summary>
public sealed class ReviewServiceTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private string _reviewerId = "";
    private string _secondReviewerId = "";

    private System.Security.Claims.ClaimsPrincipal Reviewer => Principals.For(_reviewerId, Roles.Reviewer);

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        await using var db = _scenario.Database.CreateDbContext();
        await db.Agencies.Where(a => a.Id == _scenario.Agency.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.RequiresReview, true));
        var reviewers = new[] { new ApplicationUser { UserName = "jo@oversight.example", Email = "jo@oversight.example", DisplayName = "Jo Review" },
            new ApplicationUser { UserName = "sam@oversight.example", Email = "sam@oversight.example", DisplayName = "Sam Review" } };
        db.Users.AddRange(reviewers);
        await db.SaveChangesAsync();
        _reviewerId = reviewers[0].Id;
        _secondReviewerId = reviewers[1].Id;
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private FootageRequestInput Input(string caseNumber = "HC-500") => new()
    {
        CaseNumber = caseNumber, IncidentType = IncidentType.Burglary, Description = "Shed broken into.", OfficerContact = "Officer Vale, desk 4",
        CenterLatitude = ResidentScenario.Latitude, CenterLongitude = ResidentScenario.Longitude, RadiusMeters = 300,
        WindowStart = _scenario.Request.WindowStart, WindowEnd = _scenario.Request.WindowEnd, ExpiresInDays = 5,
    };

    [Fact]
    public async Task AFiledRequest_WaitsNotifyingNobody_ThenApprovalNotifiesAndStartsItsOpenPeriod()
    {
        var filedAt = _scenario.Time.GetUtcNow().UtcDateTime;
        var id = await _scenario.AgencyRequestService().FileAsync(_scenario.OfficerUser, Input());
        await using (var db = _scenario.Database.CreateDbContext())
        {
            var request = await db.FootageRequests.SingleAsync(r => r.Id == id);
            Assert.Equal(RequestStatus.PendingReview, request.Status);
            Assert.Null(request.OpenedAt);
            Assert.False(await db.RequestNotices.AnyAsync(n => n.RequestId == id));
            Assert.False(await db.OutboxMessages.AnyAsync());
            var created = await db.AuditEntries.SingleAsync(e => e.Subject == $"request:{id}");
            Assert.Contains("\"awaitingReview\":true", created.Details);
        }

        var officerView = await _scenario.AgencyRequestService().GetAsync(_scenario.OfficerUser, id);
        Assert.Equal(RequestStatus.PendingReview, officerView!.Status);
        var pending = Assert.Single(await _scenario.Database.Get<ReviewService>().ListPendingAsync(Reviewer));
        Assert.Equal(("HC-500", "Shed broken into.", 300.0, 5), (pending.CaseNumber, pending.Description, pending.RadiusMeters, pending.OpenForDays));

        _scenario.Time.Advance(TimeSpan.FromDays(2));
        var approvedAt = _scenario.Time.GetUtcNow().UtcDateTime;
        await _scenario.Database.Get<ReviewService>().ApproveAsync(Reviewer, id);

        await using (var db = _scenario.Database.CreateDbContext())
        {
            var request = await db.FootageRequests.SingleAsync(r => r.Id == id);
            Assert.Equal(RequestStatus.Open, request.Status);
            Assert.Equal(approvedAt, request.OpenedAt);
            Assert.Equal(approvedAt.AddDays(5), request.ExpiresAt);
            Assert.Equal(filedAt, request.CreatedAt);
            var notices = await db.RequestNotices.Where(n => n.RequestId == id).ToListAsync();
            Assert.Equal(new[] { _scenario.ResidentA.Id, _scenario.ResidentB.Id }.Order(), notices.Select(n => n.ResidentId).Order());
            Assert.All(notices, n => Assert.Equal(approvedAt, n.CreatedAt));
            var approved = await db.AuditEntries.SingleAsync(e => e.Subject == $"request:{id}" && e.Action == nameof(RequestApproved));
            Assert.Equal(AuditActors.User(_reviewerId), approved.Actor);
            Assert.Equal(2, JsonDocument.Parse(approved.Details).RootElement.GetProperty("notified").GetInt32());
        }

        Assert.Empty(await _scenario.Database.Get<ReviewService>().ListPendingAsync(Reviewer));
        Assert.Equal(RequestStatus.Open, (await _scenario.AgencyRequestService().GetAsync(_scenario.OfficerUser, id))!.Status);
    }

    [Fact]
    public async Task ARejection_NeedsAReason_TheOfficerReadsIt_AndNobodyIsEverNotified()
    {
        var id = await _scenario.AgencyRequestService().FileAsync(_scenario.OfficerUser, Input());
        var review = _scenario.Database.Get<ReviewService>();

        var noReason = await Assert.ThrowsAsync<ActionRefusedException>(() => review.RejectAsync(Reviewer, id, new RejectionInput { Reason = "  " }));
        Assert.Contains("Say why the request is rejected", noReason.Message);
        Assert.Equal(RequestStatus.PendingReview, (await _scenario.AgencyRequestService().GetAsync(_scenario.OfficerUser, id))!.Status);

        await review.RejectAsync(Reviewer, id, new RejectionInput { Reason = "The window is far longer than the incident needs." });
        var officerView = await _scenario.AgencyRequestService().GetAsync(_scenario.OfficerUser, id);
        Assert.Equal(RequestStatus.Rejected, officerView!.Status);
        Assert.Equal("The window is far longer than the incident needs.", officerView.RejectionReason);

        var approveAfter = await Assert.ThrowsAsync<ActionRefusedException>(() => review.ApproveAsync(Reviewer, id));
        Assert.Contains("was already rejected", approveAfter.Message);
        await using var db = _scenario.Database.CreateDbContext();
        Assert.False(await db.RequestNotices.AnyAsync(n => n.RequestId == id));
        var rejected = await db.AuditEntries.SingleAsync(e => e.Subject == $"request:{id}" && e.Action == nameof(RequestRejected));
        Assert.Equal(AuditActors.User(_reviewerId), rejected.Actor);
        Assert.Equal(_scenario.Agency.Id, rejected.AgencyId);
    }

    [Fact]
    public async Task ApprovingTwice_IsRefused_AndNotifiesOnce()
    {
        var id = await _scenario.AgencyRequestService().FileAsync(_scenario.OfficerUser, Input());
        var review = _scenario.Database.Get<ReviewService>();
        await review.ApproveAsync(Reviewer, id);

        var twice = await Assert.ThrowsAsync<ActionRefusedException>(() => review.ApproveAsync(Reviewer, id));
        Assert.Contains("was already approved", twice.Message);
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(2, await db.RequestNotices.CountAsync(n => n.RequestId == id));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == nameof(RequestApproved)));
    }

    [Fact]
    public async Task TwoReviewersDecidingAtOnce_OneDecisionStands_TheOtherIsTold()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = await _scenario.AgencyRequestService().FileAsync(_scenario.OfficerUser, Input($"HC-6{round}"));
            var first = _scenario.Database.Get<ReviewService>();
            var second = _scenario.Database.Get<ReviewService>();
            var outcomes = await Task.WhenAll(
                Attempt(() => first.ApproveAsync(Reviewer, id)),
                Attempt(() => second.RejectAsync(Principals.For(_secondReviewerId, Roles.Reviewer), id, new RejectionInput { Reason = "Not needed for this case." })));

            Assert.Single(outcomes, o => o is null);
            Assert.Single(outcomes, o => o is not null && o.Contains("was already", StringComparison.Ordinal));
            await using var db = _scenario.Database.CreateDbContext();
            var decisions = await db.AuditEntries.CountAsync(e => e.Subject == $"request:{id}" && (e.Action == nameof(RequestApproved) || e.Action == nameof(RequestRejected)));
            Assert.Equal(1, decisions);
            var request = await db.FootageRequests.SingleAsync(r => r.Id == id);
            Assert.Equal(request.Status == RequestStatus.Open ? 2 : 0, await db.RequestNotices.CountAsync(n => n.RequestId == id));
        }

        static async Task<string?> Attempt(Func<Task> decide)
        {
            try
            {
                await decide();
                return null;
            }
            catch (ActionRefusedException refused)
            {
                return refused.Message;
            }
        }
    }

    [Fact]
    public async Task OnlyReviewersReview_AndAReviewerCannotFile()
    {
        var id = await _scenario.AgencyRequestService().FileAsync(_scenario.OfficerUser, Input());
        var review = _scenario.Database.Get<ReviewService>();
        foreach (var role in new[] { Roles.Officer, Roles.Auditor, Roles.Admin, Roles.Resident })
        {
            var someone = Principals.For(_scenario.Officer.Id, role);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => review.ApproveAsync(someone, id));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => review.RejectAsync(someone, id, new RejectionInput { Reason = "Not for this role." }));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => review.ListPendingAsync(someone));
        }

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _scenario.AgencyRequestService().FileAsync(Reviewer, Input("HC-501")));
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(RequestStatus.PendingReview, (await db.FootageRequests.SingleAsync(r => r.Id == id)).Status);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == nameof(RequestApproved) || e.Action == nameof(RequestRejected)));
    }

    [Fact]
    public async Task AnOfficerMayWithdrawARequestAwaitingReview_AndItLeavesTheQueue()
    {
        var id = await _scenario.AgencyRequestService().FileAsync(_scenario.OfficerUser, Input());
        await _scenario.AgencyRequestService().WithdrawAsync(_scenario.OfficerUser, id);
        Assert.Empty(await _scenario.Database.Get<ReviewService>().ListPendingAsync(Reviewer));
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => _scenario.Database.Get<ReviewService>().ApproveAsync(Reviewer, id));
        Assert.Contains("withdrew", refused.Message);
    }
}
