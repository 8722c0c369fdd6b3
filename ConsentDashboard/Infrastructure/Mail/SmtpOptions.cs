namespace ConsentDashboard.Infrastructure.Mail;

public enum SmtpSecurity
{
    /// <summary>STARTTLS when the server offers it (MailKit's choice by port).</summary>
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>Settings under "ConsentDashboard:Smtp". Without a host, Development writes each message as an .eml file.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "ConsentDashboard:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string FromAddress { get; set; } = "no-reply@consentdashboard.invalid";

    public string FromName { get; set; } = "ConsentDashboard";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
