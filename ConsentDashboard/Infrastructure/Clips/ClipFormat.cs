namespace ConsentDashboard.Infrastructure.Clips;

/// <summary>Decides a clip's type from its first bytes, never from its name.</summary>
public static class ClipFormat
{
    public const int HeaderLength = 12;

    public static string? DetectContentType(ReadOnlySpan<byte> header)
    {
        // EBML magic: WebM and Matroska.
        if (header.Length >= 4 && header[0] == 0x1A && header[1] == 0x45 && header[2] == 0xDF && header[3] == 0xA3)
        {
            return "video/webm";
        }

        // ISO base media file: a box size, then "ftyp".
        if (header.Length >= 8 && header[4] == (byte)'f' && header[5] == (byte)'t' && header[6] == (byte)'y' && header[7] == (byte)'p')
        {
            return "video/mp4";
        }

        return null;
    }

    public static string ExtensionFor(string contentType) => contentType == "video/mp4" ? ".mp4" : ".webm";
}
