using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>Where the delivery worker hands messages: a real SMTP server, or a folder of .eml files in Development.</summary>
public interface IMailTransport
{
    /// <summary>"smtp.example.org:587" or the folder, for the console and the admin's queue view.</summary>
    string Destination { get; }

    /// <summary>One session for a batch: one SMTP connection, reused for every message in it.</summary>
    Task<IMailSession> OpenAsync(CancellationToken cancellationToken);
}

public interface IMailSession : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

public sealed class SmtpMailTransport(IOptions<SmtpOptions> options) : IMailTransport
{
    public string Destination => $"{options.Value.Host}:{options.Value.Port}";

    public async Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var client = new SmtpClient();
        try
        {
            var security = settings.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            };
            // Small SMTP commands go out at once: with Nagle's algorithm each would wait for the server's delayed ACK (~40 ms).
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(settings.Host!, settings.Port, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await client.ConnectAsync(socket, settings.Host!, settings.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }

            return new Session(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private sealed class Session(SmtpClient client) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken) => await client.SendAsync(message, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception error) when (error is IOException or SmtpProtocolException or SmtpCommandException)
            {
                // The messages were already accepted; a failed goodbye changes nothing.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}

/// <summary>Development's default: every message is written as an .eml file under the data folder's mail/ folder.</summary>
public sealed class PickupFolderMailTransport(DataFolder dataFolder) : IMailTransport
{
    public string Destination => dataFolder.Combine("mail");

    public Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Destination);
        return Task.FromResult<IMailSession>(new Session(Destination));
    }

    private sealed class Session(string folder) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            var name = $"{message.Date.UtcDateTime:yyyyMMdd-HHmmss}-{(message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0]}.eml";
            await message.WriteToAsync(Path.Combine(folder, name), cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
