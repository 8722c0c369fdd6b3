namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>How an account is named in an entry's Actor field, and read back. The form is part of the hashed bytes.</summary>
public static class AuditActors
{
    private const string UserPrefix = "user:";

    public const string System = "system";

    public static string User(string userId) => UserPrefix + userId;

    /// <summary>The account id behind an actor, or null for the system.</summary>
    public static string? UserIdOf(string actor) =>
        actor.StartsWith(UserPrefix, StringComparison.Ordinal) ? actor[UserPrefix.Length..] : null;
}
