using ConsentDashboard.Data;
using Microsoft.AspNetCore.Identity;

namespace ConsentDashboard.Components.Account;

/// <summary>
/// Makes an answer about an address that has no account cost what the same answer costs for one that has: one password
/// hash. Without it, a sign-in or registration for an unknown address answers measurably faster, telling an attacker
/// which addresses hold accounts.
/// </summary>
internal static class UnknownAccountTiming
{
    private static readonly PasswordHasher<ApplicationUser> Hasher = new();
    private static readonly ApplicationUser Nobody = new();
    private static readonly Lazy<string> NobodysHash = new(() => Hasher.HashPassword(Nobody, Guid.NewGuid().ToString()));

    /// <summary>Verifies <paramref name="password"/> against a hash no password matches, and throws the result away.</summary>
    public static void SpendAPasswordCheck(string password) => Hasher.VerifyHashedPassword(Nobody, NobodysHash.Value, password);

    /// <summary>Hashes <paramref name="password"/> as creating an account would, and throws the hash away.</summary>
    public static void SpendAPasswordHash(string password) => Hasher.HashPassword(Nobody, password);

    /// <summary>
    /// The least time an answer that may queue an e-mail takes (forgot password, resend confirmation): writing the message
    /// for a known address costs a database commit that an unknown address does not, so every answer waits this long.
    /// </summary>
    public static readonly TimeSpan MailAnswerFloor = TimeSpan.FromMilliseconds(250);

    /// <summary>Waits out the rest of <see cref="MailAnswerFloor"/> since <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public static async Task WaitOutFloorAsync(long started)
    {
        var left = MailAnswerFloor - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }
}
