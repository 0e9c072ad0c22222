#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright cannot download its own
# browser here). Install it when it is missing and we are root; otherwise say how.
set -euo pipefail
bin="${VMASCOPE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-chromium: $bin is missing; installing Debian's chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2
else
  echo "ensure-chromium: $bin is missing. Install Debian's chromium (sudo apt-get install chromium) or set VMASCOPE_CHROMIUM." >&2
  exit 1
fi
