#!/usr/bin/env bash
# Lighthouse (mobile: simulated slow 4G and a 4x slower CPU) on the published Release build in Production mode, for the
# sign-in page, a resident's inbox and request page and the auditor's log, signed in through the real form
# (tools/lighthouse.mjs). Needs Node.js and npm (Lighthouse is installed into a temporary folder) and Debian's chromium.
# Prints one line per page: performance, accessibility, best practices, requests and kilobytes transferred.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
port=5099
base="http://localhost:$port"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

npm install --silent --no-audit --no-fund --prefix "$work/lh" lighthouse@13.5.0 >/dev/null
dotnet publish ConsentDashboard -c Release -o "$work/app" --nologo -v quiet >/dev/null

mkdir -p "$work/data"
(cd "$work/app" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ConsentDashboard__DataFolder="$work/data" ConsentDashboard__PublicBaseUrl="$base" \
    ConsentDashboard__Smtp__Host=127.0.0.1 ConsentDashboard__Smtp__Port=2525 ConsentDashboard__Smtp__FromAddress=noreply@example.org \
    ConsentDashboard__SeedDemoData=true exec dotnet ConsentDashboard.dll >"$work/app.log" 2>&1) &
server=$!
for _ in $(seq 60); do curl -sf -o /dev/null "$base/Account/Login" && break; sleep 1; done

node tools/lighthouse.mjs "$base" "$work/lh"
