using System.Security.Claims;
using Bunit;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Cameras;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Preferences;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Clips;
using Microsoft.Extensions.Options;
using FluentValidation;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using Bunit.Rendering;

namespace ConsentDashboard.Tests.Support;

/// <summary>A bUnit context with the real resident services over a <see cref="ResidentScenario"/>, signed in as one resident.</summary>
public static class ResidentPageContext
{
    public static BunitContext Create(ResidentScenario scenario, ApplicationUser resident, string? dataFolder = null, long maxClipBytes = 200L * 1024 * 1024)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var services = context.Services;
        services.AddMudServices();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IDbContextFactory<ApplicationDbContext>>(scenario.Database);
        services.AddSingleton(scenario.AuditLog);
        services.AddSingleton<TimeProvider>(scenario.Time);
        services.AddSingleton<InboxNotifier>();
        services.AddValidatorsFromAssemblyContaining<ConsentDashboardOptions>(includeInternalTypes: true);
        services.AddScoped<InboxService>();
        services.AddScoped<NoticeService>();
        services.AddScoped<PreferencesService>();
        services.AddScoped<DisclosureService>();
        services.AddScoped<CameraService>();
        services.AddScoped<ClipUploadService>();
        var options = Options.Create(new ConsentDashboardOptions { DataFolder = dataFolder ?? Path.GetTempPath(), MaxClipBytes = maxClipBytes });
        services.AddSingleton(options);
        services.AddSingleton(new ClipStorage(new DataFolder(options, new FixedEnvironment(options.Value.DataFolder))));
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized(resident.Email!);
        authorization.SetRoles(Roles.Resident);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, resident.Id));
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
