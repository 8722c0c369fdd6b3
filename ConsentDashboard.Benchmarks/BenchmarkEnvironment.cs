using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;

namespace ConsentDashboard.Benchmarks;

/// <summary>A host environment rooted in a benchmark's folder, for the app's services without a web host.</summary>
internal sealed class BenchmarkEnvironment(string root) : IWebHostEnvironment
{
    public string WebRootPath { get; set; } = root;
    public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
    public string ApplicationName { get; set; } = "ConsentDashboard";
    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    public string ContentRootPath { get; set; } = root;
    public string EnvironmentName { get; set; } = "Benchmark";
}
