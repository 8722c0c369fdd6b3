using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// Holds live Blazor Server circuits open against a running app (see <c>tools/circuit-load.sh</c>): each is a resident's
/// inbox, prerendered over HTTP and then started over SignalR exactly as <c>blazor.web.js</c> does (StartCircuit, then
/// UpdateRootComponents with the page's markers), acknowledging every render batch and answering the page's JS calls.
/// At 100, 500 and 2,000 circuits it reports the server's managed heap and RSS per circuit, and the p50/p95 of a UI
/// event: a link followed inside the circuit (OnLocationChanged) until the render batch that answers it arrives.
/// </summary>
public static partial class CircuitLoad
{
    private static readonly int[] DefaultSteps = [100, 500, 2_000];
    private const int OpenAtOnce = 16;
    private const int Samples = 200;

    public static async Task RunAsync(string baseUrl, int serverPid, string gcdump, string dataFolder, int[]? steps = null)
    {
        using var handler = new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false, MaxConnectionsPerServer = OpenAtOnce };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var signedIn = await SignIn.PostFormAsync(http, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoCity.SignIns.First(s => s.Role == Infrastructure.Roles.Resident).Email,
            ["Input.Password"] = DemoCity.Password,
        });
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"The demo resident could not sign in ({signedIn.StatusCode}).");
        }

        var baseline = await ServerMemoryAsync(serverPid, gcdump);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"No circuits: managed heap {baseline.Heap / 1048576.0:N1} MB, RSS {baseline.Rss / 1048576.0:N1} MB"));
        Console.WriteLine();
        Console.WriteLine("| circuits | managed heap per circuit | RSS per circuit | UI event p50 | UI event p95 |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        var circuits = new List<Circuit>();
        try
        {
            foreach (var step in steps ?? DefaultSteps)
            {
                var opening = new SemaphoreSlim(OpenAtOnce);
                var added = await Task.WhenAll(Enumerable.Range(circuits.Count, step - circuits.Count).Select(async _ =>
                {
                    await opening.WaitAsync();
                    try
                    {
                        return await Circuit.OpenAsync(http, handler.CookieContainer, baseUrl);
                    }
                    finally
                    {
                        opening.Release();
                    }
                }));
                circuits.AddRange(added);
                var memory = await ServerMemoryAsync(serverPid, gcdump);
                var latencies = await UiEventsAsync(circuits, baseUrl);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {circuits.Count:N0} | {(memory.Heap - baseline.Heap) / 1024.0 / circuits.Count:N0} KB | {(memory.Rss - baseline.Rss) / 1024.0 / circuits.Count:N0} KB | {Percentile(latencies, 0.50):N1} ms | {Percentile(latencies, 0.95):N1} ms |"));
            }

            await WakeEveryInboxAsync(circuits, Path.Combine(dataFolder, "consentdashboard.db"));
        }
        finally
        {
            await Task.WhenAll(circuits.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// One notice reaching the resident whose inbox every circuit shows: a legal demand due now is recorded through the
    /// audit log (as a second node would), the server's minute sweep delivers its notice and wakes every open inbox of
    /// the resident, and each reloads. Reports how long the last circuit's new render came after the first's.
    /// </summary>
    private static async Task WakeEveryInboxAsync(List<Circuit> circuits, string databasePath)
    {
        var renders = circuits.Select(c => c.NextRenderAsync()).ToList();
        var database = BenchmarkDatabase.Existing(databasePath);
        await using (var log = new Infrastructure.Audit.AuditLog(database, TimeProvider.System))
        {
            await log.WriteAsync(async (db, audit, cancellationToken) =>
            {
                var residentEmail = DemoCity.SignIns.First(s => s.Role == Infrastructure.Roles.Resident).Email;
                var adminEmail = DemoCity.SignIns.First(s => s.Role == Infrastructure.Roles.Admin).Email;
                var resident = await db.Users.Where(u => u.Email == residentEmail).Select(u => u.Id).SingleAsync(cancellationToken);
                var admin = await db.Users.Where(u => u.Email == adminEmail).Select(u => u.Id).SingleAsync(cancellationToken);
                var agency = await db.Agencies.Select(a => a.Id).FirstAsync(cancellationToken);
                var now = DateTime.UtcNow;
                var demand = new Data.LegalDemand
                {
                    Id = Guid.NewGuid(), AgencyId = agency, Basis = Data.LegalBasis.Warrant, Court = "Benchmark County Court", Reference = "BENCH-WAKE-1",
                    DocumentDate = now.Date, Description = "Circuit load: one notice to an inbox open in every circuit.", DocumentSha256 = new string('0', 64),
                    DocumentStorageKey = "none", ResidentId = resident, CoveredFrom = now.AddDays(-1), CoveredTo = now, AccessExpiresAt = now.AddDays(7),
                    RecordedById = admin, RecordedAt = now, NoticeAt = now,
                };
                db.LegalDemands.Add(demand);
                await audit.AppendAsync(Infrastructure.Audit.AuditActors.User(admin), $"legal-demand:{demand.Id}", new Infrastructure.Audit.LegalDemandRecorded(
                    demand.AgencyId, demand.Id, demand.Basis, demand.Court, demand.Reference, demand.DocumentDate, demand.DocumentSha256, "", demand.CoveredFrom,
                    demand.CoveredTo, 0, demand.AllowDownload, demand.AccessExpiresAt, demand.NoticeAt, null, resident), cancellationToken: cancellationToken);
            });
        }

        var times = await Task.WhenAll(renders.Select(r => r.WaitAsync(TimeSpan.FromMinutes(3))));
        var first = times.Min();
        var spread = times.Select(t => Stopwatch.GetElapsedTime(first, t).TotalMilliseconds).Order().ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"One notice to the resident of all {circuits.Count:N0} open inboxes: every one reloaded; after the first, half had by {Percentile(spread, 0.50):N0} ms, 95 % by {Percentile(spread, 0.95):N0} ms, the last at {spread[^1]:N0} ms."));
    }

    /// <summary>A link followed in <see cref="Samples"/> circuits spread over all of them, all at once, as a busy moment would.</summary>
    private static async Task<List<double>> UiEventsAsync(List<Circuit> circuits, string baseUrl)
    {
        var every = Math.Max(1, circuits.Count / Samples);
        var chosen = circuits.Where((_, i) => i % every == 0).Take(Samples).ToList();
        var latencies = await Task.WhenAll(chosen.Select(c => c.FollowLinkAsync(baseUrl)));
        return [.. latencies.Order()];
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>The server's live managed heap (a heap snapshot, taken after a full collection) and its resident set.</summary>
    private static async Task<(long Heap, long Rss)> ServerMemoryAsync(int pid, string gcdump)
    {
        var file = Path.Combine(Path.GetTempPath(), $"circuits-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunAsync(gcdump, $"collect -p {pid} -o {file}");
            var report = await RunAsync(gcdump, $"report {file}");
            if (Environment.GetEnvironmentVariable("CIRCUIT_LOAD_REPORTS") is { Length: > 0 } keep)
            {
                // What the heap holds, type by type, for finding what a circuit keeps.
                await File.WriteAllTextAsync(Path.Combine(keep, $"heap-{DateTime.UtcNow:HHmmss}.txt"), report);
            }
            // The report's first line of figures is the total: "<bytes>  GC Heap bytes".
            var total = TotalHeap().Match(report) is { Success: true } m ? long.Parse(m.Groups["bytes"].Value.Replace(",", ""), CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"dotnet-gcdump printed no heap total:\n{report}");
            var status = await File.ReadAllTextAsync($"/proc/{pid}/status");
            var rss = long.Parse(Rss().Match(status).Groups["kb"].Value, CultureInfo.InvariantCulture) * 1024;
            return (total, rss);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> RunAsync(string tool, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{tool} {arguments} failed: {await process.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"(?<bytes>[\d,]+)\s+GC Heap bytes")]
    private static partial Regex TotalHeap();

    [GeneratedRegex(@"VmRSS:\s+(?<kb>\d+) kB")]
    private static partial Regex Rss();

    [GeneratedRegex("""<!--Blazor:(?<marker>\{"type":"server".*?\})-->""")]
    private static partial Regex ServerMarker();

    [GeneratedRegex("""<!--Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)-->""")]
    private static partial Regex ComponentState();

    /// <summary>One browser tab's circuit, as far as the server can tell.</summary>
    private sealed class Circuit : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly ConcurrentQueue<TaskCompletionSource> _waitingForBatch = new();
        private readonly TaskCompletionSource _rendered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource<long>? _nextRender;

        private Circuit(HubConnection connection)
        {
            _connection = connection;
            connection.On("JS.RenderBatch", [typeof(long), typeof(byte[])], async args =>
            {
                await connection.SendAsync("OnRenderCompleted", (long)args[0]!, null);
                _rendered.TrySetResult();
                Interlocked.Exchange(ref _nextRender, null)?.TrySetResult(Stopwatch.GetTimestamp());
                if (_waitingForBatch.TryDequeue(out var waiting))
                {
                    waiting.TrySetResult();
                }
            });
            connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], args =>
                Answer(connection, (long)args[0]!, (string)args[1]!));
            connection.On("JS.Error", [typeof(string)], args => throw new InvalidOperationException($"The circuit reported an error: {args[0]}"));
        }

        public static async Task<Circuit> OpenAsync(HttpClient http, CookieContainer cookies, string baseUrl)
        {
            var html = await http.GetStringAsync("/inbox");
            var markers = ServerMarker().Matches(html).Select(m => JsonNode.Parse(m.Groups["marker"].Value)!.AsObject())
                .OrderBy(m => (int)m["sequence"]!).ToList();
            var state = ComponentState().Match(html).Groups["state"].Value;
            var connection = Build(new HubConnectionBuilder()
                .WithUrl(new Uri(new Uri(baseUrl), "_blazor"), HttpTransportType.WebSockets, options =>
                {
                    options.Cookies = cookies;
                    options.SkipNegotiation = true;
                })
                , BlazorPack);
            var circuit = new Circuit(connection);
            await connection.StartAsync();
            var id = await connection.InvokeAsync<string>("StartCircuit", baseUrl.TrimEnd('/') + "/", baseUrl.TrimEnd('/') + "/inbox", "[]", state);
            if (string.IsNullOrEmpty(id))
            {
                throw new InvalidOperationException("The server refused to start a circuit.");
            }

            var operations = new JsonArray(markers.Select((marker, i) =>
            {
                marker["uniqueId"] = i;
                return (JsonNode)new JsonObject { ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = marker };
            }).ToArray());
            var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
            await connection.SendAsync("UpdateRootComponents", batch.ToJsonString(), state);
            await circuit._rendered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return circuit;
        }

        /// <summary>When the next render batch arrives (a reload the server started on its own).</summary>
        public Task<long> NextRenderAsync()
        {
            var next = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _nextRender = next;
            return next.Task;
        }

        /// <summary>
        /// Follows a link to the resident's disclosures and returns how long until the render answering it arrived, then
        /// follows the link back to the inbox (untimed), so the circuit shows the inbox again.
        /// </summary>
        public async Task<double> FollowLinkAsync(string baseUrl)
        {
            var started = Stopwatch.GetTimestamp();
            await NavigateAsync(baseUrl.TrimEnd('/') + "/disclosures");
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await NavigateAsync(baseUrl.TrimEnd('/') + "/inbox");
            return elapsed;
        }

        private async Task NavigateAsync(string uri)
        {
            var batch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingForBatch.Enqueue(batch);
            await _connection.SendAsync("OnLocationChanged", uri, null, true);
            await batch.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        private static Task Answer(HubConnection connection, long handle, string identifier)
        {
            // Handle 0 is a call whose result nobody awaits.
            return handle == 0 ? Task.CompletedTask
                : connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,{ResultOf(identifier)}]");
        }

        /// <summary>What a desktop browser would answer to the calls the app's pages make at start; null for the rest.</summary>
        private static string ResultOf(string identifier) => identifier switch
        {
            "mudResizeListener.getBrowserWindowSize" => """{"height":900,"width":1280}""",
            "mudpopoverHelper.countProviders" => "1",
            "window.hasOwnProperty" => "true",
            "Blazor._internal.PageTitle.getAndRemoveExistingTitle" => "\"ConsentDashboard\"",
            _ => "null",
        };

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    private static HubConnection Build(this IHubConnectionBuilder builder, IHubProtocol protocol)
    {
        // Registered last, so it is the one the connection speaks.
        builder.Services.AddSingleton(protocol);
        return builder.Build();
    }

    private static readonly IHubProtocol BlazorPack = new BlazorPackProtocol();

    /// <summary>Blazor's hub accepts only "blazorpack": SignalR's MessagePack protocol under Blazor's name.</summary>
    private sealed class BlazorPackProtocol : IHubProtocol
    {
        private readonly MessagePackHubProtocol _inner = new();

        public string Name => "blazorpack";

        public int Version => _inner.Version;

        public TransferFormat TransferFormat => _inner.TransferFormat;

        public bool TryParseMessage(ref System.Buffers.ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
            _inner.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, System.Buffers.IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);

        public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);
    }
}
