namespace ConsentDashboard.Data;

public class Agency
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Jurisdiction { get; set; } = "";

    /// <summary>Where the operator can reach the agency; shown to admins only.</summary>
    public string? ContactEmail { get; set; }

    /// <summary>A deactivated agency's officers cannot file requests; disclosures already made run their course.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>
    /// A civilian reviewer approves each request of this agency before any resident is notified (on by default). When off,
    /// a filed request reaches residents at once.
    /// </summary>
    public bool RequiresReview { get; set; } = true;
}
