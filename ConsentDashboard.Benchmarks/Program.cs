using BenchmarkDotNet.Running;

// dotnet run -c Release --project ConsentDashboard.Benchmarks -- --filter '*'
// dotnet run -c Release --project ConsentDashboard.Benchmarks -- append-load
// dotnet run -c Release --project ConsentDashboard.Benchmarks -- verify-command 1000000
// bash tools/postgresql-load.sh [entries] [parts] (starts a PostgreSQL cluster, then runs: postgresql-load <connection string> <entries> <PostgreSQL bin folder> [verification,appends,fanout])
// bash tools/clip-load.sh (starts the app, then runs: clip-load <base address> <data folder>)
// bash tools/circuit-load.sh (starts the app, then runs: circuit-load <base address> <server pid> <dotnet-gcdump> <data folder> [steps])
switch (args)
{
    case ["verify-command", var entries]:
        await ConsentDashboard.Benchmarks.VerifyCommand.RunAsync(int.Parse(entries, System.Globalization.CultureInfo.InvariantCulture));
        return;
    case ["postgresql-load", var connectionString, var entries, var postgresBin, .. var parts]:
        await ConsentDashboard.Benchmarks.PostgreSqlLoad.RunAsync(
            connectionString, int.Parse(entries, System.Globalization.CultureInfo.InvariantCulture), postgresBin, parts is [var partList] ? partList.Split(',') : []);
        return;
    case ["append-load"]:
        await ConsentDashboard.Benchmarks.AppendLoad.RunAsync();
        return;
    case ["clip-load", var baseAddress, var dataFolder]:
        await ConsentDashboard.Benchmarks.ClipLoad.RunAsync(baseAddress, dataFolder);
        return;
    case ["circuit-load", var baseAddress, var serverPid, var gcdump, var dataFolder, .. var steps]:
        await ConsentDashboard.Benchmarks.CircuitLoad.RunAsync(baseAddress, int.Parse(serverPid, System.Globalization.CultureInfo.InvariantCulture), gcdump, dataFolder,
            steps is [var list] ? list.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null);
        return;
}

BenchmarkSwitcher.FromAssembly(typeof(ConsentDashboard.Benchmarks.FanOutBenchmarks).Assembly).Run(args);
