#!/usr/bin/env bash
# Clip serving under load: publishes the app, starts it with the demo city on 127.0.0.1, and runs the load driver
# (ConsentDashboard.Benchmarks/ClipLoad.cs), which prints requests per second for the clip endpoint beside the app's own
# static file. Usage: bash tools/clip-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
port=5098
base="http://127.0.0.1:$port"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish ConsentDashboard -c Release -o "$work/app" --nologo -v quiet >/dev/null
dotnet build ConsentDashboard.Benchmarks -c Release --nologo -v quiet >/dev/null

mkdir -p "$work/data"
(cd "$work/app" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$base" \
    ConsentDashboard__DataFolder="$work/data" ConsentDashboard__PublicBaseUrl="$base" \
    ConsentDashboard__Smtp__Host=127.0.0.1 ConsentDashboard__Smtp__Port=2525 ConsentDashboard__Smtp__FromAddress=noreply@example.org \
    ConsentDashboard__SeedDemoData=true exec dotnet ConsentDashboard.dll >"$work/app.log" 2>&1) &
server=$!
for _ in $(seq 60); do curl -sf -o /dev/null "$base/Account/Login" && break; sleep 1; done

dotnet run -c Release --no-build --project ConsentDashboard.Benchmarks -- clip-load "$base" "$work/data"
