#!/usr/bin/env bash
# Install what the tests need (xlgen with its test extras; LibreOffice Calc, a CJK font,
# poppler and Chromium from Debian's packages when missing), then run the whole suite. Extra arguments go
# to pytest; --install-only installs and stops. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install -q -e '.[test]'

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdffonts >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei' || need+=(fonts-wqy-microhei)
fc-list 2>/dev/null | grep -qi 'Carlito' || need+=(fonts-crosextra-carlito)
# the workbench's browser tests: Debian's Chromium, driven by Playwright (which downloads no browser)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing from Debian's packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${need[@]}"
fi

if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi
exec python3 -m pytest "$@"
