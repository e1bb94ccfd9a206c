#!/usr/bin/env bash
# Installs what two tests need beyond cargo: headless Chromium (the Debian package `chromium`) for the HTML report
# test, and shapely (pip, or the Debian package python3-shapely) for the independent GeoJSON validity check.
# Run as root (CI does: .ci/run calls this script). Where something cannot be installed it says so, and the test
# that needs it is skipped with a message; the script itself never fails the build.
set -uo pipefail
is_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
updated=
apt_install() {  # apt_install PACKAGE: quiet, non-interactive, with one apt-get update first
  is_root || return 1
  if [ -z "$updated" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1
}
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium || echo "install-test-deps: could not install the Debian package chromium (not root, or no apt-get); the browser test will be skipped"
fi
if ! python3 -c 'import shapely' >/dev/null 2>&1; then
  python3 -m pip install -q shapely >/dev/null 2>&1 \
    || python3 -m pip install -q --break-system-packages shapely >/dev/null 2>&1 \
    || apt_install python3-shapely \
    || echo "install-test-deps: could not install shapely; the GeoJSON validity test will be skipped"
fi
command -v chromium >/dev/null 2>&1 && echo "install-test-deps: $(chromium --version 2>/dev/null | head -1)"
python3 -c 'import shapely; print("install-test-deps: shapely", shapely.__version__)' 2>/dev/null || true
exit 0
