namespace ConsentDashboard.Data;

/// <summary>A warrant or emergency demand an admin records; disclosures made under it cite it.</summary>
public class LegalDemand
{
    public Guid Id { get; set; }
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public LegalBasis Basis { get; set; }
    public string Reference { get; set; } = "";
    public string Description { get; set; } = "";
    public string RecordedById { get; set; } = "";
    public DateTime RecordedAt { get; set; }
}
