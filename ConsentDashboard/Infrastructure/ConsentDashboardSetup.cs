using ConsentDashboard.Components.Account;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Account;
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
using ConsentDashboard.Infrastructure.Localization;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Infrastructure.Nodes;
using ConsentDashboard.Infrastructure.Seeding;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
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
        services.AddDbContextFactory<ApplicationDbContext, ApplicationDbContextFactory>((provider, db) => ApplicationDbContextFactory.UseDatabase(
            db, provider.GetRequiredService<IOptions<ConsentDashboardOptions>>().Value.Database.Provider, DatabaseConnectionString(provider)));

        // Sign-in cookies and antiforgery tokens survive restarts because their keys live with the data: in the data
        // folder on SQLite, in the database on PostgreSQL, so that a cookie one node issued works on every other.
        services.AddDataProtection().SetApplicationName("ConsentDashboard");
        services.AddScoped(provider => (PostgreSqlDbContext)provider.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext());
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider, IOptions<ConsentDashboardOptions>, ILoggerFactory>((keys, provider, options, loggers) =>
            keys.XmlRepository = options.Value.Database.Provider == DatabaseProvider.PostgreSql
                ? new EntityFrameworkCoreXmlRepository<PostgreSqlDbContext>(provider, loggers)
                : new FileSystemXmlRepository(new DirectoryInfo(provider.GetRequiredService<DataFolder>().Combine("keys")), loggers));

        services.AddIdentityCore<ApplicationUser>(identity => identity.SignIn.RequireConfirmedAccount = true)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ApplicationDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<InvitationTokenProvider>(InvitationTokenProvider.ProviderName)
            .AddTokenProvider<FirstAdminTokenProvider>(FirstAdminTokenProvider.ProviderName);
        // A disabled staff account's cookie stops working within a minute, not the default half hour.
        services.Configure<SecurityStampValidatorOptions>(stamp => stamp.ValidationInterval = TimeSpan.FromMinutes(1));
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

        services.AddConsentDashboardRateLimits(configuration);
        services.AddSingleton<SignInThrottle>();
        services.AddMudServices();
        services.AddAppLocalization(configuration);
        services.TryAddTimeProvider();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ClipStorage>();
        services.AddSingleton<Features.Clips.ClipAccessReader>();
        services.AddSingleton<LegalDocumentStorage>();
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.SectionName));
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<MailTemplates>();
        services.AddSingleton<IMailTransport>(provider => provider.GetRequiredService<IOptions<SmtpOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<SmtpMailTransport>(provider)
            : ActivatorUtilities.CreateInstance<PickupFolderMailTransport>(provider));
        services.AddSingleton<NodeCoordination>();
        services.AddSingleton<MailDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<MailDelivery>());
        services.AddSingleton<IEmailSender<ApplicationUser>, OutboxEmailSender>();
        services.AddScoped<DemoCity>();

        services.AddValidatorsFromAssemblyContaining<ConsentDashboardOptions>(includeInternalTypes: true);
        services.AddSingleton<InboxNotifier>();
        services.AddHostedService<InboxRelay>();
        services.AddScoped<InboxService>();
        services.AddScoped<NoticeService>();
        services.AddScoped<PreferencesService>();
        services.AddScoped<CameraService>();
        services.AddScoped<ClipUploadService>();
        services.AddScoped<DisclosureService>();
        services.AddScoped<ConsentReceipts>();
        services.AddScoped<AgencyRequestService>();
        services.AddScoped<Features.Review.ReviewService>();
        services.Configure<Features.LegalDemands.LegalDemandOptions>(configuration.GetSection(Features.LegalDemands.LegalDemandOptions.SectionName));
        services.AddScoped<Features.LegalDemands.LegalDemandService>();
        services.AddScoped<Features.LegalDemands.LegalDemandNotices>();
        services.AddSingleton<RequestNoticeMail>();
        services.AddScoped<RequestExpiry>();
        services.AddScoped<DisclosureExpiry>();
        services.AddHostedService<ExpirySweeper>();
        services.AddScoped<AuditLogService>();
        services.Configure<TransparencyReportOptions>(configuration.GetSection(TransparencyReportOptions.SectionName));
        services.AddScoped<TransparencyReportService>();
        services.AddSingleton<ResidentPseudonyms>();
        services.AddSingleton<AuditCheckpointSigner>();
        services.AddSingleton<AuditCheckpoints>();
        services.AddSingleton<AuditWitnessFolder>();
        services.AddSingleton<Features.PublicLog.PublicLogService>();
        services.AddScoped<Features.PublicLedger.PublicLedgerService>();
        services.AddHostedService<AuditCheckpointScheduler>();
        services.AddScoped<AdminDirectoryService>();
        services.AddSingleton<PersonalDataService>();
        services.AddScoped<AgencyAdminService>();
        services.AddScoped<StaffAccounts>();
        services.AddScoped<StaffPasswordLinks>();
        return services;
    }

    /// <summary>Why the app cannot start (a missing setting, an unusable data folder), in one line, or null.</summary>
    public static string? StartProblem(this WebApplication app)
    {
        if (DatabaseSettingProblem(app.Configuration) is { } database)
        {
            return database;
        }

        if (MissingRequiredSetting(app.Configuration, app.Environment) is { } missing)
        {
            return missing;
        }

        try
        {
            var dataFolder = app.Services.GetRequiredService<DataFolder>();
            return AuditWitnessFolder.Problem(app.Configuration, dataFolder.Path);
        }
        catch (DataFolderUnusableException unusable)
        {
            return unusable.Message;
        }
    }

    /// <summary>
    /// The one setting a real deployment cannot run without, named, or null when all are there. Development needs none:
    /// without SMTP it writes e-mail to files.
    /// </summary>
    public static string? MissingRequiredSetting(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return null;
        }

        var smtp = configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() ?? new SmtpOptions();
        if (!smtp.IsConfigured)
        {
            return $"{SmtpOptions.SectionName}:Host is not set: residents and staff could not be sent any e-mail. Set it (and FromAddress) to your SMTP server.";
        }

        var options = configuration.GetSection(ConsentDashboardOptions.SectionName).Get<ConsentDashboardOptions>() ?? new ConsentDashboardOptions();
        return Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? null
            : $"{ConsentDashboardOptions.SectionName}:PublicBaseUrl is not an absolute http(s) address: links in e-mails would not work. Set it to the address people open, such as https://consent.example.org.";
    }

    /// <summary>What is wrong with the database settings, in one line, or null: in every environment, Development too.</summary>
    public static string? DatabaseSettingProblem(IConfiguration configuration)
    {
        DatabaseProvider provider;
        try
        {
            provider = (configuration.GetSection(ConsentDashboardOptions.SectionName).Get<ConsentDashboardOptions>() ?? new()).Database.Provider;
        }
        catch (InvalidOperationException)
        {
            return $"{ConsentDashboardOptions.SectionName}:Database:Provider is \"{configuration[$"{ConsentDashboardOptions.SectionName}:Database:Provider"]}\": "
                + "set it to Sqlite (the default) or PostgreSQL.";
        }

        var runtime = configuration.GetConnectionString("DefaultConnection");
        var migration = configuration.GetConnectionString(MigrationConnectionName);
        if (provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(runtime))
        {
            return $"{ConsentDashboardOptions.SectionName}:Database:Provider is PostgreSQL, but ConnectionStrings:DefaultConnection is not set. "
                + "Set it to the server's connection string, such as Host=db.example.org;Database=consentdashboard;Username=consentdashboard_app;Password=…";
        }

        if (string.IsNullOrWhiteSpace(migration))
        {
            return null;
        }

        if (provider != DatabaseProvider.PostgreSql)
        {
            return $"ConnectionStrings:{MigrationConnectionName} is set, but only PostgreSQL uses it (the role that owns the schema and runs migrations). "
                + $"Remove it, or set {ConsentDashboardOptions.SectionName}:Database:Provider to PostgreSQL.";
        }

        Npgsql.NpgsqlConnectionStringBuilder app, owner;
        try
        {
            (app, owner) = (new(runtime), new(migration));
        }
        catch (ArgumentException wrong)
        {
            return $"A PostgreSQL connection string cannot be read: {wrong.Message}";
        }

        if (!string.Equals(app.Host, owner.Host, StringComparison.OrdinalIgnoreCase) || app.Port != owner.Port || app.Database != owner.Database)
        {
            return $"ConnectionStrings:{MigrationConnectionName} and ConnectionStrings:DefaultConnection name different databases: "
                + "both must name the same server, port and database.";
        }

        if (string.IsNullOrWhiteSpace(app.Username))
        {
            return $"ConnectionStrings:{MigrationConnectionName} is set, so ConnectionStrings:DefaultConnection must name the role the app runs as "
                + "(Username=…): the owner grants that role its rights.";
        }

        return app.Username == owner.Username
            ? $"ConnectionStrings:{MigrationConnectionName} and ConnectionStrings:DefaultConnection use the same role ({app.Username}): "
                + "the app would take the log's UPDATE and DELETE rights from the owner. Give the app a role of its own, or leave "
                + $"{MigrationConnectionName} unset."
            : null;
    }

    /// <summary>
    /// The database's own error behind <paramref name="error"/>, or null: a SQLite file that cannot be opened, a PostgreSQL
    /// server that does not answer or refuses the sign-in (which EF Core's PostgreSQL provider reports wrapped, as transient).
    /// </summary>
    public static System.Data.Common.DbException? DatabaseFailure(Exception error) =>
        error as System.Data.Common.DbException ?? error.InnerException as System.Data.Common.DbException;

    /// <summary>The connection string, under <c>ConnectionStrings</c>, of the role that owns the schema (PostgreSQL only).</summary>
    public const string MigrationConnectionName = "MigrationConnection";

    /// <summary>How long a write waits for another writer before the person is asked to try again.</summary>
    public const int WriteWaitSeconds = 5;

    /// <summary>The configured connection string, or a SQLite file in the data folder that waits at most a few seconds for a lock.</summary>
    public static string DatabaseConnectionString(IServiceProvider provider)
    {
        var configured = provider.GetRequiredService<IConfiguration>().GetConnectionString("DefaultConnection");
        return string.IsNullOrWhiteSpace(configured)
            ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
            {
                DataSource = provider.GetRequiredService<DataFolder>().Combine("consentdashboard.db"),
                DefaultTimeout = WriteWaitSeconds,
            }.ToString()
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
        var seeded = false;
        // Seeding happens while this node holds the migration turn, so nodes starting together seed the demo city once.
        await app.Services.MigrateAndEnsureRolesAsync(async services =>
        {
            var options = services.GetRequiredService<IOptions<ConsentDashboardOptions>>().Value;
            if (options.SeedDemoData)
            {
                await services.GetRequiredService<DemoCity>().SeedIfEmptyAsync();
                seeded = await services.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(DemoCity.SignIns[0].Email) is not null;
            }
        });

        if (app.Services.GetRequiredService<IMailTransport>() is PickupFolderMailTransport folder)
        {
            Console.WriteLine($"No SMTP server is configured: e-mail is written as .eml files to {folder.Destination}");
        }

        if (seeded)
        {
            app.Lifetime.ApplicationStarted.Register(() => PrintDemoSignIns(app));
        }
    }

    /// <summary>
    /// Brings the database to the newest migration and makes sure every role exists: what any entry point needs first.
    /// <paramref name="thenInTurn"/> runs after that, still in this node's turn (on PostgreSQL, nodes take turns).
    /// </summary>
    public static async Task MigrateAndEnsureRolesAsync(this IServiceProvider root, Func<IServiceProvider, Task>? thenInTurn = null)
    {
        await using var scope = root.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var dbFactory = services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var shared = db.Database.IsNpgsql();
        // On PostgreSQL the schema may belong to a role of its own: migrations run as that owner, the app as its runtime role.
        var ownerConnection = services.GetRequiredService<IConfiguration>().GetConnectionString(MigrationConnectionName);
        await using var owner = shared && !string.IsNullOrWhiteSpace(ownerConnection)
            ? ApplicationDbContextFactory.For(DatabaseProvider.PostgreSql, ownerConnection).CreateDbContext()
            : null;
        var migrating = owner ?? db;
        await migrating.Database.OpenConnectionAsync();
        // Nodes starting together on one PostgreSQL database take turns: the first migrates, the others find it done.
        if (shared)
        {
            await migrating.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})");
        }

        try
        {
            await migrating.Database.MigrateAsync();
            if (owner is not null)
            {
                await RuntimeRole.GrantAsync(owner, new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).Username!);
            }

            if (db.Database.IsSqlite())
            {
                // Readers do not wait for the writer, and the writer does not wait for readers.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            // A log written before the Merkle tree existed gets its tree now, before anything appends.
            var added = await AuditTree.CompleteAsync(services.GetRequiredService<AuditLog>());
            if (added > 0)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger(nameof(AuditTree)).LogInformation("Built {Count} nodes of the audit log's Merkle tree.", added);
            }

            var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in Roles.All)
            {
                try
                {
                    if (!await roles.RoleExistsAsync(role))
                    {
                        await roles.CreateAsync(new IdentityRole(role));
                    }
                }
                catch (DbUpdateException)
                {
                    // Another process on the same SQLite file may have added it first (PostgreSQL nodes take turns above).
                    services.GetRequiredService<ApplicationDbContext>().ChangeTracker.Clear();
                    if (!await roles.RoleExistsAsync(role))
                    {
                        throw;
                    }
                }
            }

            if (thenInTurn is not null)
            {
                await thenInTurn(services);
            }
        }
        finally
        {
            if (shared)
            {
                await migrating.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})");
            }
        }
    }

    /// <summary>The advisory lock a node holds on PostgreSQL while it migrates and adds roles ("CDMIGRATE" in ASCII, cut to 8 bytes).</summary>
    public const long MigrationLockKey = 0x43_44_4D_49_47_52_41_54;

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
