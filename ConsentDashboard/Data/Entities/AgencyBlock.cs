namespace ConsentDashboard.Data;

/// <summary>A resident's choice to receive no more requests from one agency.</summary>
public class AgencyBlock
{
    public string ResidentId { get; set; } = "";
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public DateTime CreatedAt { get; set; }
}
