#!/usr/bin/env bash
# Installs what the tests need beyond cargo: headless Chromium (Debian package `chromium`) for the HTML report
# test, and shapely for the independent GeoJSON validity check. Run as root (CI runs as root); without root or
# without apt-get it says so and leaves the tests to skip with a message.
set -uo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1 \
      || echo "install-test-deps: could not install chromium; the browser test will be skipped"
  else
    echo "install-test-deps: not root or no apt-get; install the Debian package 'chromium' yourself or the browser test is skipped"
  fi
fi
if ! python3 -c 'import shapely' >/dev/null 2>&1; then
  if python3 -m pip --version >/dev/null 2>&1; then
    python3 -m pip install -q shapely >/dev/null 2>&1 || python3 -m pip install -q --break-system-packages shapely >/dev/null 2>&1 \
      || echo "install-test-deps: could not install shapely; the GeoJSON validity test will be skipped"
  elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-shapely >/dev/null 2>&1 \
      || echo "install-test-deps: could not install python3-shapely; the GeoJSON validity test will be skipped"
  fi
fi
command -v chromium >/dev/null 2>&1 && echo "install-test-deps: $(chromium --version 2>/dev/null | head -1)"
python3 -c 'import shapely; print("install-test-deps: shapely", shapely.__version__)' 2>/dev/null || true
exit 0
