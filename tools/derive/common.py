"""Shared helpers for the network derivation scripts (standard library only).

Reading CSV with line numbers, clear input errors (exit 2), GeoJSON polygons, great-circle distances,
point-in-polygon on the shared county boundaries, deterministic number formatting, atomic writes / --check
comparison and the command-line boilerplate of the derivation scripts (derive_parser, run_cli).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import tempfile
import tomllib

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


class InputError(Exception):
    """Bad input: names the file, line and field."""

    def __init__(self, path, line, field, msg):
        self.path, self.line, self.field, self.msg = path, line, field, msg
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {msg}")


def fail(path, line, field, msg):
    raise InputError(path, line, field, msg)


# ---------------------------------------------------------------- CSV input

class Row(dict):
    """A CSV row (dict) that remembers its file and line for error messages."""

    path: str = ""
    line: int = 0

    def req(self, field, *aliases):
        for f in (field,) + aliases:
            if f in self and self[f] is not None and self[f].strip() != "":
                return self[f].strip()
        fail(self.path, self.line, field, "required value is empty or the column is missing")

    def opt(self, field, *aliases, default=""):
        for f in (field,) + aliases:
            if f in self and self[f] is not None and self[f].strip() != "":
                return self[f].strip()
        return default

    def num(self, field, *aliases, required=True, positive=False):
        raw = self.req(field, *aliases) if required else self.opt(field, *aliases)
        if raw == "":
            return None
        try:
            v = float(raw)
        except ValueError:
            fail(self.path, self.line, field, f"not a number: {raw!r}")
        if not math.isfinite(v) or (positive and v <= 0):
            fail(self.path, self.line, field, f"must be a positive number: {raw!r}")
        return v


def read_csv(path, required_columns=()):
    """Read a UTF-8 CSV (BOM tolerated) into a list of Row objects carrying path and line number."""
    if not os.path.exists(path):
        fail(path, None, None, "file not found")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None:
            fail(path, 1, None, "empty file (no header row)")
        header = [h.strip() for h in reader.fieldnames]
        reader.fieldnames = header
        for col in required_columns:
            if col not in header:
                fail(path, 1, col, f"missing column (header is: {','.join(header)})")
        rows = []
        for rec in reader:
            r = Row({k: (v if v is not None else "") for k, v in rec.items() if k is not None})
            if None in rec:
                fail(path, reader.line_num, None, "more cells than header columns (unquoted comma?)")
            r.path, r.line = str(path), reader.line_num
            # skip fully blank lines and comment lines
            if all((v or "").strip() == "" for v in r.values()):
                continue
            first = next(iter(r.values()), "") or ""
            if first.lstrip().startswith("#"):
                continue
            rows.append(r)
    return rows


def read_toml(path):
    if not os.path.exists(path):
        fail(path, None, None, "file not found")
    with open(path, "rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as e:
            fail(path, None, None, f"TOML error: {e}")


# ---------------------------------------------------------------- geometry

def haversine_km(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _ring_contains(x, y, ring):
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y):
            xc = (xj - xi) * (y - yi) / (yj - yi) + xi
            if x < xc:
                inside = not inside
        j = i
    return inside


def read_geojson(path):
    """A GeoJSON file as parsed JSON (missing file or bad JSON is an input error)."""
    if not os.path.exists(path):
        fail(path, None, None, "file not found")
    with open(path, encoding="utf-8") as fh:
        try:
            return json.load(fh)
        except json.JSONDecodeError as e:
            fail(path, None, None, f"JSON error: {e}")


def feature_polygons(path, n, feat):
    """The polygons (lists of rings) of feature number n: a Polygon or MultiPolygon geometry."""
    geom = feat.get("geometry") or {}
    if geom.get("type") == "Polygon":
        return [geom["coordinates"]]
    if geom.get("type") == "MultiPolygon":
        return geom["coordinates"]
    fail(path, None, f"features[{n}].geometry.type", f"unsupported {geom.get('type')!r}")


class PolygonIndex:
    """County polygons from a GeoJSON FeatureCollection, keyed by a property (bbox prefilter + ray casting)."""

    def __init__(self, path, key="code"):
        self.items = []  # (key, props, [polygons], bbox)
        for n, feat in enumerate(read_geojson(path).get("features", [])):
            props = feat.get("properties") or {}
            if key not in props:
                fail(path, None, f"features[{n}].properties.{key}", "missing")
            polys = feature_polygons(path, n, feat)
            xs = [pt[0] for poly in polys for pt in poly[0]]
            ys = [pt[1] for poly in polys for pt in poly[0]]
            self.items.append((str(props[key]), props, polys, (min(xs), min(ys), max(xs), max(ys))))
        self.items.sort(key=lambda t: t[0])

    def containing(self, lon, lat):
        """Keys of all polygons containing the point (normally 0 or 1)."""
        out = []
        for k, _props, polys, (x0, y0, x1, y1) in self.items:
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                continue
            for poly in polys:
                if _ring_contains(lon, lat, poly[0]) and not any(_ring_contains(lon, lat, h) for h in poly[1:]):
                    out.append(k)
                    break
        return out

    def by_polygon(self, lon, lat):
        """The polygon lookup itself (a locator wrapping this index may add a fallback in `containing`)."""
        return self.containing(lon, lat)

    def props(self, key):
        for k, p, _polys, _bb in self.items:
            if k == key:
                return p
        return None


# ---------------------------------------------------------------- output

def fmt_km(v):
    return f"{v:.3f}"


def fmt_coord(v):
    return f"{v:.6f}"


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        if len(r) != len(header):
            raise AssertionError(f"row width {len(r)} != header {len(header)}: {r}")
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


class Output:
    """Collects output files; writes them atomically or compares them (--check)."""

    def __init__(self, out_dir, check=False):
        self.out_dir = out_dir
        self.check = check
        self.files = {}

    def add(self, name, text):
        self.files[name] = text

    def finish(self):
        """Returns the list of files that differ (check) or were written (write)."""
        changed = []
        for name in sorted(self.files):
            text = self.files[name]
            path = os.path.join(self.out_dir, name)
            old = None
            if os.path.exists(path):
                with open(path, encoding="utf-8", newline="") as fh:
                    old = fh.read()
            if old == text:
                continue
            changed.append(name)
            if not self.check:
                os.makedirs(self.out_dir, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix="." + name + ".", suffix=".tmp", dir=self.out_dir)
                try:
                    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                        fh.write(text)
                    os.replace(tmp, path)
                except BaseException:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
                    raise
        return changed


def log(msg):
    print(msg, file=sys.stderr)



# ---------------------------------------------------------------- command line

def derive_parser(doc, out_flag="--out", out_help="the network folder", before=()):
    """The argument parser of a derivation script: `before` ((flag, help) pairs, required), --shared, the output
    folder flag and --check."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for flag, help_text in before:
        ap.add_argument(flag, required=True, help=help_text)
    ap.add_argument("--shared", required=True, help="the shared data folder (../shared/data)")
    ap.add_argument(out_flag, required=True, help=out_help)
    ap.add_argument("--check", action="store_true", help="compare with the files on disk; write nothing")
    return ap


def run_cli(build, base=None, up_to_date="check: all derived files up to date"):
    """Run build() -> Output or [Output, ...]; write or compare the files (names relative to `base`, default the
    first output's folder). Exit code 0 ok, 1 --check found differences, 2 bad input (InputError, printed)."""
    try:
        outputs = build()
    except InputError as e:
        log(f"error: {e}")
        return 2
    if isinstance(outputs, Output):
        outputs = [outputs]
    base = outputs[0].out_dir if base is None else base
    changed = []
    for o in outputs:
        changed += [os.path.relpath(os.path.join(o.out_dir, n), base) for n in o.finish()]
    if outputs[0].check:
        if changed:
            log("differs: " + " ".join(changed))
            return 1
        log(up_to_date)
        return 0
    log(f"wrote: {' '.join(changed) if changed else '(nothing changed)'}")
    return 0
