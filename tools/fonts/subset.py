#!/usr/bin/env python3
"""Make assets/fonts/wqy-microhei-subset.ttf, the only font ringsim draws with (plotters, ab_glyph).

Source font: WenQuanYi Micro Hei 0.2.0-beta (Debian package fonts-wqy-microhei 0.2.0-beta-3.1, file
wqy-microhei.ttc, face 0), dual-licensed Apache-2.0 / GPL-3 with font exception; ringsim uses it under Apache-2.0
(assets/fonts/LICENSE-wqy-microhei.txt).

Glyphs kept: printable ASCII, Latin-1 punctuation, a few symbols ringsim prints (– — · × ≤ ≥ → −), and every
character of every place, prefecture and station name in China in ../shared/data (admin points, census units,
12306 stations), plus every non-ASCII character in the project's own text files (networks/, scenarios/, seeds/,
src/), so that any bundled or future network of China draws its labels. tests/font.rs checks that every name in
the bundled networks has a glyph.

Usage (needs `pip install fonttools` and the .deb unpacked; not run by CI, the subset is committed):
    apt-get download fonts-wqy-microhei && dpkg-deb -x fonts-wqy-microhei_*.deb /tmp/wqy
    python3 tools/fonts/subset.py --ttc /tmp/wqy/usr/share/fonts/truetype/wqy/wqy-microhei.ttc --shared ../shared/data
"""
import argparse
import csv
import os
import subprocess
import sys

EXTRA = "–—·×≤≥→−…“”‘’，。、：；（）《》【】％～"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ttc", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", default="assets/fonts/wqy-microhei-subset.ttf")
    a = ap.parse_args()
    chars = set(chr(c) for c in range(0x20, 0x7F)) | set(chr(c) for c in range(0xA0, 0x100)) | set(EXTRA)
    sources = [
        ("admin-points/admin_points_all_china.csv", "name"),
        ("census2020/population_2020_county.csv", "NAME"),
        ("rail-stations/stations_12306.csv", "name"),
        ("rail-stations/stations_12306.csv", "city"),
    ]
    for path, col in sources:
        with open(os.path.join(a.shared, path), encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                chars.update(row.get(col) or "")
    for top in ("networks", "scenarios", "seeds", "src"):
        for root, _dirs, files in os.walk(top):
            for name in sorted(files):
                if name.endswith((".csv", ".toml", ".rs", ".md")):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        chars.update(ch for ch in f.read() if ord(ch) > 0x7F)
    chars = sorted(ch for ch in chars if ch.isprintable())
    text = "".join(chars)
    subprocess.run([sys.executable, "-m", "fontTools.subset", a.ttc, "--font-number=0", f"--text={text}",
                    "--layout-features=", "--no-hinting", "--desubroutinize", f"--output-file={a.out}"], check=True)
    print(f"{a.out}: {len(chars)} characters, {os.path.getsize(a.out)} bytes")


if __name__ == "__main__":
    main()
