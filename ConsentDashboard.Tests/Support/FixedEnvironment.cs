using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;

namespace ConsentDashboard.Tests.Support;

/// <summary>A host environment rooted in a test folder, for services that resolve paths without a web host.</summary>
public sealed class FixedEnvironment(string root) : IWebHostEnvironment
{
    public string WebRootPath { get; set; } = root;
    public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
    public string ApplicationName { get; set; } = "ConsentDashboard";
    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    public string ContentRootPath { get; set; } = root;
    public string EnvironmentName { get; set; } = "Test";
}
