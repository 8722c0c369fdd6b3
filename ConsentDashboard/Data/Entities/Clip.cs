namespace ConsentDashboard.Data;

public class Clip
{
    public Guid Id { get; set; }
    public Guid CameraId { get; set; }
    public Camera? Camera { get; set; }
    public DateTime RecordedStart { get; set; }
    public DateTime RecordedEnd { get; set; }
    public string ContentType { get; set; } = "";
    public long SizeBytes { get; set; }

    /// <summary>Lower-case hex SHA-256 of the bytes; disclosures copy it so a recipient can check what they got.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Path of the bytes relative to the clip store (named by hash, never under wwwroot).</summary>
    public string StorageKey { get; set; } = "";
    public DateTime UploadedAt { get; set; }
}
