using ConsentDashboard.Components.Account;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Admin;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Features.Cameras;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Preferences;
using FluentValidation;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Clips;
using ConsentDashboard.Infrastructure.Seeding;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace ConsentDashboard.Infrastructure;

public static class ConsentDashboardSetup
{
    /// <summary>Everything the app adds on top of the Blazor and Identity template.</summary>
    public static WebApplicationBuilder AddConsentDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddConsentDashboard(builder.Configuration);
        return builder;
    }

    /// <summary>The app's own services, on any service collection: the web host's, or a test's that overrides a few.</summary>
    public static IServiceCollection AddConsentDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ConsentDashboardOptions>(configuration.GetSection(ConsentDashboardOptions.SectionName));
        services.Configure<RequestLimits>(configuration.GetSection(RequestLimits.SectionName));
        services.AddSingleton<DataFolder>();

        // Resolved when first used, so settings supplied by a host or test are honoured.
        services.AddDbContextFactory<ApplicationDbContext>((provider, db) =>
            db.UseSqlite(DatabaseConnectionString(provider)));

        // Sign-in cookies and antiforgery tokens survive restarts because their keys live with the data.
        services.AddDataProtection().SetApplicationName("ConsentDashboard");
        services.AddOptions<KeyManagementOptions>().Configure<DataFolder, ILoggerFactory>((keys, folder, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder.Combine("keys")), loggers));

        services.Configure<IdentityOptions>(identity =>
        {
            // The Identity tables (passkeys included) the migrations create; the DbContext reads it when building its model.
            identity.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            // Length over composition rules (NIST SP 800-63B): 12 characters, any mix, not one repeated character.
            identity.Password.RequiredLength = 12;
            identity.Password.RequiredUniqueChars = 5;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = 5;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            identity.User.RequireUniqueEmail = true;
        });
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.AccessDeniedPath = "/Account/AccessDenied";
        });

        services.AddMudServices();
        services.TryAddTimeProvider();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ClipStorage>();
        services.AddSingleton<IEmailSender<ApplicationUser>, LoggingEmailSender>();
        services.AddScoped<DemoCity>();

        services.AddValidatorsFromAssemblyContaining<ConsentDashboardOptions>(includeInternalTypes: true);
        services.AddSingleton<InboxNotifier>();
        services.AddScoped<InboxService>();
        services.AddScoped<NoticeService>();
        services.AddScoped<PreferencesService>();
        services.AddScoped<CameraService>();
        services.AddScoped<ClipUploadService>();
        services.AddScoped<DisclosureService>();
        services.AddScoped<ConsentReceipts>();
        services.AddScoped<AgencyRequestService>();
        services.AddScoped<RequestExpiry>();
        services.AddScoped<DisclosureExpiry>();
        services.AddHostedService<ExpirySweeper>();
        services.AddScoped<AuditLogService>();
        services.Configure<TransparencyReportOptions>(configuration.GetSection(TransparencyReportOptions.SectionName));
        services.AddScoped<TransparencyReportService>();
        services.AddSingleton<ResidentPseudonyms>();
        services.AddSingleton<AuditCheckpointSigner>();
        services.AddSingleton<AuditCheckpoints>();
        services.AddHostedService<AuditCheckpointScheduler>();
        services.AddScoped<AdminDirectoryService>();
        return services;
    }

    /// <summary>The configured connection string, or a SQLite file in the data folder.</summary>
    public static string DatabaseConnectionString(IServiceProvider provider)
    {
        var configured = provider.GetRequiredService<IConfiguration>().GetConnectionString("DefaultConnection");
        return string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={provider.GetRequiredService<DataFolder>().Combine("consentdashboard.db")}"
            : configured;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>Applies migrations, ensures the roles exist, and seeds the demo city when that is switched on.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var dbFactory = services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                // Readers do not wait for the writer, and the writer does not wait for readers.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var options = services.GetRequiredService<IOptions<ConsentDashboardOptions>>().Value;
        if (!options.SeedDemoData)
        {
            return;
        }

        await services.GetRequiredService<DemoCity>().SeedIfEmptyAsync();
        var userManager = services.GetRequiredService<UserManager<ApplicationUser>>();
        if (await userManager.FindByEmailAsync(DemoCity.SignIns[0].Email) is null)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() => PrintDemoSignIns(app));
    }

    private static void PrintDemoSignIns(WebApplication app)
    {
        var addresses = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var lines = new List<string>
        {
            "",
            "ConsentDashboard is running with demo data.",
            $"Open: {string.Join("  ", addresses)}",
            "",
            $"  {"Role",-9} {"Email",-38} Password",
            $"  {new string('-', 9)} {new string('-', 38)} {new string('-', DemoCity.Password.Length)}",
        };
        lines.AddRange(DemoCity.SignIns.Select(s => $"  {s.Role,-9} {s.Email,-38} {DemoCity.Password}"));
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
