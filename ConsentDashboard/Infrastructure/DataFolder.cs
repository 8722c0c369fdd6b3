using Microsoft.Extensions.Options;

namespace ConsentDashboard.Infrastructure;

/// <summary>The data folder cannot be created or written: the app cannot keep anything, so it does not start.</summary>
public sealed class DataFolderUnusableException(string path, string reason)
    : Exception($"the data folder {path} cannot be used: {reason} Set ConsentDashboard:DataFolder to a folder this process can write.");

/// <summary>The resolved, existing data folder: database, clip bytes and keys live here, never under wwwroot.</summary>
public sealed class DataFolder
{
    public DataFolder(IOptions<ConsentDashboardOptions> options, IWebHostEnvironment environment)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DataFolder, environment.ContentRootPath);
        try
        {
            Directory.CreateDirectory(Path);
            // A folder that exists but cannot be written fails here, with its name, rather than deep inside SQLite.
            var probe = System.IO.Path.Combine(Path, $".write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DataFolderUnusableException(Path, error.Message);
        }
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>
    /// The contents of a secret file in the data folder, created with <paramref name="create"/> when it does not exist.
    /// Safe when several processes (app nodes on a shared folder) start at once: the file appears whole or not at all
    /// (written beside it, then moved into place without overwriting), and every process reads the one that won.
    /// </summary>
    public byte[] ReadOrCreate(string name, Func<byte[]> create)
    {
        var path = Combine(name);
        if (!File.Exists(path))
        {
            var draft = Combine($".{name}.{Guid.NewGuid():N}.draft");
            File.WriteAllBytes(draft, create());
            try
            {
                File.Move(draft, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process put its file there first; everyone uses that one.
            }
            finally
            {
                File.Delete(draft);
            }
        }

        return File.ReadAllBytes(path);
    }
}
