using System.Security.Cryptography;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Tests.Infrastructure.Nodes;

/// <summary>App nodes that share one data folder (clips, the pseudonym key, the checkpoint signing key) and start at once.</summary>
public sealed class SharedDataFolderTests : IDisposable
{
    private readonly TempFolder _shared = new();

    public void Dispose() => _shared.Dispose();

    private DataFolder Node() =>
        new(Options.Create(new ConsentDashboardOptions { DataFolder = _shared.Path }), new FixedEnvironment(_shared.Path));

    [Fact]
    public async Task NodesStartingTogether_AllUseTheOneKeyThatWasWrittenWhole()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Node().ReadOrCreate("pseudonym.key", () => RandomNumberGenerator.GetBytes(32)))));

        Assert.All(keys, key => Assert.Equal(32, key.Length));
        Assert.Single(keys.Select(Convert.ToHexString).Distinct());
        Assert.Equal(["pseudonym.key"], Directory.GetFiles(_shared.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TwoNodesOnOneFolder_GivePeopleTheSamePseudonyms_AndSignWithTheSameKey()
    {
        var (a, b) = (Node(), Node());

        Assert.Equal(new ResidentPseudonyms(a).For("resident-1"), new ResidentPseudonyms(b).For("resident-1"));
        using var signerA = new AuditCheckpointSigner(a);
        using var signerB = new AuditCheckpointSigner(b);
        Assert.Equal(signerA.KeyId, signerB.KeyId);
    }
}
