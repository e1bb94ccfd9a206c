"""Track lengths between stations (standard library only; deterministic).

- `Geometry`: the OpenStreetMap track geometry of shared:rail-geometry/henan_hsr_lines_osm.geojson (© OpenStreetMap
  contributors, ODbL 1.0). One graph per line feature: consecutive vertices of a part are joined, and vertices of
  different parts closer than `join_m` are joined (both tracks, unjoined pieces). A station snaps to the nearest
  vertex of a feature within `snap_km`; the track length between two stations is the shortest path between their
  vertices on a feature that holds both (the shortest over such features).
- `RouteKm`: route kilometres (营业里程) of shared:rail-lines/route_km_2021.csv; the route km between two stations is
  the smallest positive difference of their chainages on a line of the wanted category that lists both.
- `measure`: the route-to-track ratio and the track circuity (track / great-circle), measured on consecutive station
  pairs of the high-speed route-km lines that the geometry covers.
"""
from __future__ import annotations

import heapq
import math
import os

from common import fail, haversine_km, read_csv, read_geojson

GEOMETRY = "rail-geometry/henan_hsr_lines_osm.geojson"
ROUTE_KM = "rail-lines/route_km_2021.csv"
HSR_ROUTE_MODE = "2"  # route_km_2021.csv `mode` 2: high-speed lines
CONV_ROUTE_MODE = "1"  # mode 1: conventional lines


class FeatureGraph:
    """One line feature: vertices, adjacency with edge lengths (km), a grid for nearest-vertex lookups."""

    def __init__(self, name, parts, join_m):
        self.name = name
        self.pts = []
        index = {}
        self.adj = []

        def vid(pt):
            key = (round(pt[0], 7), round(pt[1], 7))
            if key not in index:
                index[key] = len(self.pts)
                self.pts.append(key)
                self.adj.append({})
            return index[key]

        def link(i, j):
            if i == j:
                return
            d = haversine_km(*self.pts[i], *self.pts[j])
            if d < self.adj[i].get(j, math.inf):
                self.adj[i][j] = d
                self.adj[j][i] = d

        part_of = {}
        for k, part in enumerate(parts):
            prev = None
            for pt in part:
                v = vid(pt)
                part_of.setdefault(v, k)
                if prev is not None:
                    link(prev, v)
                prev = v
        # grid of ~0.01° cells for the joins and the snapping
        self.cell = 0.01
        self.grid = {}
        for i, (x, y) in enumerate(self.pts):
            self.grid.setdefault((int(math.floor(x / self.cell)), int(math.floor(y / self.cell))), []).append(i)
        join_km = join_m / 1000.0
        for i, (x, y) in enumerate(self.pts):
            cx, cy = int(math.floor(x / self.cell)), int(math.floor(y / self.cell))
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for j in self.grid.get((cx + dx, cy + dy), ()):
                        if j > i and j not in self.adj[i] and haversine_km(x, y, *self.pts[j]) <= join_km:
                            link(i, j)

    def snap(self, lon, lat, snap_km):
        """(distance km, vertex) of the nearest vertex within snap_km, or None."""
        r = int(math.ceil(snap_km / (90.0 * self.cell))) + 1  # a 0.01° cell is at least ~0.9 km wide here
        cx, cy = int(math.floor(lon / self.cell)), int(math.floor(lat / self.cell))
        best = None
        for dx in range(-r, r + 1):
            for dy in range(-r, r + 1):
                for j in self.grid.get((cx + dx, cy + dy), ()):
                    d = haversine_km(lon, lat, *self.pts[j])
                    if d <= snap_km and (best is None or (d, j) < best):
                        best = (d, j)
        return best

    def path_km(self, a, b, limit=math.inf):
        """Shortest path length between vertices a and b (None when not connected within `limit` km)."""
        dist = {a: 0.0}
        heap = [(0.0, a)]
        while heap:
            d, v = heapq.heappop(heap)
            if v == b:
                return d
            if d > limit:
                return None
            if d > dist.get(v, math.inf):
                continue
            for w, e in self.adj[v].items():
                nd = d + e
                if nd < dist.get(w, math.inf):
                    dist[w] = nd
                    heapq.heappush(heap, (nd, w))
        return None


class Geometry:
    def __init__(self, shared, snap_km, join_m):
        self.path = os.path.join(shared, GEOMETRY)
        self.snap_km, self.join_m = snap_km, join_m
        self.features = []
        for n, feat in enumerate(read_geojson(self.path).get("features", [])):
            props = feat.get("properties") or {}
            name = props.get("lineName")
            geom = feat.get("geometry") or {}
            if not name:
                fail(self.path, None, f"features[{n}].properties.lineName", "missing")
            if geom.get("type") == "LineString":
                parts = [geom["coordinates"]]
            elif geom.get("type") == "MultiLineString":
                parts = geom["coordinates"]
            else:
                fail(self.path, None, f"features[{n}].geometry.type", f"unsupported {geom.get('type')!r}")
            self.features.append(FeatureGraph(name, parts, join_m))
        self.features.sort(key=lambda f: f.name)
        self._cache = {}

    def track(self, a, b, max_circuity=3.0):
        """Track between points a and b (lon, lat): (km, feature name, snap distances) of the shortest path over the
        features that hold both within snap_km, or None (no path shorter than max_circuity x great-circle + 1 km)."""
        key = (a, b, max_circuity)
        if key in self._cache:
            return self._cache[key]
        best = None
        for f in self.features:
            sa, sb = f.snap(*a, self.snap_km), f.snap(*b, self.snap_km)
            if sa is None or sb is None or sa[1] == sb[1]:
                continue
            km = f.path_km(sa[1], sb[1], max_circuity * haversine_km(*a, *b) + 1.0)
            if km is not None and (best is None or km < best[0]):
                best = (km, f.name, sa[0], sb[0])
        self._cache[key] = best
        return best


class RouteKm:
    def __init__(self, shared):
        self.path = os.path.join(shared, ROUTE_KM)
        self.by_station = {}  # name -> [(line, mode, km)]
        self.lines = {}  # line -> (mode, [(seq, station, km)])
        for r in read_csv(self.path, ["line", "mode", "seq", "station", "route_km"]):
            line, mode, name = r.req("line"), r.req("mode"), r.req("station")
            km = r.num("route_km")
            seq = int(r.num("seq"))
            self.by_station.setdefault(name, []).append((line, mode, km))
            self.lines.setdefault(line, (mode, []))[1].append((seq, name, km))
        for line in self.lines:
            self.lines[line][1].sort()

    def between(self, a, b, mode):
        """(route km, line) between stations a and b: the smallest positive chainage difference on a line of `mode`
        listing both (ties: line name), or None."""
        best = None
        lb = {}
        for line, m, km in self.by_station.get(b, ()):
            if m == mode:
                lb.setdefault(line, []).append(km)
        for line, m, ka in self.by_station.get(a, ()):
            if m != mode or line not in lb:
                continue
            for kb in lb[line]:
                d = abs(ka - kb)
                if d > 0 and (best is None or (d, line) < best):
                    best = (d, line)
        return best


def measure(geometry, route, position, max_circuity, min_pairs=2):
    """Route-to-track ratio and track circuity, measured on consecutive station pairs of the high-speed route-km lines
    whose both stations have a clean position (`position(name)` -> (lon, lat) or None) and lie on one feature of the
    geometry, with a track between 1 and max_circuity times the great-circle distance.
    ratio: the median over the route-km lines with at least min_pairs such pairs of each line's track km / route km
    (a line's fare distances may follow an older parallel line: 京广高速线 runs 8 % over its track south of 郑州, the
    other lines within 2 %); circuity: total track km / total great-circle km over all pairs.
    Returns dict(ratio, circuity, pairs, track_km, route_km, gc_km, lines: {line: (pairs, ratio)})."""
    tot_t = tot_r = tot_g = 0.0
    n = 0
    per_line = {}
    for line in sorted(route.lines):
        mode, rows = route.lines[line]
        if mode != HSR_ROUTE_MODE:
            continue
        lt = lr = 0.0
        ln = 0
        for (_s1, a, ka), (_s2, b, kb) in zip(rows, rows[1:]):
            pa, pb = position(a), position(b)
            if pa is None or pb is None or kb == ka:
                continue
            t = geometry.track(pa, pb, max_circuity)
            if t is None:
                continue
            g = haversine_km(*pa, *pb)
            if g < 1.0 or not (g <= t[0] <= max_circuity * g):
                continue
            tot_t += t[0]
            tot_r += abs(kb - ka)
            tot_g += g
            n += 1
            lt += t[0]
            lr += abs(kb - ka)
            ln += 1
        if ln >= min_pairs:
            per_line[line] = (ln, lt / lr)
    if n == 0 or not per_line:
        return None
    ratios = sorted(v[1] for v in per_line.values())
    k = len(ratios)
    median = ratios[k // 2] if k % 2 else (ratios[k // 2 - 1] + ratios[k // 2]) / 2
    return {"ratio": median, "circuity": tot_t / tot_g, "pairs": n, "track_km": tot_t, "route_km": tot_r,
            "gc_km": tot_g, "lines": per_line}


HIGH_SPEED_MODES = ("hsr", "intercity", "suburban")
# A high-speed route-km line whose own measured track / route km ratio (on its OSM-covered station pairs, see
# `measure`) lies more than this share from the median ratio of all measured lines has fare distances that are not
# its track: its route km are not used as a length (rule 2), anywhere on the line. Measured in 2021 data: 京广高速线
# 0.923 (8 pairs; its fare distances run 15-25 % over the track on 5 of them, e.g. 明港东-信阳东 50 route km for
# 39.9 km of track), the four other lines 0.987-1.021. The tolerance is twice the largest deviation of those four
# (2.1 %, rounded up): a line outside it is not a rounding matter. Then the published rest or the measured
# circuity gives the length (networks/README.md "Section lengths").
ROUTE_KM_LINE_TOLERANCE = 0.05
GEOMETRY_NOTE = f"shared:{GEOMETRY} (© OpenStreetMap contributors, ODbL 1.0)"


class TrackLengths:
    """The length rule of a rail section (networks/README.md "Section lengths"), in this order:
    1. track along the OSM geometry, when a high-speed section's stations both snap to one line feature and the path
       lies between the great-circle distance (less the two snapping distances; the length is then at least the
       great-circle distance) and section_max_circuity times it;
    2. route km between the two stations (high-speed lines: x the measured route_to_track ratio; conventional
       lines: as they are, the fare table's conventional distances being line chainages);
    3. the stretch's published total, less the sections of rules 1-2, split over the other sections by
       great-circle share (when the rest lies within the same bounds; off with derive.split_published_rest = false);
    4. great-circle x the measured rail_circuity."""

    def __init__(self, geometry, route, rules, line_ratios=None):
        """line_ratios: {route-km line: (pairs, track / route km)} as measured (`measure(...)["lines"]`); a line
        whose ratio lies more than ROUTE_KM_LINE_TOLERANCE from rules["route_to_track"] gives no route km."""
        self.geo, self.route = geometry, route
        self.line_ratios = line_ratios or {}
        self.cap = rules["section_max_circuity"]
        self.ratio = rules["route_to_track"]
        self.circ = rules["rail_circuity"]
        self.split_rest = rules.get("split_published_rest", True)

    def section_lengths(self, names, pts, gcs, mode, published, fmt="g", exception="", shared=()):
        """(lengths, source notes, rule per section) of the consecutive sections of one stretch. exception: the
        stretch's stated reason (facts `length_exception`) for sections outside [1, section_max_circuity] x
        great-circle; with it, route km beyond the bound are used. shared: indices of sections whose station pair
        lies on another stretch too (one track, one length: they never take a share of a stretch's published total,
        which would differ between the stretches)."""
        n = len(gcs)
        lens, notes, rule = [None] * n, [""] * n, [""] * n
        high = mode in HIGH_SPEED_MODES
        reject = {}
        for i in range(n):
            a, b, g = names[i], names[i + 1], gcs[i]
            rejected = ""
            reject[i] = ""
            if high:
                t = self.geo.track(pts[i], pts[i + 1], self.cap)
                if t is not None and g - (t[2] + t[3]) <= t[0] <= self.cap * g:
                    floor = ""
                    if t[0] < g:  # the thinned line between the snapped vertices runs short of the station points
                        floor = (f"; the path, {t[0]:.3f} km between the vertices the stations snap to, is shorter than "
                                 "the straight line between the stations, which is taken")
                    lens[i], rule[i] = max(t[0], math.ceil(g * 1000) / 1000), "osm"
                    notes[i] = (f"derived: track length along the OpenStreetMap geometry of {t[1]} (stations "
                                f"{t[2]:.2f} and {t[3]:.2f} km from it; great-circle {g:.3f} km{floor}) ; {GEOMETRY_NOTE}")
                    continue
                if t is not None:
                    rejected = (f" (the OSM path of {t[1]}, {t[0]:.3f} km, is outside [1, {self.cap:g}] x great-circle "
                                f"{g:.3f} km: not used)")
            rk = self.route.between(a, b, HSR_ROUTE_MODE if high else CONV_ROUTE_MODE)
            if rk is not None and high and rk[1] in self.line_ratios:
                pairs, lr = self.line_ratios[rk[1]]
                if abs(lr / self.ratio - 1.0) > ROUTE_KM_LINE_TOLERANCE:
                    rejected += (f" (route km {rk[0]:g} of {rk[1]}: not used, the line's fare distances are not its "
                                 f"track: its measured track / route km is {lr:.3f} on {pairs} OSM-covered station "
                                 f"pairs, more than {100 * ROUTE_KM_LINE_TOLERANCE:g} % from the median "
                                 f"{self.ratio:g}; shared:{ROUTE_KM}#{rk[1]})")
                    rk = None
            if rk is not None:
                km, line = rk
                f = self.ratio if high else 1.0
                if not ((km + 0.5) * f >= g and (km * f <= self.cap * g or exception)):
                    rejected += (f" (route km {km:g} of {line} x {f:g} is outside [1, {self.cap:g}] x great-circle "
                                 f"{g:.3f} km: not used)")
                    rk = None
            reject[i] = rejected
            if rk is not None:
                km, line = rk
                floor = ""
                if km * (self.ratio if high else 1.0) < g <= (km + 0.5) * (self.ratio if high else 1.0):
                    floor = (f" ; derived: great-circle {g:.3f} km taken, the whole-km route distance being rounded "
                             "below it")
                if high:
                    lens[i], rule[i] = max(km * self.ratio, math.ceil(g * 1000) / 1000 if floor else 0.0), "route_km"
                    notes[i] = (f"derived: route km {km:g} ({line}) x route-to-track ratio {self.ratio:g} (params.toml "
                                f"derive.route_to_track, measured on the OSM-covered lines){rejected}{floor}"
                                + (f" ; length-exception: {exception}" if km * self.ratio > self.cap * g else "") + " ; "
                                f"shared:{ROUTE_KM}#{line}:{a}|{b}")
                else:
                    lens[i], rule[i] = max(km, math.ceil(g * 1000) / 1000 if floor else 0.0), "route_km"
                    notes[i] = (f"derived: route km {km:g} ({line}){floor}"
                                + (f" ; length-exception: {exception}" if km > self.cap * g else "") + " ; assumption: on a conventional line the fare "
                                f"distance is the line chainage, taken as track length ; shared:{ROUTE_KM}#{line}:{a}|{b}")
        for i in range(n):
            if lens[i] is None and i in shared:  # shared track: never a share of this stretch's total
                lens[i], rule[i] = gcs[i] * self.circ, "circuity"
                notes[i] = (f"derived: great-circle {gcs[i]:.3f} km x rail circuity {self.circ:g} (params.toml "
                            "derive.rail_circuity, measured on the OSM-covered lines; no geometry or route km, and the "
                            f"pair lies on another stretch too){reject.get(i, '')}")
        rest = [i for i in range(n) if lens[i] is None]
        rejected_notes = {i: reject.get(i, "") for i in rest}
        if rest and published is not None and self.split_rest:
            known = sum(lens[i] for i in range(n) if lens[i] is not None)
            remaining = published - known
            gc_rest = sum(gcs[i] for i in rest)
            if gc_rest <= remaining <= self.cap * gc_rest:
                for i in rest:
                    lens[i], rule[i] = remaining * gcs[i] / gc_rest, "published"
                    part = (f"{published:{fmt}} km published total" if len(rest) == n else
                            f"{remaining:.3f} km = {published:{fmt}} km published total less {known:.3f} km of "
                            "the stretch's sections measured otherwise")
                    notes[i] = f"derived: {part}, split by great-circle share{rejected_notes[i]}"
                rest = []
        rest = [i for i in range(n) if lens[i] is None]
        for i in rest:
            lens[i], rule[i] = gcs[i] * self.circ, "circuity"
            notes[i] = (f"derived: great-circle {gcs[i]:.3f} km x rail circuity {self.circ:g} (params.toml "
                        "derive.rail_circuity, measured on the OSM-covered lines; no geometry, route km or usable "
                        f"published length){reject.get(i, '')}")
        return lens, notes, rule
