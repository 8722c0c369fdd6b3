using System.Security.Cryptography;

namespace ConsentDashboard.Infrastructure.Clips;

public sealed record StoredClip(string Sha256, long SizeBytes, string ContentType, string StorageKey);

public sealed class ClipTooLargeException(long limit) : Exception($"The clip is larger than the {limit / (1024 * 1024)} MB limit.");

public sealed class UnsupportedClipException(string message) : Exception(message);

/// <summary>
/// Clip bytes on disk under the data folder, named by their SHA-256 so identical bytes are stored once.
/// </summary>
public sealed class ClipStorage(DataFolder dataFolder)
{
    private string Root => dataFolder.Combine("clips");

    /// <summary>Streams <paramref name="content"/> to disk while hashing it; refuses empty, unknown or oversized input.</summary>
    public async Task<StoredClip> StoreAsync(Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Root);
        var temporaryPath = Path.Combine(Root, $".upload-{Guid.NewGuid():N}");
        try
        {
            string? contentType = null;
            long size = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var target = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    if (size == 0)
                    {
                        contentType = ClipFormat.DetectContentType(buffer.AsSpan(0, read))
                            ?? throw new UnsupportedClipException("This file is not a WebM or MP4 video.");
                    }

                    size += read;
                    if (size > maxBytes)
                    {
                        throw new ClipTooLargeException(maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (size == 0 || contentType is null)
            {
                throw new UnsupportedClipException("The file is empty.");
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var storageKey = $"{sha256[..2]}/{sha256}{ClipFormat.ExtensionFor(contentType)}";
            var finalPath = PathFor(storageKey);
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            try
            {
                File.Move(temporaryPath, finalPath);
            }
            catch (IOException) when (File.Exists(finalPath))
            {
                // The same bytes are already stored (perhaps by a concurrent upload): keep that copy.
            }

            return new StoredClip(sha256, size, contentType, storageKey);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>Removes stored bytes that no clip refers to (an upload refused after it was stored).</summary>
    public void Delete(string storageKey)
    {
        if (TryGetPath(storageKey) is { } path)
        {
            File.Delete(path);
        }
    }

    /// <summary>The file behind a storage key, or null when the key would leave the store or the file is gone.</summary>
    public string? TryGetPath(string storageKey)
    {
        var path = PathFor(storageKey);
        return path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(path) ? path : null;
    }

    private string PathFor(string storageKey) => Path.GetFullPath(Path.Combine(Root, storageKey));
}
