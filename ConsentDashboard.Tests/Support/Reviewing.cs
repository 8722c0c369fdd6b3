using ConsentDashboard.Data;
using ConsentDashboard.Features.Review;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Support;

/// <summary>The demo reviewer's decision on a request, through the app's own review service, as the review page makes it.</summary>
public static class Reviewing
{
    public static async Task ApproveAsync(IServiceProvider services, Guid requestId)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReviewService>().ApproveAsync(await DemoReviewerAsync(services), requestId);
    }

    public static async Task<System.Security.Claims.ClaimsPrincipal> DemoReviewerAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var id = await db.Users.Where(u => u.Email == DemoAccounts.Reviewer).Select(u => u.Id).SingleAsync();
        return Principals.For(id, Roles.Reviewer);
    }
}
