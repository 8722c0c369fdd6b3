#!/usr/bin/env bash
# Clip serving under load: publishes the app, starts it with the demo city on 127.0.0.1, and runs the load driver
# (ConsentDashboard.Benchmarks/ClipLoad.cs), which prints requests per second for the clip endpoint beside the app's own
# static file. Usage: bash tools/clip-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build ConsentDashboard.Benchmarks -c Release --nologo -v quiet >/dev/null
port=5098
source tools/demo-app.sh

dotnet run -c Release --no-build --project ConsentDashboard.Benchmarks -- clip-load "$base" "$work/data"
