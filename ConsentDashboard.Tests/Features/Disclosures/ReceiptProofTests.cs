using System.Text.Json.Nodes;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Disclosures;

/// <summary>
/// A resident's receipt proves, offline and with only the public key, that their disclosure is in the log auditors
/// verify: it verifies as downloaded, and fails once any field of its disclosure, any byte of its audit path, its entry
/// or its tree head is changed (invariant 9).
/// </summary>
public sealed class ReceiptProofTests : IAsyncLifetime
{
    private const string Case = "LBPD-2026-04417";
    private readonly FakeTimeAppFactory _app = new();
    private string _residentId = "";
    private string _receipt = "";
    private string _keyPath = "";
    private Guid _disclosureId;
    private readonly TempFolder _folder = new();

    public async ValueTask InitializeAsync()
    {
        await using var db = _app.CreateDbContext();
        _residentId = await db.Users.Where(u => u.Email == DemoAccounts.Resident).Select(u => u.Id).SingleAsync();
        var noticeId = await db.RequestNotices.Where(n => n.ResidentId == _residentId && n.Request!.CaseNumber == Case).Select(n => n.Id).SingleAsync();
        await using var scope = _app.Services.CreateAsyncScope();
        var notices = scope.ServiceProvider.GetRequiredService<NoticeService>();
        var clip = (await notices.GetAsync(Resident, noticeId))!.Clips[0].Id;
        await notices.ShareAsync(Resident, new ShareInput { NoticeId = noticeId, ClipIds = [clip], AllowDownload = true });
        var disclosureId = _disclosureId = await db.Disclosures.Where(d => d.ClipId == clip).Select(d => d.Id).SingleAsync();

        using var client = _app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, DemoAccounts.Resident);
        _receipt = await client.GetStringAsync($"/disclosures/{disclosureId}/receipt");
        _keyPath = Path.Combine(_folder.Path, "log-key.pem");
        await File.WriteAllTextAsync(_keyPath, await client.GetStringAsync("/log/public-key.pem"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private System.Security.Claims.ClaimsPrincipal Resident => Principals.For(_residentId, Roles.Resident);

    private string Key => File.ReadAllText(_keyPath);

    /// <summary>The readable fields speak the resident's language and say which; the proof is the same data and verifies.</summary>
    [Fact]
    public async Task AReceiptDownloadedInSpanish_ReadsInSpanish_SaysSo_AndVerifiesLikeTheEnglishOne()
    {
        using var client = _app.CreateBrowserlessClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await SignIn.AsAsync(client, DemoAccounts.Resident);
        var spanish = await client.GetStringAsync($"/disclosures/{_disclosureId}/receipt");

        var json = JsonNode.Parse(spanish)!;
        var english = JsonNode.Parse(_receipt)!;
        Assert.Equal("es", (string?)json["language"]);
        Assert.Equal("en", (string?)english["language"]);
        Assert.Equal("Divulgación de grabaciones de cámaras domésticas", (string?)json["services"]![0]!["service"]);
        Assert.StartsWith($"Investigación del caso {Case}", (string?)json["services"]![0]!["purposes"]![0]!["purpose"]);
        Assert.StartsWith($"Investigation of case {Case}", (string?)english["services"]![0]!["purposes"]![0]!["purpose"]);
        Assert.Equal(english["disclosure"]!.ToJsonString(), json["disclosure"]!.ToJsonString());
        Assert.True(ReceiptVerifier.Verify(spanish, Key).IsValid);
    }

    [Fact]
    public async Task ADownloadedReceipt_VerifiesOffline_WithTheCommandAndInProcess()
    {
        var path = Path.Combine(_folder.Path, "receipt.json");
        await File.WriteAllTextAsync(path, _receipt);

        var result = await AppCommand.RunAsync([VerifyReceiptCommand.Command, "--receipt", path, "--public-key", _keyPath]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("Result: VALID", result.Output);
        Assert.DoesNotContain("FAIL", result.Output);
        var verification = ReceiptVerifier.Verify(_receipt, Key);
        Assert.True(verification.IsValid);
        Assert.Contains(verification.Checks, c => c.What.Contains("in the log", StringComparison.Ordinal) && c.Passed);
    }

    public static TheoryData<string> DisclosureFields => new()
    {
        "clipId", "clipSha256", "clipStart", "clipEnd", "legalBasis", "caseNumber", "revealedContactFields", "allowDownload", "accessExpiresAt", "revokedAt",
    };

    [Theory]
    [MemberData(nameof(DisclosureFields))]
    public void ChangingAnyFieldOfTheDisclosure_MakesTheReceiptFail(string field)
    {
        var receipt = JsonNode.Parse(_receipt)!;
        var disclosure = receipt["disclosure"]!;
        disclosure[field] = field switch
        {
            "clipId" => Guid.NewGuid().ToString(),
            "clipSha256" => new string('0', 64),
            "clipStart" or "clipEnd" or "accessExpiresAt" or "revokedAt" => "2030-01-01T00:00:00Z",
            "legalBasis" => "Warrant",
            "caseNumber" => "OTHER-1",
            "revealedContactFields" => new JsonArray("Name", "Email", "Phone", "Address"),
            "allowDownload" => false,
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var verification = ReceiptVerifier.Verify(receipt.ToJsonString(), Key);

        Assert.False(verification.IsValid, field);
        Assert.Contains(verification.Checks, c => !c.Passed && (c.Detail.Contains(field, StringComparison.Ordinal) || c.What == "Revocation"));
    }

    [Fact]
    public void FlippingAnyByteOfTheAuditPath_TheEntryOrTheHead_MakesTheReceiptFail()
    {
        var original = JsonNode.Parse(_receipt)!;
        var entry = original["logProof"]!["entries"]![0]!;
        var pathLength = entry["auditPath"]!.AsArray().Count;
        var mutations = new List<(string What, Action<JsonNode> Apply)>();
        for (var i = 0; i < pathLength; i++)
        {
            for (var position = 0; position < 64; position += 9)
            {
                var (index, at) = (i, position);
                mutations.Add(($"path[{index}] digit {at}", r => r["logProof"]!["entries"]![0]!["auditPath"]![index] = Flip(r["logProof"]!["entries"]![0]!["auditPath"]![index]!.GetValue<string>(), at)));
            }
        }

        foreach (var name in new[] { "timestamp", "actor", "subject", "details", "previousHash", "hash" })
        {
            mutations.Add(($"entry {name}", r => r["logProof"]!["entries"]![0]![name] = Flip(r["logProof"]!["entries"]![0]![name]!.GetValue<string>(), 5)));
        }

        mutations.Add(("leaf index", r => r["logProof"]!["entries"]![0]!["leafIndex"] = r["logProof"]!["entries"]![0]!["leafIndex"]!.GetValue<long>() + 1));
        mutations.Add(("tree size", r => r["logProof"]!["treeHead"]!["treeSize"] = r["logProof"]!["treeHead"]!["treeSize"]!.GetValue<long>() + 1));
        mutations.Add(("root", r => r["logProof"]!["treeHead"]!["rootHash"] = Flip(r["logProof"]!["treeHead"]!["rootHash"]!.GetValue<string>(), 0)));
        mutations.Add(("head time", r => r["logProof"]!["treeHead"]!["timestamp"] = "2031-01-01T00:00:00.000000Z"));

        Assert.True(pathLength > 0);
        var accepted = mutations.Where(m =>
        {
            var receipt = JsonNode.Parse(_receipt)!;
            m.Apply(receipt);
            return ReceiptVerifier.Verify(receipt.ToJsonString(), Key).IsValid;
        }).Select(m => m.What).ToList();
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task TheCommand_ExitsOneForATamperedReceipt_AndTwoForSomethingThatIsNotOne()
    {
        var receipt = JsonNode.Parse(_receipt)!;
        receipt["disclosure"]!["allowDownload"] = false;
        var tampered = Path.Combine(_folder.Path, "tampered.json");
        await File.WriteAllTextAsync(tampered, receipt.ToJsonString());
        var notReceipt = Path.Combine(_folder.Path, "not-a-receipt.json");
        await File.WriteAllTextAsync(notReceipt, "{\"hello\": 1}");

        var failed = await AppCommand.RunAsync([VerifyReceiptCommand.Command, "--receipt", tampered, "--public-key", _keyPath]);
        var unreadable = await AppCommand.RunAsync([VerifyReceiptCommand.Command, "--receipt", notReceipt, "--public-key", _keyPath]);
        var usage = await AppCommand.RunAsync([VerifyReceiptCommand.Command, "--receipt", tampered]);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("FAIL  The disclosure is the one logged", failed.Output);
        Assert.Contains("allowDownload", failed.Output);
        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains("not a consent receipt", unreadable.Error);
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("Usage:", usage.Error);
    }

    [Fact]
    public async Task AReceiptFromAnotherLogsKey_Fails()
    {
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var verification = ReceiptVerifier.Verify(_receipt, other.ExportSubjectPublicKeyInfoPem());

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Checks, c => c.What == "Tree head signature" && !c.Passed);
        await Task.CompletedTask;
    }

    private static string Flip(string text, int position)
    {
        var chars = text.ToCharArray();
        chars[position] = chars[position] == '0' ? '1' : '0';
        return new string(chars);
    }
}
