#!/usr/bin/env bash
# What both ./run.sh and ./test.sh need on a fresh Debian machine besides the .NET 10 SDK:
# curl (readiness checks) and Chromium (tests/Credits.BrowserTests drive Debian's /usr/bin/chromium
# headless through Playwright; no browser is downloaded), node 18+ and npm (the TypeScript SDK in
# clients/typescript is built and tested with node's test runner). PostgreSQL and RabbitMQ are installed by
# scripts/services.sh.
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (dotnet on PATH)." >&2
  exit 1
fi
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Debian's nodejs (bookworm has 18) when node is missing or older than the SDK's engines.node (>= 18).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ] || ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dotnet tool restore >/dev/null
