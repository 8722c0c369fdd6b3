using BenchmarkDotNet.Running;

// dotnet run -c Release --project ConsentDashboard.Benchmarks -- --filter '*'
// dotnet run -c Release --project ConsentDashboard.Benchmarks -- append-load
// bash tools/clip-load.sh (starts the app, then runs: clip-load <base address> <data folder>)
switch (args)
{
    case ["append-load"]:
        await ConsentDashboard.Benchmarks.AppendLoad.RunAsync();
        return;
    case ["clip-load", var baseAddress, var dataFolder]:
        await ConsentDashboard.Benchmarks.ClipLoad.RunAsync(baseAddress, dataFolder);
        return;
}

BenchmarkSwitcher.FromAssembly(typeof(ConsentDashboard.Benchmarks.FanOutBenchmarks).Assembly).Run(args);
