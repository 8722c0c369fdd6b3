using System.Security.Cryptography;

namespace ConsentDashboard.Infrastructure.Clips;

public sealed record StoredFile(string Sha256, long SizeBytes, string ContentType, string StorageKey);

public sealed class StoredFileTooLargeException(long limit) : Exception($"The file is larger than the {limit / (1024 * 1024)} MB limit.")
{
    public long Limit => limit;
}

public sealed class UnsupportedFileException(string message) : Exception(message);

/// <summary>
/// Files on disk under one folder of the data folder, named by their SHA-256 so identical bytes are stored once, with
/// their type decided from their first bytes, never from a name. Clips and legal documents each have a store of their own.
/// </summary>
public abstract class HashedFileStore(DataFolder dataFolder, string folder)
{
    private string Root => dataFolder.Combine(folder);

    /// <summary>The content type the first bytes show, or null when they are not a kind this store keeps.</summary>
    protected abstract string? DetectContentType(ReadOnlySpan<byte> header);

    protected abstract string ExtensionFor(string contentType);

    /// <summary>What to say when the first bytes are not a kind this store keeps.</summary>
    protected abstract string UnsupportedMessage { get; }

    /// <summary>Streams <paramref name="content"/> to disk while hashing it; refuses empty, unknown or oversized input.</summary>
    public async Task<StoredFile> StoreAsync(Stream content, long maxBytes, CancellationToken cancellationToken = default)
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
                        contentType = DetectContentType(buffer.AsSpan(0, read)) ?? throw new UnsupportedFileException(UnsupportedMessage);
                    }

                    size += read;
                    if (size > maxBytes)
                    {
                        throw new StoredFileTooLargeException(maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (size == 0 || contentType is null)
            {
                throw new UnsupportedFileException("The file is empty.");
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var storageKey = $"{sha256[..2]}/{sha256}{ExtensionFor(contentType)}";
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

            return new StoredFile(sha256, size, contentType, storageKey);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>Removes stored bytes that nothing refers to (an upload refused after it was stored).</summary>
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

/// <summary>Clip bytes (WebM or MP4), never under <c>wwwroot</c>.</summary>
public sealed class ClipStorage(DataFolder dataFolder) : HashedFileStore(dataFolder, "clips")
{
    protected override string UnsupportedMessage => "This file is not a WebM or MP4 video.";

    protected override string? DetectContentType(ReadOnlySpan<byte> header) => ClipFormat.DetectContentType(header);

    protected override string ExtensionFor(string contentType) => ClipFormat.ExtensionFor(contentType);
}

/// <summary>The documents of legal demands: PDF only, decided from the <c>%PDF-</c> signature at the start of the bytes.</summary>
public sealed class LegalDocumentStorage(DataFolder dataFolder) : HashedFileStore(dataFolder, "legal-documents")
{
    public const string PdfContentType = "application/pdf";

    protected override string UnsupportedMessage => "This file is not a PDF document.";

    protected override string? DetectContentType(ReadOnlySpan<byte> header) => header.StartsWith("%PDF-"u8) ? PdfContentType : null;

    protected override string ExtensionFor(string contentType) => ".pdf";
}
