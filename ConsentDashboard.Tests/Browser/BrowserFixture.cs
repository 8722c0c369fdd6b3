using ConsentDashboard.Tests.Support;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// The app on Kestrel plus Debian's Chromium driven by Playwright. No browser is downloaded: a missing
/// /usr/bin/chromium fails the tests (.ci/run installs it), it never skips them.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public BrowserFixture()
        : this(new KestrelAppFactory())
    {
    }

    protected BrowserFixture(KestrelAppFactory app) => App = app;

    public KestrelAppFactory App { get; }

    public IBrowser Browser { get; private set; } = null!;

    public string BaseAddress { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (bash .ci/run does).");
        BaseAddress = App.ServerAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Debian's Chromium, headless, with the flags a container without a GPU or shared memory needs.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        ],
    });

    /// <param name="locale">The browser's language, which it sends as Accept-Language.</param>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800, string timeZone = "UTC", string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = timeZone,
            Locale = locale,
            AcceptDownloads = true,
        });
        // Generous on a loaded 2-core machine: a page load beside a dozen other browser tests has taken over 20 s.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

public static class PageActions
{
    /// <summary>Waits until a video element has loaded its metadata and returns its duration in seconds.</summary>
    public static Task<double> VideoDurationAsync(this ILocator video) =>
        video.EvaluateAsync<double>("""
            v => new Promise((resolve, reject) => {
                if (v.readyState >= 1) { resolve(v.duration); return; }
                v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true });
                v.addEventListener('error', () => reject(new Error('video error ' + (v.error && v.error.code))), { once: true });
                v.load();
            })
            """);

    /// <summary>Waits until the circuit is connected, so the next click reaches the server.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator("[data-ready=true]").WaitForAsync();

    public static async Task SignInAsync(this IPage page, string email, string password = ConsentDashboard.Infrastructure.Seeding.DemoCity.Password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
    }
}

/// <summary>The browser fixture on an app whose clock the test moves (demo data seeded at the real time).</summary>
public sealed class FakeTimeBrowserFixture : BrowserFixture
{
    public FakeTimeBrowserFixture()
        : this(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private FakeTimeBrowserFixture(Microsoft.Extensions.Time.Testing.FakeTimeProvider time)
        : base(new KestrelAppFactory(time)) => Time = time;

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; }
}

/// <summary>The browser fixture on an app that also offers the pseudo-culture, in which every localized string is wrapped.</summary>
public sealed class PseudoCultureBrowserFixture : BrowserFixture
{
    public PseudoCultureBrowserFixture()
        : base(WithPseudoCulture())
    {
    }

    private static KestrelAppFactory WithPseudoCulture()
    {
        var app = new KestrelAppFactory();
        app.Settings[ConsentDashboard.Infrastructure.Localization.AppCultures.PseudoSetting] = "true";
        return app;
    }
}
