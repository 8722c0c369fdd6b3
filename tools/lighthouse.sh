#!/usr/bin/env bash
# Lighthouse (mobile: simulated slow 4G and a 4x slower CPU) on the published Release build in Production mode, for the
# sign-in page, a resident's inbox and request page and the auditor's log, signed in through the real form
# (tools/lighthouse.mjs). Needs Node.js and npm (Lighthouse is installed into a temporary folder) and Debian's chromium.
# Prints one line per page: performance, accessibility, best practices, requests and kilobytes transferred.
set -euo pipefail
cd "$(dirname "$0")/.."

port=5099
base_host=localhost
source tools/demo-app.sh
npm install --silent --no-audit --no-fund --prefix "$work/lh" lighthouse@13.5.0 >/dev/null

node tools/lighthouse.mjs "$base" "$work/lh"
