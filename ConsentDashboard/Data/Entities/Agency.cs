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
}
