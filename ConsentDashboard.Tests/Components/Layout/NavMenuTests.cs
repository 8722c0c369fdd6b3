using Bunit;
using ConsentDashboard.Components.Layout;
using ConsentDashboard.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsentDashboard.Tests.Components.Layout;

public sealed class NavMenuTests
{
    private static readonly string[] Shared = ["/Account/Manage", "/privacy", "/public/requests"];

    public static TheoryData<string, string[]> ExpectedLinks => new()
    {
        { Roles.Resident, ["/inbox", "/cameras", "/clips", "/disclosures", "/preferences"] },
        { Roles.Officer, ["/agency/requests"] },
        { Roles.Auditor, ["/audit", "/audit/verify", "/audit/legal-demands", "/audit/report"] },
        { Roles.Reviewer, ["/review"] },
        { Roles.Admin, ["/admin", "/admin/legal-demands"] },
    };

    [Theory]
    [MemberData(nameof(ExpectedLinks))]
    public async Task Navigation_ShowsEachRoleExactlyItsOwnPages(string role, string[] expected)
    {
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLocalization();
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized($"{role.ToLowerInvariant()}@example.org");
        authorization.SetRoles(role);

        var menu = context.Render<NavMenu>();

        var links = menu.FindAll("a[href]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(expected.Concat(Shared).Order(), links.Order());
        Assert.NotNull(menu.Find("[data-testid=sign-out]"));
    }

    [Fact]
    public async Task Navigation_SignedOut_OffersOnlySignInRegistrationThePolicyAndThePublicLedger()
    {
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLocalization();
        context.AddAuthorization();

        var menu = context.Render<NavMenu>();

        var links = menu.FindAll("a[href]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/Account/Login", "/Account/Register", "/privacy", "/public/requests"], links.Order());
        Assert.Empty(menu.FindAll("[data-testid=sign-out]"));
    }
}
