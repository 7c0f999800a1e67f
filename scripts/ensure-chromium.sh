#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (`npx playwright install` cannot download
# here). Installs it when missing and we are allowed to; otherwise says what to do.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "bacuda: installing Debian chromium for the browser tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
  exit 0
fi
if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
  exit 0
fi
echo "bacuda: /usr/bin/chromium is missing and cannot be installed here (need root or sudo):" >&2
echo "        apt-get install chromium    — browser tests will fail without it" >&2
exit 0
