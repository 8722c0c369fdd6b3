namespace ConsentDashboard.Features.Disclosures;

/// <summary>
/// <c>verify-receipt --receipt &lt;file&gt; --public-key &lt;file&gt;</c>: checks a consent receipt offline, with only the log's
/// public key. Exit code 0 when every check passes, 1 when one fails, 2 when the files cannot be read as a receipt and a key.
/// </summary>
public static class VerifyReceiptCommand
{
    public const string Command = "verify-receipt";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? receipt = null;
        string? publicKey = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--receipt":
                    receipt = args[++i];
                    break;
                case "--public-key":
                    publicKey = args[++i];
                    break;
            }
        }

        if (receipt is null || publicKey is null)
        {
            await error.WriteLineAsync($"Usage: ConsentDashboard {Command} --receipt <consent-receipt.json> --public-key <log-public-key.pem>");
            return 2;
        }

        string receiptText, keyText;
        try
        {
            receiptText = await File.ReadAllTextAsync(receipt);
            keyText = await File.ReadAllTextAsync(publicKey);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Cannot read {(unreadable is FileNotFoundException missing ? missing.FileName : "a file")}: {unreadable.Message}");
            return 2;
        }

        if (!keyText.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"{publicKey} is not a PEM public key (download it from /log/public-key.pem).");
            return 2;
        }

        var result = ReceiptVerifier.Verify(receiptText, keyText);
        if (result.Unreadable is { } why)
        {
            await error.WriteLineAsync(why);
            return 2;
        }

        foreach (var check in result.Checks)
        {
            await output.WriteLineAsync($"{(check.Passed ? "PASS" : "FAIL")}  {check.What}: {check.Detail}");
        }

        await output.WriteLineAsync(result.IsValid ? "Result: VALID" : "Result: INVALID");
        return result.IsValid ? 0 : 1;
    }
}
