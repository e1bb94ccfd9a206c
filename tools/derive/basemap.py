#!/usr/bin/env python3
"""Derive simplified basemap layers (province and prefecture outlines) for one network.

    python3 tools/derive/basemap.py --shared ../shared/data --network networks/zhongyuan [--check]

Inputs:  <shared>/boundaries/provinces_wgs84.geojson (31 provinces, tudigong/CTAmap 2021, property `code` only),
         <shared>/boundaries/prefectures_8prov_wgs84.geojson (prefectures of 豫 晋 冀 鲁 皖 陕 鄂 苏, Aliyun DataV 2025),
         <shared>/admin-points/admin_points_all_china.csv (province names, level=province),
         <network>/places.csv (lon, lat, kind).
Outputs: <network>/basemap/provinces.geojson and <network>/basemap/prefectures.geojson, byte-for-byte deterministic.

Rules:
- Extent: the bounding box of the network's places.csv rows whose `kind` is not `outside`, padded by
  BBOX_PAD_DEG (1.0°) on every side (network.toml's bbox is not used: it includes far-away outside stations).
- Selection: every feature whose (unsimplified) geometry intersects that box, kept whole (not clipped), so the
  neighbours around the region show.
- Prefectures exist only for the 8 provinces of prefectures_8prov. A selected province outside them gets its
  province outline only (counties_8prov covers the same 8 provinces, so it cannot fill the gap); the script
  lists such provinces in its summary.
- Snapping: before anything else, vertices of different features lying within SNAP_DEG (0.0001°, ≈11 m) of each
  other are merged (each cluster becomes its smallest coordinate). The DataV prefecture file digitised each
  province apart, so interprovincial prefecture borders carry near-twin vertices 1e-6..1e-4° apart (3,164 vertices
  moved); the CTAmap province file already shares exact vertices (none moved).
- Simplification: Douglas–Peucker in plain lon/lat degrees, tolerance TOLERANCE_DEG = 0.01° (≈1.1 km north-south,
  ≈0.9 km east-west at 34°N). It runs on arcs, not on whole rings: a vertex where the neighbourhood changes
  (a junction: a vertex that occurs with different neighbour pairs in the layer) splits the rings into arcs, and
  each arc is simplified once in a canonical direction over the whole source layer, so a border shared by two
  neighbours (or a hole and the enclave filling it) simplifies identically on both sides, and the same feature
  looks the same in every network. Where two neighbours' source borders differ by more than SNAP_DEG, their arcs
  are pinned at the shared junctions on both sides, so the residual slivers are bounded by the source mismatch.
  Rings without junctions (islands) start at their smallest vertex. Then, over the whole layer, the tolerance of
  every arc involved in a crossing within one polygon (ring with itself or with its holes) is halved until no
  crossing is left (3 province arcs, 2 prefecture arcs; the summary prints the counts). Crossings between
  different features are not checked (none found by sampling).
- The two layers come from different sources (CTAmap 2021 vs DataV 2025): a province edge and its prefectures'
  outer edges do not coincide exactly (Henan, before simplification: median 0.1 km, 90th percentile 0.4 km,
  max 1.1 km apart).
- Rings whose unsimplified area is below MIN_RING_AREA_DEG2 (0.001 deg², ≈10 km²) are dropped (small islands,
  exclaves and holes; a dropped exterior drops its holes, leaving a small gap; a dropped hole leaves the enclave
  overlapping its host, unless the enclave is dropped as well). A ring that simplification would shrink below 4
  points (3 distinct) is re-simplified on its own at half the tolerance until it has 4 (breaks the shared-arc
  identity for that ring only; counted in the summary; none at present).
- Coordinates rounded to 5 decimals (≈1 m); exterior rings counter-clockwise, holes clockwise (RFC 7946).
- Properties: `code` (6-digit adcode, string), `name` (Chinese); prefectures also `province` (Chinese name).
  Features sorted by code; one feature per line.
Exit codes: 0 ok, 1 --check found differences, 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import InputError, Output, fail, log, read_csv  # noqa: E402

PROVINCES = "boundaries/provinces_wgs84.geojson"
PREFECTURES = "boundaries/prefectures_8prov_wgs84.geojson"
ADMIN = "admin-points/admin_points_all_china.csv"

BBOX_PAD_DEG = 1.0
TOLERANCE_DEG = 0.01
MIN_RING_AREA_DEG2 = 0.001
SNAP_DEG = 0.0001
DECIMALS = 5


# ------------------------------------------------------------------------------------------------ input

def load_layer(path):
    """Features as (props, polygons); polygons = [[ring, ...], ...], ring = open list of (lon, lat) tuples."""
    if not os.path.exists(path):
        fail(path, None, None, "file not found")
    with open(path, encoding="utf-8") as fh:
        try:
            gj = json.load(fh)
        except json.JSONDecodeError as e:
            fail(path, None, None, f"JSON error: {e}")
    out = []
    for n, feat in enumerate(gj.get("features", [])):
        geom = feat.get("geometry") or {}
        if geom.get("type") == "Polygon":
            polys = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["coordinates"]
        else:
            fail(path, None, f"features[{n}].geometry.type", f"unsupported {geom.get('type')!r}")
        clean = []
        for poly in polys:
            rings = []
            for ring in poly:
                pts = []
                for p in ring:
                    t = (float(p[0]), float(p[1]))
                    if not pts or pts[-1] != t:
                        pts.append(t)
                if len(pts) > 1 and pts[0] == pts[-1]:
                    pts.pop()
                if len(pts) < 3:
                    fail(path, None, f"features[{n}]", "ring with fewer than 3 distinct points")
                rings.append(pts)
            clean.append(rings)
        out.append((feat.get("properties") or {}, clean))
    return out


def region_bbox(places_path):
    rows = read_csv(places_path, required_columns=("kind", "lon", "lat"))
    pts = [(r.num("lon"), r.num("lat")) for r in rows if r.req("kind") != "outside"]
    if not pts:
        fail(places_path, None, "kind", "no row whose kind is not 'outside'")
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs) - BBOX_PAD_DEG, min(ys) - BBOX_PAD_DEG, max(xs) + BBOX_PAD_DEG, max(ys) + BBOX_PAD_DEG), len(pts)


# ------------------------------------------------------------------------------------------------ geometry

def signed_area(ring):
    """Shoelace area in deg² of an open ring; > 0 when counter-clockwise."""
    s = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        s += x1 * y2 - x2 * y1
    return s / 2.0


def ring_contains(x, y, ring):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _segments_cross(a, b, c, d):
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    def on_seg(p, q, r):
        return min(p[0], r[0]) <= q[0] <= max(p[0], r[0]) and min(p[1], r[1]) <= q[1] <= max(p[1], r[1])

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and on_seg(a, c, b)) or (o2 == 0 and on_seg(a, d, b)) or (o3 == 0 and on_seg(c, a, d))
            or (o4 == 0 and on_seg(c, b, d)))


def intersects_bbox(polys, bbox):
    """True when the area of the polygons meets the box (vertex inside, edge crossing, or box inside)."""
    x0, y0, x1, y1 = bbox
    xs = [p[0] for poly in polys for p in poly[0]]
    ys = [p[1] for poly in polys for p in poly[0]]
    if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
        return False
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    box_edges = [(corners[i], corners[(i + 1) % 4]) for i in range(4)]
    for poly in polys:
        for ring in poly:
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in ring):
                return True
            n = len(ring)
            for i in range(n):
                a, b = ring[i], ring[(i + 1) % n]
                if max(a[0], b[0]) < x0 or min(a[0], b[0]) > x1 or max(a[1], b[1]) < y0 or min(a[1], b[1]) > y1:
                    continue
                if any(_segments_cross(a, b, c, d) for c, d in box_edges):
                    return True
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if ring_contains(cx, cy, poly[0]) and not any(ring_contains(cx, cy, h) for h in poly[1:]):
            return True
    return False


def _seg_dist2(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    L = dx * dx + dy * dy
    if L == 0.0:
        t = 0.0
    else:
        t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L))
    ex, ey = ax + t * dx - p[0], ay + t * dy - p[1]
    return ex * ex + ey * ey


def douglas_peucker(pts, tol):
    """Keep both ends; keep the farthest point (first on ties) while it is farther than tol from the chord."""
    n = len(pts)
    if n <= 2:
        return list(pts)
    keep = [False] * n
    keep[0] = keep[-1] = True
    tol2 = tol * tol
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, bi = -1.0, -1
        a, b = pts[i], pts[j]
        for k in range(i + 1, j):
            d = _seg_dist2(pts[k], a, b)
            if d > best:
                best, bi = d, k
        if bi >= 0 and best > tol2:
            keep[bi] = True
            stack.append((i, bi))
            stack.append((bi, j))
    return [p for p, k in zip(pts, keep) if k]


def snap_layer(features, eps):
    """Merge vertices of different features that lie within eps of each other (union-find; each cluster becomes
    its smallest coordinate). Neighbouring provinces of the DataV prefecture file were digitised apart: their common
    border has near-twin vertices 1e-6..1e-4° apart instead of identical ones. Returns (features, moved count)."""
    owner = {}
    for n, (_props, polys) in enumerate(features):
        for poly in polys:
            for ring in poly:
                for v in ring:
                    owner.setdefault(v, set()).add(n)
    grid = {}
    for v in owner:
        grid.setdefault((math.floor(v[0] / eps), math.floor(v[1] / eps)), []).append(v)
    parent = {}

    def find(v):
        while parent.get(v, v) != v:
            v = parent[v]
        return v

    for v in sorted(owner):
        gx, gy = math.floor(v[0] / eps), math.floor(v[1] / eps)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for q in grid.get((gx + dx, gy + dy), ()):
                    if q <= v or not (owner[q] - owner[v] or owner[v] - owner[q]):
                        continue
                    if (q[0] - v[0]) ** 2 + (q[1] - v[1]) ** 2 <= eps * eps:
                        a, b = find(v), find(q)
                        if a != b:
                            parent[max(a, b)] = min(a, b)
    moved = sum(1 for v in owner if find(v) != v)
    out = []
    for props, polys in features:
        npolys = []
        for poly in polys:
            nrings = []
            for ring in poly:
                r = []
                for v in ring:
                    t = find(v)
                    if not r or r[-1] != t:
                        r.append(t)
                while len(r) > 1 and r[0] == r[-1]:
                    r.pop()
                nrings.append(r if len(set(r)) >= 3 else ring)
            npolys.append(nrings)
        out.append((props, npolys))
    return out, moved


def _proper_cross(a, b, c, d):
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def crossings(rings):
    """Pairs of (ring, segment) indices whose segments cross properly (touching at vertices is allowed)."""
    segs = []
    for k, r in enumerate(rings):
        n = len(r)
        for i in range(n):
            a, b = r[i], r[(i + 1) % n]
            segs.append((min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]), k, i, a, b))
    segs.sort(key=lambda t: (t[0], t[4], t[5]))
    active = []
    out = []
    for s in segs:
        active = [t for t in active if t[1] >= s[0]]
        for t in active:
            if t[2] > s[3] or s[2] > t[3]:
                continue
            if t[4] == s[4]:
                n = len(rings[s[4]])
                if abs(t[5] - s[5]) in (1, n - 1):
                    continue
            if _proper_cross(t[6], t[7], s[6], s[7]):
                out.append(((t[4], t[5]), (s[4], s[5])))
        active.append(s)
    return out


def kept_polygons(polys, stats=None):
    """The rings that survive the area threshold: [[exterior, holes...], ...] (a dropped exterior drops its holes)."""
    res = []
    for poly in polys:
        if abs(signed_area(poly[0])) < MIN_RING_AREA_DEG2:
            if stats is not None:
                stats["dropped"] += len(poly)
            continue
        rings = [poly[0]]
        for ring in poly[1:]:
            if abs(signed_area(ring)) < MIN_RING_AREA_DEG2:
                if stats is not None:
                    stats["dropped"] += 1
                continue
            rings.append(ring)
        res.append(rings)
    return res


class ArcSimplifier:
    """Douglas–Peucker on the arcs of a whole layer, so shared borders simplify identically on both sides.

    settle() then halves the tolerance of the arcs involved in a crossing (within one polygon: a ring crossing
    itself or its holes) until no crossing is left, over the whole layer, before any feature is written."""

    MAX_ROUNDS = 12

    def __init__(self, features, tol):
        self.tol = tol
        pairs = {}
        for _props, polys in features:
            for poly in polys:
                for ring in poly:
                    n = len(ring)
                    for i, p in enumerate(ring):
                        a, b = ring[i - 1], ring[(i + 1) % n]
                        pairs.setdefault(p, set()).add((a, b) if a <= b else (b, a))
        self.junctions = {p for p, s in pairs.items() if len(s) > 1}
        self.cache = {}
        self.arc_tol = {}
        self.fallback_rings = set()
        self.settle([polys for _props, polys in features])

    def _arc(self, arc):
        fwd = tuple(arc)
        rev = fwd[::-1]
        canon = min(fwd, rev)
        s = self.cache.get(canon)
        if s is None:
            s = douglas_peucker(canon, self.arc_tol.get(canon, self.tol))
            self.cache[canon] = s
        return (list(s) if canon == fwd else list(reversed(s))), canon

    def ring_with_arcs(self, ring):
        """Simplified open ring and, per output segment i (point i to i+1), the canonical arc it comes from
        (None for a ring re-simplified alone)."""
        n = len(ring)
        idx = [i for i, p in enumerate(ring) if p in self.junctions]
        if not idx:
            start = min(range(n), key=lambda i: ring[i])
            rot = ring[start:] + ring[:start]
            cuts = [0, n]
        else:
            rot = ring[idx[0]:] + ring[:idx[0]]
            cuts = [i - idx[0] for i in idx] + [n]
        rot = rot + [rot[0]]
        out, keys = [], []
        for a, b in zip(cuts, cuts[1:]):
            pts, canon = self._arc(rot[a:b + 1])
            out.extend(pts[:-1])
            keys.extend([canon] * (len(pts) - 1))
        if len(set(out)) >= 3:
            return out, keys
        self.fallback_rings.add(tuple(ring))
        tol = self.tol
        while True:
            tol /= 2
            out = douglas_peucker(ring + [ring[0]], tol)[:-1]
            if len(set(out)) >= 3 or len(out) == n:
                return out, [None] * len(out)

    def ring(self, ring):
        return self.ring_with_arcs(ring)[0]

    def settle(self, layer):
        self.rounds = 0
        self.tightened = set()
        for _ in range(self.MAX_ROUNDS):
            changed = False
            for polys in layer:
                for poly in kept_polygons(polys):
                    res = [self.ring_with_arcs(r) for r in poly]
                    bad = set()
                    for (k1, i1), (k2, i2) in crossings([r for r, _keys in res]):
                        bad.add(res[k1][1][i1])
                        bad.add(res[k2][1][i2])
                    bad.discard(None)
                    for canon in sorted(bad):
                        t = self.arc_tol.get(canon, self.tol) / 2
                        if t < self.tol / 1024:
                            continue
                        self.arc_tol[canon] = t
                        self.cache.pop(canon, None)
                        self.tightened.add(canon)
                        changed = True
            self.rounds += 1
            if not changed:
                break
        self.remaining = sum(len(crossings([self.ring(r) for r in poly]))
                             for polys in layer for poly in kept_polygons(polys))


def round_ring(ring):
    out = []
    for x, y in ring:
        t = (round(x, DECIMALS), round(y, DECIMALS))
        if not out or out[-1] != t:
            out.append(t)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def simplify_feature(polys, simp, stats):
    """Simplified, rounded, oriented polygons (list of [exterior, holes...], closed rings)."""
    res = []
    for poly in kept_polygons(polys, stats):
        rings = []
        for k, ring in enumerate(poly):
            r = round_ring(simp.ring(ring))
            if len(set(r)) < 3:  # rounding collapsed it (cannot happen above the area threshold; be safe)
                r = round_ring(ring)
            area = signed_area(r)
            if (k == 0 and area < 0) or (k > 0 and area > 0):
                r.reverse()
            rings.append(r + [r[0]])
        res.append(rings)
    return res


# ------------------------------------------------------------------------------------------------ output

def fmt(v):
    s = f"{v:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def geometry_json(polys):
    def ring_s(r):
        return "[" + ",".join(f"[{fmt(x)},{fmt(y)}]" for x, y in r) + "]"

    def poly_s(p):
        return "[" + ",".join(ring_s(r) for r in p) + "]"

    if len(polys) == 1:
        return '{"type":"Polygon","coordinates":' + poly_s(polys[0]) + "}"
    return '{"type":"MultiPolygon","coordinates":[' + ",".join(poly_s(p) for p in polys) + "]}"


def collection_text(name, source, bbox, feats):
    """feats: list of (props dict, polygons); deterministic, one feature per line."""
    head = {"type": "FeatureCollection", "name": name, "source": source,
            "selection_bbox": [float(fmt(v)) for v in bbox]}
    lines = []
    for props, polys in feats:
        lines.append('{"type":"Feature","properties":' + json.dumps(props, ensure_ascii=False, separators=(",", ":"))
                     + ',"geometry":' + geometry_json(polys) + "}")
    h = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return h[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def layer_stats(feats):
    rings = sum(len(p) for _pr, polys in feats for p in polys)
    points = sum(len(r) for _pr, polys in feats for p in polys for r in p)
    return rings, points


# ------------------------------------------------------------------------------------------------ main

def build(shared, network, check):
    bbox, nplaces = region_bbox(os.path.join(network, "places.csv"))
    log(f"{network}: bbox of {nplaces} non-outside places padded by {BBOX_PAD_DEG}°: "
        f"[{bbox[0]:.4f}, {bbox[1]:.4f}, {bbox[2]:.4f}, {bbox[3]:.4f}]")

    admin_path = os.path.join(shared, ADMIN)
    prov_names = {}
    for r in read_csv(admin_path, required_columns=("adcode", "name", "level")):
        if r.req("level") == "province":
            prov_names[r.req("adcode")] = r.req("name")

    method = (f"derived:tools/derive/basemap.py (features meeting the bbox of the non-outside places + "
              f"{BBOX_PAD_DEG}°, kept whole; Douglas–Peucker on shared arcs, tolerance {TOLERANCE_DEG}°; rings < "
              f"{MIN_RING_AREA_DEG2} deg² dropped; {DECIMALS} decimals; RFC 7946 winding)")

    # ---- provinces
    ppath = os.path.join(shared, PROVINCES)
    provs = load_layer(ppath)
    provs_snapped, pmoved = snap_layer(provs, SNAP_DEG)
    psimp = ArcSimplifier(provs_snapped, TOLERANCE_DEG)
    pstats = {"dropped": 0}
    pout = []
    for n, ((props, polys), (_p, spolys)) in enumerate(zip(provs, provs_snapped)):
        if "code" not in props:
            fail(ppath, None, f"features[{n}].properties.code", "missing")
        code = str(props["code"])
        if not intersects_bbox(polys, bbox):
            continue
        if code not in prov_names:
            fail(admin_path, None, "adcode", f"no province row for {code}")
        pout.append(({"code": code, "name": prov_names[code]}, simplify_feature(spolys, psimp, pstats)))
    pout.sort(key=lambda t: t[0]["code"])

    # ---- prefectures
    fpath = os.path.join(shared, PREFECTURES)
    prefs = load_layer(fpath)
    prefs_snapped, fmoved = snap_layer(prefs, SNAP_DEG)
    fsimp = ArcSimplifier(prefs_snapped, TOLERANCE_DEG)
    fstats = {"dropped": 0}
    fout = []
    covered = set()
    for n, ((props, polys), (_p, spolys)) in enumerate(zip(prefs, prefs_snapped)):
        for key in ("adcode", "name", "province_adcode"):
            if key not in props:
                fail(fpath, None, f"features[{n}].properties.{key}", "missing")
        pc = str(props["province_adcode"])
        covered.add(pc)
        if not intersects_bbox(polys, bbox):
            continue
        if pc not in prov_names:
            fail(admin_path, None, "adcode", f"no province row for {pc}")
        fout.append(({"code": str(props["adcode"]), "name": props["name"], "province": prov_names[pc]},
                     simplify_feature(spolys, fsimp, fstats)))
    fout.sort(key=lambda t: t[0]["code"])

    missing = [p for p in pout if p[0]["code"] not in covered]

    out = Output(os.path.join(network, "basemap"), check=check)
    texts = {
        "provinces.geojson": collection_text(
            "provinces", f"shared:boundaries/provinces_wgs84.geojson ; shared:{ADMIN} (names, level=province) ; "
            + method, bbox, pout),
        "prefectures.geojson": collection_text(
            "prefectures", f"shared:boundaries/prefectures_8prov_wgs84.geojson ; shared:{ADMIN} (province names) ; "
            + method, bbox, fout),
    }
    for name, text in texts.items():
        out.add(name, text)
    for name, feats, st, moved, simp in (("provinces.geojson", pout, pstats, pmoved, psimp),
                                         ("prefectures.geojson", fout, fstats, fmoved, fsimp)):
        rings, points = layer_stats(feats)
        log(f"  {name}: {len(feats)} features, {rings} rings, {points} points, "
            f"{len(texts[name].encode('utf-8'))} bytes; {st['dropped']} rings < {MIN_RING_AREA_DEG2} deg² dropped "
            f"(this extent); whole layer: {moved} source vertices snapped, {len(simp.tightened)} arcs with a "
            f"lowered tolerance against crossings, {simp.remaining} crossings left, "
            f"{len(simp.fallback_rings)} rings re-simplified alone to keep 4 points")
    if missing:
        log("  provinces without prefectures (outside prefectures_8prov, outline only): "
            + " ".join(f"{p[0]['name']}({p[0]['code']})" for p in missing))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", required=True, help="the shared data folder (../shared/data)")
    ap.add_argument("--network", required=True, help="the network folder (networks/zhongyuan)")
    ap.add_argument("--check", action="store_true", help="compare with the files on disk; write nothing")
    args = ap.parse_args(argv)
    try:
        out = build(args.shared, args.network, args.check)
    except InputError as e:
        log(f"error: {e}")
        return 2
    changed = out.finish()
    if args.check:
        if changed:
            log("differs: " + " ".join(changed))
            return 1
        log("basemap: up to date")
    else:
        log("wrote: " + (" ".join(changed) if changed else "(nothing changed)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
