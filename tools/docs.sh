#!/usr/bin/env bash
# Regenerates the figures in docs/ that README.md shows. Run from the repository root: bash tools/docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
r=target/release/ringsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 中原: rings maps, minutes saved, the as-built chart, validation and completion orders
$r plot scenarios/asbuilt-2016.toml --out docs/zhongyuan-asbuilt-2016.png
$r plot scenarios/asbuilt-2025.toml --out docs/zhongyuan-asbuilt-2025.png --geojson docs/zhongyuan-asbuilt-2025-bands.geojson
$r plot scenarios/asbuilt-2025.toml --diff scenarios/asbuilt-2016.toml --out docs/zhongyuan-saved-2016-2025.png
$r plot scenarios/full-buildout.toml --out docs/zhongyuan-full-buildout.png
$r plot scenarios/asbuilt-2025.toml --measure door --out docs/zhongyuan-asbuilt-2025-door.png
$r chart scenarios/asbuilt-20*.toml --out docs/zhongyuan-asbuilt-chart.png
$r chart scenarios/base-2016.toml scenarios/plan-2020.toml scenarios/plan-2025.toml scenarios/full-buildout.toml --out docs/zhongyuan-plans-chart.png
$r validate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv --physics --plot docs/zhongyuan-validation-2020.png
$r order scenarios/orders/zhongyuan-hsr.toml --out "$tmp/order"
cp "$tmp/order/zhongyuan-hsr/order_chart.png" docs/zhongyuan-order-hsr.png
cp "$tmp/order/zhongyuan-hsr/actual_by_date.png" docs/zhongyuan-order-actual-by-date.png
$r indicators scenarios/asbuilt-2016.toml --compare scenarios/asbuilt-2025.toml --nodes counties --measure door --map docs/zhongyuan-watt-2016-2025.png
# the other regions
$r plot scenarios/changjiang/asbuilt-2025.toml --out docs/changjiang-asbuilt-2025.png
$r matrix scenarios/changjiang/asbuilt-2025.toml --roles core,metro,node,member-2015 --within 120 --plot docs/changjiang-pairs-2025.png >/dev/null
$r matrix scenarios/changjiang/buildout.toml --roles core,metro,node,member-2015 --within 120 --plot docs/changjiang-pairs-buildout.png >/dev/null
$r plot scenarios/guanzhong/asbuilt-2025-yuncheng.toml --out docs/guanzhong-asbuilt-2025-yuncheng.png
$r plot scenarios/zhengkai/asbuilt-2025.toml --cell-km 1 --out docs/zhengkai-asbuilt-2025.png
# the HTML report and its screenshot (needs the Debian package chromium: bash tools/install-test-deps.sh)
$r report scenarios/asbuilt-2025.toml --compare scenarios/asbuilt-2016.toml --out "$tmp/report.html"
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$tmp/chromium" --hide-scrollbars --window-size=1200,2600 \
    --screenshot="$PWD/docs/zhongyuan-report-2025.png" "file://$tmp/report.html" 2>/dev/null
else
  echo "note: chromium not found; docs/zhongyuan-report-2025.png not regenerated"
fi
