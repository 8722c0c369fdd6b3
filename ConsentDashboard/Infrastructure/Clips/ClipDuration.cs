namespace ConsentDashboard.Infrastructure.Clips;

/// <summary>What a stored file's container says: whether it holds a video track, and how long it is.</summary>
public sealed record ClipContainer(bool HasVideoTrack, TimeSpan? Duration);

/// <summary>Reads a stored clip's container headers (Matroska/WebM or MP4) with TagLib#.</summary>
public static class ClipDuration
{
    /// <summary>
    /// The container's video tracks and length (null when the file does not say: a live-recorded WebM often has none).
    /// A file whose container does not parse, or holds no video track, is not a video, whatever its first bytes claim.
    /// </summary>
    public static ClipContainer Inspect(string path, string contentType)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var file = TagLib.File.Create(new ReadOnlyFile(path, stream), contentType, TagLib.ReadStyle.Average);
            var properties = file.Properties;
            var hasVideo = properties is not null && properties.Codecs.OfType<TagLib.IVideoCodec>().Any(c => c.VideoWidth > 0 && c.VideoHeight > 0);
            var duration = properties?.Duration ?? TimeSpan.Zero;
            return new ClipContainer(hasVideo, duration > TimeSpan.Zero ? duration : null);
        }
        catch (Exception error) when (error is TagLib.CorruptFileException or TagLib.UnsupportedFormatException or IOException or ArgumentException
            or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            return new ClipContainer(false, null);
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
