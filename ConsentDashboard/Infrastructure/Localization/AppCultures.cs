using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Infrastructure.Localization;

/// <summary>
/// The languages the app speaks: English (the default) and Spanish. A person's choice from the app bar is kept in a
/// cookie; without one, the browser's Accept-Language decides; otherwise English.
/// </summary>
public static class AppCultures
{
    public const string English = "en";
    public const string Spanish = "es";

    /// <summary>A test-only culture in which every localized string comes back wrapped, to find strings left behind.</summary>
    public const string Pseudo = "qps-Ploc";

    /// <summary>Setting that adds <see cref="Pseudo"/> to the supported cultures (tests only).</summary>
    public const string PseudoSetting = "ConsentDashboard:Localization:PseudoCulture";

    public static readonly IReadOnlyList<string> Offered = [English, Spanish];

    /// <summary>The name a language has in itself, for the switch.</summary>
    public static string NativeName(string culture) => culture switch
    {
        English => "English",
        Spanish => "Español",
        _ => culture,
    };

    /// <summary>
    /// Until disposed, this thread of work speaks <paramref name="language"/> (one of <see cref="Offered"/>): to write a
    /// message in its recipient's language rather than in the sender's. An unknown or missing language changes nothing.
    /// </summary>
    public static IDisposable Speaking(string? language)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        if (language is not null && Offered.Contains(language))
        {
            var culture = CultureInfo.GetCultureInfo(language);
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
        }

        return new Restore(previous.CurrentCulture, previous.CurrentUICulture);
    }

    /// <summary>The offered language a culture belongs to ("es-MX" → "es"), or null for any other.</summary>
    public static string? LanguageOf(CultureInfo culture) =>
        Offered.FirstOrDefault(o => o == culture.TwoLetterISOLanguageName);

    private sealed class Restore(CultureInfo culture, CultureInfo uiCulture) : IDisposable
    {
        public void Dispose()
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    public static IServiceCollection AddAppLocalization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        var pseudo = configuration.GetValue<bool>(PseudoSetting);
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Offered.Concat(pseudo ? [Pseudo] : []).Select(CultureInfo.GetCultureInfo).ToList();
            options.DefaultRequestCulture = new RequestCulture(English);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            // The cookie (the person's own choice), then the browser's languages; never the query string.
            options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        if (pseudo)
        {
            services.AddSingleton<ResourceManagerStringLocalizerFactory>();
            services.Replace(ServiceDescriptor.Singleton<IStringLocalizerFactory>(provider =>
                new PseudoLocalizerFactory(provider.GetRequiredService<ResourceManagerStringLocalizerFactory>())));
        }

        services.AddTransient<MudBlazor.MudLocalizer, AppMudLocalizer>();
        return services;
    }

    /// <summary><c>GET /culture/{name}?returnUrl=…</c>: remembers the choice and goes back to the (local) page.</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/culture/{name}", async (string name, string? returnUrl, HttpContext context, IOptions<RequestLocalizationOptions> options,
            Microsoft.AspNetCore.Identity.UserManager<Data.ApplicationUser> users) =>
        {
            if (options.Value.SupportedUICultures?.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) != true)
            {
                return Results.NotFound();
            }

            // Remembered for a year; it carries a language only, so it is essential rather than consent-bound.
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(name)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = context.Request.IsHttps });
            // A signed-in person's e-mails follow the choice too.
            if (Offered.Contains(name.ToLowerInvariant()) && await users.GetUserAsync(context.User) is { } user && user.Language != name.ToLowerInvariant())
            {
                user.Language = name.ToLowerInvariant();
                await users.UpdateAsync(user);
            }

            return Results.LocalRedirect(ReturnUrls.LocalOrHome(returnUrl));
        });
        return endpoints;
    }
}
