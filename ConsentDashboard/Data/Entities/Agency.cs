namespace ConsentDashboard.Data;

public class Agency
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Jurisdiction { get; set; } = "";
}
