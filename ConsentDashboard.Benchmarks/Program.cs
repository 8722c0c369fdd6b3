using BenchmarkDotNet.Running;

// dotnet run -c Release --project ConsentDashboard.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(ConsentDashboard.Benchmarks.FanOutBenchmarks).Assembly).Run(args);
