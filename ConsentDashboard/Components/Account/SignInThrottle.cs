using System.Threading.RateLimiting;
using ConsentDashboard.Infrastructure;

namespace ConsentDashboard.Components.Account;

/// <summary>
/// Wrong passwords are limited per client address and account (5 an hour), and per account across all addresses
/// (30 an hour). Instead of locking the account for everyone, which anyone who knows an address could do, the sixth
/// attempt from that address simply waits for the hour to move on. Unknown addresses are counted the same way, so the
/// answer never says whether an account exists.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    public const int PerAddressAndAccount = 5;
    public const int PerAccount = 30;

    private readonly PartitionedRateLimiter<string> _perAddress = RateLimits.PerHourByKey(PerAddressAndAccount);
    private readonly PartitionedRateLimiter<string> _perAccount = RateLimits.PerHourByKey(PerAccount);

    /// <summary>How long to wait before another attempt, or null when one may be made now.</summary>
    public TimeSpan? WaitBeforeAttempt(string? clientAddress, string email)
    {
        var (address, account) = Keys(clientAddress, email);
        return _perAddress.GetStatistics(address)?.CurrentAvailablePermits is 0 || _perAccount.GetStatistics(account)?.CurrentAvailablePermits is 0
            ? TimeSpan.FromMinutes(5)
            : null;
    }

    /// <summary>Counts one wrong password against the address and the account.</summary>
    public void RecordFailure(string? clientAddress, string email)
    {
        var (address, account) = Keys(clientAddress, email);
        _perAddress.AttemptAcquire(address).Dispose();
        _perAccount.AttemptAcquire(account).Dispose();
    }

    private static (string Address, string Account) Keys(string? clientAddress, string email)
    {
        var account = email.Trim().ToUpperInvariant();
        return ($"{clientAddress ?? "unknown"}|{account}", account);
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _perAccount.Dispose();
    }
}
