namespace ConsentDashboard.Infrastructure.Validation;

/// <summary>
/// A service refused an action (bad input, someone else's record, a closed notice) and changed nothing. The message
/// is written for the person who tried; pages show it as it is.
/// </summary>
public sealed class ActionRefusedException(string message) : Exception(message);
