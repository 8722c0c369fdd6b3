namespace ConsentDashboard.Infrastructure.Clips;

/// <summary>Reads a stored clip's length from its container headers (Matroska/WebM or MP4) with TagLib#.</summary>
public static class ClipDuration
{
    /// <summary>The length, or null when the file does not say (a live-recorded WebM often has no duration).</summary>
    public static TimeSpan? TryRead(string path, string contentType)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var file = TagLib.File.Create(new ReadOnlyFile(path, stream), contentType, TagLib.ReadStyle.Average);
            var duration = file.Properties?.Duration ?? TimeSpan.Zero;
            return duration > TimeSpan.Zero ? duration : null;
        }
        catch (Exception error) when (error is TagLib.CorruptFileException or TagLib.UnsupportedFormatException or IOException or ArgumentException)
        {
            return null;
        }
    }

    private sealed class ReadOnlyFile(string name, Stream stream) : TagLib.File.IFileAbstraction
    {
        public string Name => name;

        public Stream ReadStream => stream;

        public Stream WriteStream => throw new NotSupportedException("Clips are never rewritten.");

        public void CloseStream(Stream closing)
        {
            // The caller owns the stream.
        }
    }
}
