namespace ConsentDashboard.Data;

/// <summary>
/// The last tick a piece of periodic work ran on, for nodes sharing one PostgreSQL database: a node that wakes in a tick
/// another has already run skips it, so each tick's sweep or signing happens once.
/// </summary>
public class PeriodicWorkRun
{
    /// <summary>The work's stable name, such as <c>ExpirySweeper</c>.</summary>
    public string Work { get; set; } = "";

    /// <summary>The number of whole intervals since 0001-01-01 at the run: the same on every node for the same tick.</summary>
    public long Tick { get; set; }

    public DateTime RanAt { get; set; }
}
