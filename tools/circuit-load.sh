#!/usr/bin/env bash
# Live circuits under load: publishes the app, starts it with the demo city on 127.0.0.1, and runs the circuit driver
# (ConsentDashboard.Benchmarks/CircuitLoad.cs), which opens 100, 500, then 2,000 residents' inbox circuits and prints
# the server's managed heap and RSS per circuit (heap snapshots by dotnet-gcdump) and the p50/p95 of a UI event, then
# times every inbox's reload after one notice. Usage: bash tools/circuit-load.sh [steps, such as 10,50]
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet tool restore >/dev/null
dotnet build ConsentDashboard.Benchmarks -c Release --nologo -v quiet >/dev/null
port=5097
source tools/demo-app.sh

gcdump="$work/dotnet-gcdump"
printf '#!/usr/bin/env bash\ncd %q && exec dotnet tool run dotnet-gcdump "$@"\n' "$PWD" > "$gcdump"
chmod +x "$gcdump"
dotnet run -c Release --no-build --project ConsentDashboard.Benchmarks -- circuit-load "$base" "$server" "$gcdump" "$work/data" "$@"
