namespace ConsentDashboard.Infrastructure.Validation;

/// <summary>
/// The one way a page runs an action a service may refuse: the refusal's message is kept for <c>RefusalAlert</c> to show,
/// and anything else propagates to the error boundary. A page sets <see cref="Message"/> itself for checks it makes first.
/// </summary>
public sealed class RefusableAction
{
    public string? Message { get; set; }

    public bool Running { get; private set; }

    /// <summary>Runs <paramref name="action"/>; true when it completed, false when it was refused (the message is kept).</summary>
    public async Task<bool> RunAsync(Func<Task> action)
    {
        Message = null;
        Running = true;
        try
        {
            await action();
            return true;
        }
        catch (ActionRefusedException refused)
        {
            Message = refused.Message;
            return false;
        }
        finally
        {
            Running = false;
        }
    }
}
