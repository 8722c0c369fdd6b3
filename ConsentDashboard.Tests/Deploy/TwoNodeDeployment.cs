using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Browser;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Deploy;

/// <summary>
/// The README's "Deploy at scale" on one machine: two app processes on one new PostgreSQL database, run as a role of
/// their own (the owner migrates), and one shared data folder, started together (they migrate and seed the demo city in
/// turn), behind HAProxy run with the committed
/// <c>deploy/haproxy.cfg</c> and a self-signed certificate, and Chromium to open it. One deployment serves every test
/// class in <see cref="TwoNodeDeploymentCollection"/>, one class at a time.
/// </summary>
public sealed class TwoNodeDeployment : IAsyncLifetime
{
    public const string HaproxyPath = "/usr/sbin/haproxy";
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(120);

    private readonly TempFolder _folder = new();
    private readonly List<Process> _processes = [];
    private IPlaywright? _playwright;

    public Node[] Nodes { get; private set; } = [];

    /// <summary>The address people open: HAProxy's HTTPS port.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The database as the schema's owner: the nodes migrate with it, and tests read and verify with it.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The same database as the role the nodes run as, which cannot change or remove the log's rows.</summary>
    public string RuntimeConnectionString { get; private set; } = "";

    /// <summary>The data folder both nodes share: clips, the pseudonym and signing keys, e-mail files.</summary>
    public string SharedFolder { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public sealed record Node(string Name, string Address, Process Process, StringBuilder Output);

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(HaproxyPath), $"{HaproxyPath} is missing: install Debian's haproxy package (bash .ci/run does).");
        Assert.True(File.Exists(BrowserFixture.ChromiumPath), $"{BrowserFixture.ChromiumPath} is missing: install Debian's chromium package (bash .ci/run does).");
        var postgres = PostgresServer.Shared ?? throw new InvalidOperationException("The PostgreSQL server fixture was not created.");
        ConnectionString = await postgres.CreateDatabaseAsync(empty: true);
        RuntimeConnectionString = await postgres.CreateLoginRoleAsync(ConnectionString);
        var shared = SharedFolder = Directory.CreateDirectory(Path.Combine(_folder.Path, "shared-data")).FullName;
        var (https, http) = (FreePort(), FreePort());
        Address = $"https://127.0.0.1:{https}";

        Nodes = new[] { "node1", "node2" }.Select(name => StartNode(name, FreePort(), shared)).ToArray();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Task.WhenAll(Nodes.Select(node => WaitUntilReadyAsync(client, node)));

        var certificate = Path.Combine(_folder.Path, "proxy.pem");
        await File.WriteAllTextAsync(certificate, SelfSignedPem());
        var proxyOutput = new StringBuilder();
        var haproxy = Start(HaproxyPath, ["-f", Path.Combine(RepositoryRoot(), "deploy", "haproxy.cfg"), "-db"], new Dictionary<string, string>
        {
            ["CONSENTDASHBOARD_LISTEN"] = $"127.0.0.1:{https}",
            ["CONSENTDASHBOARD_LISTEN_HTTP"] = $"127.0.0.1:{http}",
            ["CONSENTDASHBOARD_CERTIFICATE"] = certificate,
            ["CONSENTDASHBOARD_NODE1"] = Nodes[0].Address["http://".Length..],
            ["CONSENTDASHBOARD_NODE2"] = Nodes[1].Address["http://".Length..],
        }, proxyOutput);
        using var throughProxy = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        await WaitUntilAsync(() => AnswersAsync(throughProxy, $"{Address}/readyz"), haproxy, () => $"HAProxy ({proxyOutput})");

        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    /// <summary>
    /// A browser session kept on <paramref name="node"/> by HAProxy's affinity cookie, as if its first request had been
    /// sent there (the cookie names the node, nothing else).
    /// </summary>
    public async Task<IPage> NewPageOnAsync(Node node)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address, IgnoreHTTPSErrors = true, TimezoneId = "UTC" });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "ConsentDashboardNode", Value = node.Name, Url = Address, Secure = true, HttpOnly = true }]);
        return await context.NewPageAsync();
    }

    /// <summary>The node HAProxy's cookie in this page's session names now.</summary>
    public static async Task<string?> NodeOfAsync(IPage page) =>
        (await page.Context.CookiesAsync()).SingleOrDefault(c => c.Name == "ConsentDashboardNode")?.Value;

    /// <summary>
    /// The app's own services on the deployment's database and shared folder, in this test process (not behind the
    /// proxy): for setting up what a test needs, such as a request, through the same code the nodes run.
    /// </summary>
    public Task<TestApp> ServicesAsync() => TestApp.CreateAsync(
        new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow),
        new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:DefaultConnection"] = ConnectionString,
        },
        dataFolder: SharedFolder);

    public ApplicationDbContext CreateDbContext() => ApplicationDbContextFactory.For(DatabaseProvider.PostgreSql, ConnectionString).CreateDbContext();

    /// <summary>The auditor's outside check: <c>verify-log</c> on the database, with the key the deployment publishes.</summary>
    public async Task<AppCommand.Result> VerifyLogAsync()
    {
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var key = Path.Combine(SharedFolder, "published-key.pem");
        await File.WriteAllTextAsync(key, await client.GetStringAsync($"{Address}/audit/checkpoint-public-key.pem"));
        return await AppCommand.RunAsync([OfflineVerifier.Command, "--connection", ConnectionString, "--public-key", key]);
    }

    /// <summary>Ends the node's process at once, as <c>kill -9</c> does: nothing in it gets to finish or clean up.</summary>
    public static void KillHard(Node node)
    {
        node.Process.Kill(entireProcessTree: true);
        node.Process.WaitForExit();
    }

    /// <summary>
    /// Starts a node that was killed again, on its address, and waits until HAProxy sends that node's browsers to it
    /// again (its health checks see it up), so later tests find the deployment as it began.
    /// </summary>
    public async Task RestartAsync(Node node)
    {
        var index = Array.IndexOf(Nodes, node);
        var restarted = Nodes[index] = StartNode(node.Name, new Uri(node.Address).Port, SharedFolder);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilReadyAsync(client, restarted);
        using var throughProxy = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        // While HAProxy holds the node for down, it sends the node's cookie elsewhere and sets a new one.
        await WaitUntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Address}/healthz");
            request.Headers.Add("Cookie", $"ConsentDashboardNode={node.Name}");
            try
            {
                using var response = await throughProxy.SendAsync(request);
                return response.IsSuccessStatusCode && !response.Headers.Contains("Set-Cookie");
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, restarted.Process, () => $"HAProxy sending to the restarted {node.Name}");
    }

    private Node StartNode(string name, int port, string sharedFolder)
    {
        var output = new StringBuilder();
        var address = $"http://127.0.0.1:{port}";
        var process = Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "ConsentDashboard.dll")], new Dictionary<string, string>
        {
            // Development: e-mail goes to .eml files in the shared folder instead of needing an SMTP server.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = address,
            ["ConsentDashboard__Database__Provider"] = "PostgreSQL",
            ["ConnectionStrings__DefaultConnection"] = RuntimeConnectionString,
            ["ConnectionStrings__MigrationConnection"] = ConnectionString,
            ["ConsentDashboard__DataFolder"] = sharedFolder,
            ["ConsentDashboard__SeedDemoData"] = "true",
            ["ConsentDashboard__RateLimits__KnownProxies__0"] = "127.0.0.1",
            ["Logging__LogLevel__Default"] = "Warning",
        }, output);
        return new Node(name, address, process, output);
    }

    private Process Start(string program, string[] arguments, Dictionary<string, string> environment, StringBuilder output)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        void Keep(object _, DataReceivedEventArgs line)
        {
            lock (output)
            {
                output.AppendLine(line.Data);
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private static Task WaitUntilReadyAsync(HttpClient client, Node node) =>
        WaitUntilAsync(() => AnswersAsync(client, $"{node.Address}/readyz"), node.Process, () => $"{node.Name} ({node.Output})");

    private static async Task<bool> AnswersAsync(HttpClient client, string url)
    {
        try
        {
            return (await client.GetAsync(url)).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls until <paramref name="ready"/>; fails at once, naming what, if the process has ended meanwhile.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> ready, Process process, Func<string> what)
    {
        var deadline = DateTime.UtcNow + StartPatience;
        while (!await ready())
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                Assert.Fail($"{what()} exited with {process.ExitCode} before it was ready.");
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what()} was not ready within {StartPatience.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }

    private static string SelfSignedPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "deploy", "haproxy.cfg")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("deploy/haproxy.cfg was not found above the test's folder.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (ConnectionString.Length > 0)
        {
            PostgresServer.ClosePool(new Dictionary<string, string?>
            {
                ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
                ["ConnectionStrings:DefaultConnection"] = ConnectionString,
            });
        }

        _folder.Dispose();
    }
}

/// <summary>
/// The test classes that share one two-node deployment; they run one after another, and apart from every other test:
/// two app processes, HAProxy and Chromium together load a 2-core machine enough to push other browser tests past their
/// timeouts.
/// </summary>
[CollectionDefinition(nameof(TwoNodeDeploymentCollection), DisableParallelization = true)]
public sealed class TwoNodeDeploymentCollection : ICollectionFixture<TwoNodeDeployment>;
