#!/usr/bin/env bash
# Live circuits under load: publishes the app, starts it with the demo city on 127.0.0.1, and runs the circuit driver
# (ConsentDashboard.Benchmarks/CircuitLoad.cs), which opens 100, 500, then 2,000 residents' inbox circuits and prints
# the server's managed heap and RSS per circuit (heap snapshots by dotnet-gcdump) and the p50/p95 of a UI event.
# Usage: bash tools/circuit-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
port=5097
base="http://127.0.0.1:$port"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet tool restore >/dev/null
dotnet publish ConsentDashboard -c Release -o "$work/app" --nologo -v quiet >/dev/null
dotnet build ConsentDashboard.Benchmarks -c Release --nologo -v quiet >/dev/null

mkdir -p "$work/data"
cd "$work/app"
ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$base" \
    ConsentDashboard__DataFolder="$work/data" ConsentDashboard__PublicBaseUrl="$base" \
    ConsentDashboard__Smtp__Host=127.0.0.1 ConsentDashboard__Smtp__Port=2525 ConsentDashboard__Smtp__FromAddress=noreply@example.org \
    ConsentDashboard__SeedDemoData=true dotnet ConsentDashboard.dll >"$work/app.log" 2>&1 &
server=$!
cd - >/dev/null
for _ in $(seq 60); do curl -sf -o /dev/null "$base/Account/Login" && break; sleep 1; done

gcdump="$work/dotnet-gcdump"
printf '#!/usr/bin/env bash\ncd %q && exec dotnet tool run dotnet-gcdump "$@"\n' "$PWD" > "$gcdump"
chmod +x "$gcdump"
dotnet run -c Release --no-build --project ConsentDashboard.Benchmarks -- circuit-load "$base" "$server" "$gcdump" "$work/data" "$@"
