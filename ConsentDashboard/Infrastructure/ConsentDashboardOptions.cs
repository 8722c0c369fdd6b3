namespace ConsentDashboard.Infrastructure;

/// <summary>Settings under the "ConsentDashboard" configuration section.</summary>
public sealed class ConsentDashboardOptions
{
    public const string SectionName = "ConsentDashboard";

    /// <summary>Folder for the SQLite database, clip bytes and keys. Relative paths are under the content root.</summary>
    public string DataFolder { get; set; } = "App_Data";

    /// <summary>Seed the demo city into an empty database at start.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>Largest clip a resident may upload, in bytes.</summary>
    public long MaxClipBytes { get; set; } = 200L * 1024 * 1024;
}
