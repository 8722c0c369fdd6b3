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
        endpoints.MapGet("/culture/{name}", (string name, string? returnUrl, HttpContext context, IOptions<RequestLocalizationOptions> options) =>
        {
            if (options.Value.SupportedUICultures?.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) != true)
            {
                return Results.NotFound();
            }

            // Remembered for a year; it carries a language only, so it is essential rather than consent-bound.
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(name)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = context.Request.IsHttps });
            var local = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                && !returnUrl.StartsWith("/\\", StringComparison.Ordinal);
            return Results.LocalRedirect(local ? returnUrl! : "/");
        });
        return endpoints;
    }
}
