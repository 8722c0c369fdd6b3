namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>How an account is named in an entry's Actor field, and read back. The form is part of the hashed bytes.</summary>
public static class AuditActors
{
    private const string UserPrefix = "user:";

    public const string System = "system";

    /// <summary>An operator at the command line (<c>create-admin</c>).</summary>
    public const string CommandLine = "system:cli";

    public static string User(string userId) => UserPrefix + userId;

    /// <summary>The account id behind an actor, or null for the system.</summary>
    public static string? UserIdOf(string actor) =>
        actor.StartsWith(UserPrefix, StringComparison.Ordinal) ? actor[UserPrefix.Length..] : null;
}
