#!/usr/bin/env bash
# The PostgreSQL figures: starts a throwaway PostgreSQL cluster with Debian's server binaries (durable: fsync and
# synchronous commit on, as a real server runs), then runs the driver (ConsentDashboard.Benchmarks/PostgreSqlLoad.cs):
# verify-log --connection on a generated log beside psql's COPY of the same columns, durable appends with one and two
# nodes, and the fan-out of one request over a million cameras.
# Usage: bash tools/postgresql-load.sh [entries, 1000000] [parts: verification,appends,fanout (all)]
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-1000000}
parts=${2:-}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=55432
work=$(mktemp -d)
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
trap 'as_postgres "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

as_postgres "$bin/initdb" -D "$work/data" -U bench --auth=trust -E UTF8 >/dev/null
as_postgres "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c max_connections=200 -c shared_buffers=512MB" start >/dev/null

dotnet build ConsentDashboard.Benchmarks -c Release --nologo -v quiet >/dev/null
dotnet ConsentDashboard.Benchmarks/bin/Release/net10.0/ConsentDashboard.Benchmarks.dll postgresql-load \
    "Host=127.0.0.1;Port=$port;Username=bench;Database=postgres" "$entries" "$bin" ${parts:+"$parts"}
