# Sourced by the measuring scripts: publishes the app (Release) into a temporary folder and starts it in Production
# with the demo city on 127.0.0.1:$port, then waits until it answers. Sets $work (removed on exit), $base (the address,
# by the name in $base_host if set, such as localhost) and $server (the app's process id, stopped on exit).
work=$(mktemp -d)
base="http://${base_host:-127.0.0.1}:$port"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish ConsentDashboard -c Release -o "$work/app" --nologo -v quiet >/dev/null

mkdir -p "$work/data"
(cd "$work/app" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ConsentDashboard__DataFolder="$work/data" ConsentDashboard__PublicBaseUrl="$base" \
    ConsentDashboard__Smtp__Host=127.0.0.1 ConsentDashboard__Smtp__Port=2525 ConsentDashboard__Smtp__FromAddress=noreply@example.org \
    ConsentDashboard__SeedDemoData=true exec dotnet ConsentDashboard.dll >"$work/app.log" 2>&1) &
server=$!
for _ in $(seq 60); do curl -sf -o /dev/null "$base/Account/Login" && break; sleep 1; done
