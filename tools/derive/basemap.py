#!/usr/bin/env python3
"""Derive simplified basemap layers (province and prefecture outlines, census county units) for one network.

    python3 tools/derive/basemap.py --shared ../shared/data --network networks/zhongyuan [--check]

Inputs:  <shared>/boundaries/provinces_wgs84.geojson (31 provinces, tudigong/CTAmap 2021, property `code` only),
         <shared>/boundaries/prefectures_8prov_wgs84.geojson (prefectures of 豫 晋 冀 鲁 皖 陕 鄂 苏, Aliyun DataV 2025),
         <shared>/boundaries/counties_8prov_wgs84.geojson (the 1,085 county-level units of the 2020 census in the
         same 8 provinces, tudigong/CTAmap boundaries 2021; property `code` = census code, incl. 7x development zones),
         <shared>/admin-points/admin_points_all_china.csv (province names, level=province),
         <network>/places.csv (place_id, name, lon, lat, kind, province).
Outputs: <network>/basemap/provinces.geojson, prefectures.geojson and units.geojson, byte-for-byte deterministic.

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

Units layer (units.geojson, for choropleths of per-unit indicators):
- Selection: one feature per places.csv row whose kind is district, county or devzone (not outside, not point),
  matched on place_id = the feature's `code` (both are 2020 census codes: 410173 郑州航空港经济综合实验区 is its own
  unit; 孟津县 410322 and 吉利区 410306 are still apart, as in the census, not the 2021 孟津区 410308). Not clipped, not
  selected by box. Properties `code` (= place_id) and `name` (places.csv). A unit without a feature in the file
  (e.g. 湖南 and 江西: the file covers the 8 provinces only) is listed in the summary and in the top-level `missing`
  array ({code, name, kind, province}), never dropped silently.
- Development zones: the source cuts every zone out of its host (98 added units, mod_flag=2; 141 altered units,
  mod_flag=1; some zones are holes of their host): no unit overlaps another (checked by sampling), so every point is
  in at most one unit, as in the census, which counts zone residents apart from their hosts.
- Simplification as above, on the arcs of the whole 1,085-unit layer (the same unit looks the same in every
  network; all borders of the source already share exact vertices, so snapping moves none), with two differences:
  crossings are checked between all rings of the layer, not only within one polygon, and the tolerance of the arcs
  of a ring that would keep fewer than 3 distinct points is halved as well; rings below MIN_UNIT_RING_AREA_DEG2
  (0.0002 deg², ≈2 km²) are dropped, except each unit's largest, so no unit vanishes; every hole of the source
  that is filled by an exclave of another unit is larger than that, so holes and their enclaves stay matched. The
  summary also counts crossings in the written (rounded) file.
Exit codes: 0 ok, 1 --check found differences, 2 bad input.
"""
from __future__ import annotations

import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Output, derive_parser, fail, feature_polygons, log, read_csv, read_geojson, run_cli  # noqa: E402

PROVINCES = "boundaries/provinces_wgs84.geojson"
PREFECTURES = "boundaries/prefectures_8prov_wgs84.geojson"
COUNTIES = "boundaries/counties_8prov_wgs84.geojson"
UNIT_KINDS = ("district", "county", "devzone")
ADMIN = "admin-points/admin_points_all_china.csv"

BBOX_PAD_DEG = 1.0
TOLERANCE_DEG = 0.01
MIN_RING_AREA_DEG2 = 0.001
MIN_UNIT_RING_AREA_DEG2 = 0.0002
SNAP_DEG = 0.0001
DECIMALS = 5


# ------------------------------------------------------------------------------------------------ input

def load_layer(path):
    """Features as (props, polygons); polygons = [[ring, ...], ...], ring = open list of (lon, lat) tuples."""
    out = []
    for n, feat in enumerate(read_geojson(path).get("features", [])):
        polys = feature_polygons(path, n, feat)
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


def grid_crossings(rings, cell=0.05):
    """crossings() for many rings at once: segments are bucketed on a grid of `cell` degrees and only segments
    sharing a cell are compared. Same answer as crossings(), each pair once, in sorted order."""
    grid = {}
    segs = []
    for k, r in enumerate(rings):
        n = len(r)
        for i in range(n):
            a, b = r[i], r[(i + 1) % n]
            s = len(segs)
            segs.append((k, i, a, b))
            for gx in range(math.floor(min(a[0], b[0]) / cell), math.floor(max(a[0], b[0]) / cell) + 1):
                for gy in range(math.floor(min(a[1], b[1]) / cell), math.floor(max(a[1], b[1]) / cell) + 1):
                    grid.setdefault((gx, gy), []).append(s)
    found = set()
    for members in grid.values():
        for x in range(len(members)):
            k1, i1, a, b = segs[members[x]]
            for y in range(x + 1, len(members)):
                k2, i2, c, d = segs[members[y]]
                if k1 == k2 and abs(i1 - i2) in (1, len(rings[k1]) - 1):
                    continue
                if max(a[0], b[0]) < min(c[0], d[0]) or max(c[0], d[0]) < min(a[0], b[0]) \
                        or max(a[1], b[1]) < min(c[1], d[1]) or max(c[1], d[1]) < min(a[1], b[1]):
                    continue
                if _proper_cross(a, b, c, d):
                    found.add(((k1, i1), (k2, i2)))
    return sorted(found)


def kept_polygons(polys, stats=None, min_area=MIN_RING_AREA_DEG2, keep_largest=False):
    """The rings that survive the area threshold: [[exterior, holes...], ...] (a dropped exterior drops its holes).
    keep_largest: the largest exterior is kept whatever its area, so the feature never vanishes."""
    res = []
    largest = max(range(len(polys)), key=lambda i: abs(signed_area(polys[i][0]))) if keep_largest else -1
    for n, poly in enumerate(polys):
        if abs(signed_area(poly[0])) < min_area and n != largest:
            if stats is not None:
                stats["dropped"] += len(poly)
            continue
        rings = [poly[0]]
        for ring in poly[1:]:
            if abs(signed_area(ring)) < min_area:
                if stats is not None:
                    stats["dropped"] += 1
                continue
            rings.append(ring)
        res.append(rings)
    return res


class ArcSimplifier:
    """Douglas–Peucker on the arcs of a whole layer, so shared borders simplify identically on both sides.

    settle() then halves the tolerance of the arcs involved in a crossing (within one polygon: a ring crossing
    itself or its holes; with layer_wide, any two rings of the layer) and of the arcs of a ring that would keep
    fewer than 3 distinct points, until neither is left, over the whole layer, before any feature is written."""

    MAX_ROUNDS = 12

    def __init__(self, features, tol, min_area=MIN_RING_AREA_DEG2, keep_largest=False, layer_wide=False):
        self.tol = tol
        self.min_area = min_area
        self.keep_largest = keep_largest
        self.layer_wide = layer_wide
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

    def kept(self, polys, stats=None):
        return kept_polygons(polys, stats, self.min_area, self.keep_largest)

    def ring_arcs(self, ring):
        """Simplified open ring from the shared arcs (may have fewer than 3 distinct points) and, per output
        segment i (point i to i+1), the canonical arc it comes from."""
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
        return out, keys

    def ring_with_arcs(self, ring):
        """ring_arcs(), or, for a ring that keeps fewer than 3 distinct points, the ring re-simplified alone
        (segment keys None), in a canonical start and direction so that a hole and the enclave filling it
        still come out the same."""
        out, keys = self.ring_arcs(ring)
        if len(set(out)) >= 3:
            return out, keys
        self.fallback_rings.add(tuple(ring))
        n = len(ring)
        start = min(range(n), key=lambda i: ring[i])
        fwd = ring[start:] + ring[:start]
        rev = [fwd[0]] + fwd[:0:-1]
        canon = min(fwd, rev)
        tol = self.tol
        while True:
            tol /= 2
            out = douglas_peucker(canon + [canon[0]], tol)[:-1]
            if len(set(out)) >= 3 or len(out) == n:
                break
        if canon is not fwd:
            out = [out[0]] + out[:0:-1]
        return out, [None] * len(out)

    def ring(self, ring):
        return self.ring_with_arcs(ring)[0]

    def settle(self, layer):
        self.rounds = 0
        self.tightened = set()
        for _ in range(self.MAX_ROUNDS):
            changed = False
            groups = [poly for polys in layer for poly in self.kept(polys)]
            if self.layer_wide:
                groups = [[r for poly in groups for r in poly]]
            for group in groups:
                res = []
                bad = set()
                for r in group:
                    out, keys = self.ring_arcs(r)
                    if len(set(out)) < 3:
                        bad.update(keys)
                        out, keys = self.ring_with_arcs(r)
                    res.append((out, keys))
                for (k1, i1), (k2, i2) in (grid_crossings if self.layer_wide else crossings)(
                        [r for r, _keys in res]):
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
        self.fallback_rings = set()
        if self.layer_wide:
            self.remaining = len(grid_crossings([self.ring(r) for polys in layer for poly in self.kept(polys)
                                                 for r in poly]))
        else:
            self.remaining = sum(len(crossings([self.ring(r) for r in poly]))
                                 for polys in layer for poly in self.kept(polys))


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
    for poly in simp.kept(polys, stats):
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


def collection_text(name, source, bbox, feats, extra=None):
    """feats: list of (props dict, polygons); deterministic, one feature per line. extra: more top-level members
    (after the header, before the features; a list value is written one item per line)."""
    head = {"type": "FeatureCollection", "name": name, "source": source}
    if bbox is not None:
        head["selection_bbox"] = [float(fmt(v)) for v in bbox]
    for key, value in (extra or {}).items():
        if not isinstance(value, list):
            head[key] = value
    lines = []
    for props, polys in feats:
        lines.append('{"type":"Feature","properties":' + json.dumps(props, ensure_ascii=False, separators=(",", ":"))
                     + ',"geometry":' + geometry_json(polys) + "}")
    h = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    for key, value in (extra or {}).items():
        if isinstance(value, list):
            items = [json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value]
            h += "," + json.dumps(key) + ":[" + ("\n" + ",\n".join(items) + "\n" if items else "") + "]"
    return h + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


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

    # ---- census units
    cpath = os.path.join(shared, COUNTIES)
    units = load_layer(cpath)
    by_code = {}
    for n, (props, _polys) in enumerate(units):
        for key in ("code", "name"):
            if key not in props:
                fail(cpath, None, f"features[{n}].properties.{key}", "missing")
        code = str(props["code"])
        if code in by_code:
            fail(cpath, None, f"features[{n}].properties.code", f"duplicate code {code}")
        by_code[code] = n
    units_snapped, umoved = snap_layer(units, SNAP_DEG)
    usimp = ArcSimplifier(units_snapped, TOLERANCE_DEG, min_area=MIN_UNIT_RING_AREA_DEG2, keep_largest=True,
                          layer_wide=True)
    ustats = {"dropped": 0}
    uout, umissing, seen = [], [], set()
    places_path = os.path.join(network, "places.csv")
    for r in read_csv(places_path, required_columns=("place_id", "name", "kind", "province")):
        if r.req("kind") not in UNIT_KINDS:
            continue
        code = r.req("place_id")
        if code in seen:
            fail(places_path, r.line, "place_id", f"duplicate {code}")
        seen.add(code)
        if code not in by_code:
            umissing.append({"code": code, "name": r.req("name"), "kind": r.req("kind"),
                             "province": r.req("province")})
            continue
        src_name = units[by_code[code]][0]["name"]
        if src_name != r.req("name"):
            log(f"  units: {code} is {r.req('name')} in places.csv, {src_name} in {COUNTIES} (places.csv name kept)")
        uout.append(({"code": code, "name": r.req("name")},
                     simplify_feature(units_snapped[by_code[code]][1], usimp, ustats)))
    uout.sort(key=lambda t: t[0]["code"])
    umissing.sort(key=lambda m: m["code"])
    ufallback = sum(1 for code in seen if code in by_code
                    for poly in usimp.kept(units_snapped[by_code[code]][1]) for ring in poly
                    if tuple(ring) in usimp.fallback_rings)
    ucross = len(grid_crossings([ring[:-1] for _pr, polys in uout for poly in polys for ring in poly]))

    out = Output(os.path.join(network, "basemap"), check=check)
    texts = {
        "provinces.geojson": collection_text(
            "provinces", f"shared:boundaries/provinces_wgs84.geojson ; shared:{ADMIN} (names, level=province) ; "
            + method, bbox, pout),
        "prefectures.geojson": collection_text(
            "prefectures", f"shared:boundaries/prefectures_8prov_wgs84.geojson ; shared:{ADMIN} (province names) ; "
            + method, bbox, fout),
        "units.geojson": collection_text(
            "units", f"shared:{COUNTIES} (census 2020 county-level units incl. development zones; feature code = "
            f"census code = place_id) ; network:places.csv (selection, names) ; derived:tools/derive/basemap.py "
            f"(Douglas–Peucker on the shared arcs of the whole layer, tolerance {TOLERANCE_DEG}°, lowered where "
            f"rings of the layer would cross or collapse; rings < {MIN_UNIT_RING_AREA_DEG2} deg² dropped except "
            f"each unit's largest; {DECIMALS} decimals; RFC 7946 winding)", None, uout,
            {"selection": "one feature per places.csv row whose kind is " + ", ".join(UNIT_KINDS),
             "missing_reason": f"no feature with this code in {COUNTIES} (it covers 豫 晋 冀 鲁 皖 陕 鄂 苏 only)",
             "missing": umissing}),
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
    rings, points = layer_stats(uout)
    log(f"  units.geojson: {len(uout)} features of {len(seen)} places of kind {'/'.join(UNIT_KINDS)}, {rings} rings, "
        f"{points} points, {len(texts['units.geojson'].encode('utf-8'))} bytes; {ustats['dropped']} rings < "
        f"{MIN_UNIT_RING_AREA_DEG2} deg² dropped, {ufallback} rings re-simplified alone, {ucross} crossings "
        f"between or within its rings after rounding; whole layer: {umoved} source vertices snapped, "
        f"{len(usimp.tightened)} arcs with a lowered tolerance against crossings or collapse, {usimp.remaining} "
        f"crossings left, {len(usimp.fallback_rings)} rings re-simplified alone to keep 4 points")
    if umissing:
        by_prov = {}
        for m in umissing:
            by_prov.setdefault(m["province"], []).append(m)
        log(f"  units without a polygon in {COUNTIES} ({len(umissing)}, listed in units.geojson 'missing'): "
            + "; ".join(f"{prov} {len(ms)}: " + " ".join(f"{m['name']}({m['code']})" for m in ms)
                        for prov, ms in sorted(by_prov.items())))
    if missing:
        log("  provinces without prefectures (outside prefectures_8prov, outline only): "
            + " ".join(f"{p[0]['name']}({p[0]['code']})" for p in missing))
    return out


def main(argv=None):
    ap = derive_parser(__doc__, out_flag="--network", out_help="the network folder (networks/zhongyuan)")
    args = ap.parse_args(argv)
    return run_cli(lambda: build(args.shared, args.network, args.check), up_to_date="basemap: up to date")


if __name__ == "__main__":
    sys.exit(main())
