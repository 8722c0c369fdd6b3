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
}
