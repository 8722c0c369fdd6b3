using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ConsentDashboard.Tests.Support;

/// <summary>A real SMTP server on a loopback port inside the test process; every message it accepts is parsed and kept.</summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly Store _store = new();

    private TestSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        services.Add(new NoDelayListenerFactory());
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Messages => _store.Messages;

    /// <summary>The settings that point the app's mail delivery at this server.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConsentDashboard:Smtp:Host"] = "127.0.0.1",
        ["ConsentDashboard:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ConsentDashboard:Smtp:Security"] = "None",
        ["ConsentDashboard:Smtp:FromAddress"] = "city@consent.example",
    };

    public static TestSmtpServer Start(int? port = null) => new(port ?? FreePort());

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until a message matching <paramref name="match"/> has arrived.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_store.Messages.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await _store.Arrived.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching message arrived; {_store.Messages.Count} arrived: "
                    + string.Join("; ", _store.Messages.Select(m => $"{m.To} {m.Subject}")));
            }
        }
    }

    /// <summary>The first link in a message's text part that points at <paramref name="path"/>.</summary>
    public static string LinkIn(MimeMessage message, string path) =>
        System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", $@"https?://\S*{System.Text.RegularExpressions.Regex.Escape(path)}\S*").Value is { Length: > 0 } link
            ? link
            : throw new InvalidOperationException($"No link to {path} in: {message.TextBody}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Accepts connections with Nagle's algorithm off. The library's own listener leaves it on, so when a client pipelines
    /// commands the second reply waits for the client's delayed ACK: about 40 ms a message, a harness artefact that a
    /// real mail server does not have.
    /// </summary>
    private sealed class NoDelayListenerFactory : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            return new Listener(listener);
        }

        private sealed class Listener(TcpListener listener) : IEndpointListener
        {
            public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                client.NoDelay = true;
                return new Pipe(client);
            }

            public void Dispose() => listener.Stop();
        }

        /// <summary>A plain-text pipe over the connection; the tests' server offers no STARTTLS.</summary>
        private sealed class Pipe(TcpClient client) : ISecurableDuplexPipe
        {
            private readonly NetworkStream _stream = client.GetStream();

            public PipeReader Input => _input ??= PipeReader.Create(_stream);

            public PipeWriter Output => _output ??= PipeWriter.Create(_stream);

            private PipeReader? _input;
            private PipeWriter? _output;

            public bool IsSecure => false;

            public SslProtocols SslProtocol => SslProtocols.None;

            public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
                throw new NotSupportedException("The test SMTP server does not offer TLS.");

            public void Dispose() => client.Dispose();
        }
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public SemaphoreSlim Arrived { get; } = new(0);

        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            Arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}
