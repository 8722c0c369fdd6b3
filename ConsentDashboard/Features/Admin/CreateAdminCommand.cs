using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;

namespace ConsentDashboard.Features.Admin;

/// <summary>
/// <c>dotnet run --project ConsentDashboard -- create-admin --email &lt;e&gt; --name &lt;n&gt; [--password-stdin]</c>: makes the
/// first admin of a new city (or another one later) without the web app running. It uses the app's own settings and
/// services, applies the migrations, and writes an <c>AdminCreated</c> entry. Exit code 0 when the admin exists, 1 when
/// refused (with the reason), 2 for a usage error.
/// </summary>
public static class CreateAdminCommand
{
    public const string Command = "create-admin";

    private const string Usage = $"Usage: ConsentDashboard {Command} --email <address> --name <display name> [--password-stdin]";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        string? email = null, name = null;
        var passwordFromStdin = false;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--email" when i + 1 < args.Length:
                    email = args[++i];
                    break;
                case "--name" when i + 1 < args.Length:
                    name = args[++i];
                    break;
                case "--password-stdin":
                    passwordFromStdin = true;
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':') && i + 1 < args.Length:
                    // A setting such as --ConsentDashboard:DataFolder /srv/city, as the web app accepts it.
                    settings.AddRange([setting, args[++i]]);
                    break;
                default:
                    await error.WriteLineAsync($"Unknown argument: {args[i]}\n{Usage}");
                    return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(name))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var password = passwordFromStdin ? (await input.ReadLineAsync())?.TrimEnd('\r', '\n') : null;
        if (passwordFromStdin && string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync("--password-stdin was given, but no password arrived on standard input.");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. settings] });
        builder.Logging.ClearProviders();
        builder.AddConsentDashboard();
        await using var services = builder.Services.BuildServiceProvider();
        try
        {
            await services.MigrateAndEnsureRolesAsync();
            var link = await services.GetRequiredService<StaffAccounts>().CreateFirstAdminAsync(email, name, password);
            if (link is null)
            {
                await output.WriteLineAsync($"Created the admin {email}. Sign in with the password you gave.");
            }
            else
            {
                await output.WriteLineAsync($"Created the admin {email}. Open this link within 24 hours to choose the password (it works once):");
                await output.WriteLineAsync(link);
            }

            return 0;
        }
        catch (ActionRefusedException refused)
        {
            await error.WriteLineAsync($"Refused: {refused.Message}");
            return 1;
        }
        catch (Exception failure) when (failure is DataFolderUnusableException || ConsentDashboardSetup.DatabaseFailure(failure) is not null)
        {
            await error.WriteLineAsync($"Cannot run: {(ConsentDashboardSetup.DatabaseFailure(failure) ?? failure).Message}");
            return 2;
        }
    }
}
