using Microsoft.Extensions.Options;

namespace ConsentDashboard.Infrastructure;

/// <summary>The resolved, existing data folder: database, clip bytes and keys live here, never under wwwroot.</summary>
public sealed class DataFolder
{
    public DataFolder(IOptions<ConsentDashboardOptions> options, IWebHostEnvironment environment)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DataFolder, environment.ContentRootPath);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
