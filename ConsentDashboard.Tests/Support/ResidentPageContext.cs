using System.Security.Claims;
using Bunit;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Bunit.Rendering;
using MudBlazor;

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// A bUnit context with the app's own services (<c>AddConsentDashboard</c>) over a <see cref="ResidentScenario"/>'s data
/// folder and clock, signed in as one resident.
/// </summary>
public static class ResidentPageContext
{
    public static BunitContext Create(ResidentScenario scenario, ApplicationUser resident, long? maxClipBytes = null, string role = Roles.Resident)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var services = context.Services;
        services.AddLogging();
        services.AddSingleton(scenario.Database.Configuration);
        services.AddSingleton<IWebHostEnvironment>(new FixedEnvironment(scenario.Database.DataFolder));
        services.AddSingleton<TimeProvider>(scenario.Time);
        services.AddConsentDashboard(scenario.Database.Configuration);
        // The scenario's own notifier, so a request filed through the scenario wakes the rendered page.
        services.AddSingleton(scenario.Notifier);
        if (maxClipBytes is { } limit)
        {
            services.Configure<ConsentDashboardOptions>(options => options.MaxClipBytes = limit);
        }

        var authorization = context.AddAuthorization();
        authorization.SetAuthorized(resident.Email!);
        authorization.SetRoles(role);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, resident.Id));
        // Pages render as they do in a circuit (set last: it starts the renderer, after which no service may be added).
        context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return context;
    }

    /// <summary>Renders a page below MudBlazor's popover, dialog and snackbar providers, as the layout does.</summary>
    public static IRenderedComponent<ContainerFragment> RenderWithProviders<TPage>(this BunitContext context, params (string Name, object Value)[] parameters)
        where TPage : IComponent =>
        context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(3);
            foreach (var (name, value) in parameters)
            {
                builder.AddAttribute(4, name, value);
            }

            builder.CloseComponent();
        });
}
