namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// <c>ConsentDashboard:Audit:WitnessFolder</c>: a folder outside the data folder (another disk, a mounted bucket) where
/// every signed tree head is appended as one JSON line to <c>tree-heads.jsonl</c>. Someone who can edit the database
/// cannot edit this, so verification checks the log against it. Unset, nothing is written.
/// </summary>
public sealed class AuditWitnessFolder(IConfiguration configuration, ILogger<AuditWitnessFolder> logger)
{
    public const string SettingName = "ConsentDashboard:Audit:WitnessFolder";
    public const string FileName = "tree-heads.jsonl";

    private readonly Lock _write = new();

    public string? Folder { get; } = configuration[SettingName] is { Length: > 0 } folder ? Path.GetFullPath(folder) : null;

    /// <summary>Why the configured folder cannot serve as a witness, or null when it can (or none is configured).</summary>
    public static string? Problem(IConfiguration configuration, string dataFolder)
    {
        if (configuration[SettingName] is not { Length: > 0 } configured)
        {
            return null;
        }

        var folder = Path.GetFullPath(configured);
        var data = Path.GetFullPath(dataFolder);
        if ((folder + Path.DirectorySeparatorChar).StartsWith(data + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return $"{SettingName} ({folder}) is inside the data folder ({data}); a witness must be somewhere a database intruder cannot also edit.";
        }

        try
        {
            Directory.CreateDirectory(folder);
            using var probe = new FileStream(Path.Combine(folder, FileName), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            return null;
        }
        catch (Exception unusable) when (unusable is IOException or UnauthorizedAccessException)
        {
            return $"{SettingName} ({folder}) cannot be written: {unusable.Message}";
        }
    }

    public void Append(SignedTreeHead head)
    {
        if (Folder is null)
        {
            return;
        }

        try
        {
            lock (_write)
            {
                File.AppendAllText(Path.Combine(Folder, FileName), head.ToJson() + "\n");
            }
        }
        catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
        {
            // The head is still signed and published; the operator must see that the witness missed it.
            logger.LogError("The tree head of size {Size} could not be written to the witness folder {Folder}: {Reason}", head.TreeSize, Folder, failed.Message);
        }
    }

    /// <summary>Every head in a witness folder's file, with the number of lines that are not a head.</summary>
    public static (IReadOnlyList<SignedTreeHead> Heads, int Unreadable) Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return ([], 0);
        }

        var heads = new List<SignedTreeHead>();
        var unreadable = 0;
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            if (SignedTreeHead.Parse(line) is { } head)
            {
                heads.Add(head);
            }
            else
            {
                unreadable++;
            }
        }

        return (heads, unreadable);
    }
}
