namespace ConsentDashboard.Infrastructure;

/// <summary>Settings under the "ConsentDashboard" configuration section.</summary>
public sealed class ConsentDashboardOptions
{
    public const string SectionName = "ConsentDashboard";

    /// <summary>Folder for the SQLite database, clip bytes and keys. Relative paths are under the content root.</summary>
    public string DataFolder { get; set; } = "App_Data";

    /// <summary>Seed the demo city into an empty database at start.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>The address people open the app at; links in e-mails and printed by commands start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5178";

    /// <summary>A link to a page of the app, for an e-mail or the console.</summary>
    public string LinkTo(string pathAndQuery) => $"{PublicBaseUrl.TrimEnd('/')}/{pathAndQuery.TrimStart('/')}";

    /// <summary>Largest clip a resident may upload, in bytes.</summary>
    public long MaxClipBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Which database holds the data ("ConsentDashboard:Database").</summary>
    public DatabaseOptions Database { get; set; } = new();
}

/// <summary>The database engine: SQLite in the data folder (the default), or PostgreSQL for several app nodes.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

public sealed class DatabaseOptions
{
    /// <summary>
    /// <c>Sqlite</c> or <c>PostgreSQL</c>. With PostgreSQL, <c>ConnectionStrings:DefaultConnection</c> names the server;
    /// with SQLite it may name a file, and defaults to <c>consentdashboard.db</c> in the data folder.
    /// </summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
