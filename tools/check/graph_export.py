#!/usr/bin/env python3
"""Reproduce `ringsim run`'s and `ringsim od`'s times from `ringsim graph`'s CSV by the README's recipe.

The recipe (README, "Accessibility indicators, OD matrices and the graph"), with a plain Dijkstra:

- door measure: one search from the origin's node over every edge, weighted `seconds + wait_seconds`; a place or
  a city is reached at its node (a city at its seat, `seat_place_id` of the network's cities.csv), a station at
  the earlier of its platform `<id>` and its boarding node `<id>:board`.
- station measure: a rail search, weighted `seconds`, over the modes hsr, intercity, suburban, conventional,
  change, metro and walk, from the origin's open stations (nodes.csv `open`), each platform and boarding node at
  0; then an onward search over egress, expressway and trunk from every platform (kind `station`) it reached, at
  its rail time. A station's time is its platform's rail time; a place's the least of the rail time at its own
  open stations (stations.csv `place_id`) and the onward time at the place; a city's the least of the rail time
  at its stations (cities.csv `stations`) and the onward time at its seat.
- origins: a place is its node and its own open stations; a city its seat and its open stations; a station its
  platform and boarding node (door) and itself (station).

Times are whole seconds; `run` and `od` print minutes as seconds / 60 to one decimal. Standard library only.
Usage (from the repository root, after `ringsim graph S --out edges.csv --nodes nodes.csv` and `ringsim run S`):
  python3 tools/check/graph_export.py --edges edges.csv --nodes nodes.csv --network networks/zhongyuan \
      --origin 410100 --reach out/S/reach.csv --cities out/S/cities.csv [--od od.csv ...]
An `od` output to check must name its endpoints by id (place, city or station ids). Exits 1 on any mismatch.
"""
import argparse
import csv
import heapq
import sys

RAIL = {"hsr", "intercity", "suburban", "conventional", "change", "metro", "walk"}
ONWARD = {"egress", "expressway", "trunk"}


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def dijkstra(adj, sources):
    """Least times from `sources` ({node: start seconds}) over `adj` ({node: [(to, seconds)]})."""
    dist = dict(sources)
    heap = [(t, n) for n, t in sources.items()]
    heapq.heapify(heap)
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in adj.get(u, ()):
            if d + w < dist.get(v, float("inf")):
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return dist


def minutes(t):
    return "" if t is None else f"{t / 60:.1f}"


class Model:
    def __init__(self, edges, nodes, network):
        self.nodes = {n["node_id"]: n for n in rows(nodes)}
        self.door_adj, self.rail_adj, self.onward_adj = {}, {}, {}
        for e in rows(edges):
            s, w = int(e["seconds"]), int(e["wait_seconds"])
            self.door_adj.setdefault(e["from"], []).append((e["to"], s + w))
            if e["mode"] in RAIL:
                self.rail_adj.setdefault(e["from"], []).append((e["to"], s))
            elif e["mode"] in ONWARD:
                self.onward_adj.setdefault(e["from"], []).append((e["to"], s))
        self.own = {}
        for s in rows(f"{network}/stations.csv"):
            if self.is_open(s["station_id"]):
                self.own.setdefault(s["place_id"], []).append(s["station_id"])
        self.cities = {c["city_id"]: c for c in rows(f"{network}/cities.csv")}

    def is_open(self, station):
        return self.nodes.get(station, {}).get("open") == "true"

    def origin(self, kind, ident):
        """(door start nodes, station-measure start stations) of an origin."""
        if kind == "city":
            c = self.cities[ident]
            return [c["seat_place_id"]], [s for s in c["stations"].split("|") if self.is_open(s)]
        if kind == "station":
            return [ident, ident + ":board"], [ident] if self.is_open(ident) else []
        return [ident], self.own.get(ident, [])

    def times_from(self, kind, ident):
        door_starts, stations = self.origin(kind, ident)
        door = dijkstra(self.door_adj, {n: 0 for n in door_starts})
        rail = dijkstra(self.rail_adj, {n: 0 for s in stations for n in (s, s + ":board")})
        platforms = {n: t for n, t in rail.items() if self.nodes[n]["kind"] == "station"}
        onward = dijkstra(self.onward_adj, platforms)
        return door, rail, onward

    def target(self, times, kind, ident):
        """(door seconds, station seconds) at a target, None where unreached."""
        door, rail, onward = times
        if kind == "station":
            d = min((door[n] for n in (ident, ident + ":board") if n in door), default=None)
            return d, rail.get(ident)
        if kind == "city":
            c = self.cities[ident]
            seat = c["seat_place_id"]
            via = [rail[s] for s in c["stations"].split("|") if s in rail] + ([onward[seat]] if seat in onward else [])
            return door.get(seat), min(via, default=None)
        via = [rail[s] for s in self.own.get(ident, []) if s in rail] + ([onward[ident]] if ident in onward else [])
        return door.get(ident), min(via, default=None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edges", required=True)
    ap.add_argument("--nodes", required=True)
    ap.add_argument("--network", required=True)
    ap.add_argument("--origin", required=True, help="the run's origin city id")
    ap.add_argument("--reach", required=True)
    ap.add_argument("--cities", required=True)
    ap.add_argument("--od", action="append", default=[])
    a = ap.parse_args()
    m = Model(a.edges, a.nodes, a.network)
    bad, n = [], 0

    def check(what, got, want):
        nonlocal n
        n += 1
        if got != want:
            bad.append(f"{what}: recipe {got}, ringsim {want}")

    times = m.times_from("city", a.origin)
    for r in rows(a.reach):
        kind = "station" if r["kind"] == "station" else "place"
        d, s = m.target(times, kind, r["node_id"])
        check(f"reach {r['node_id']} {r['name']}", (minutes(d), minutes(s)), (r["door_minutes"], r["station_minutes"]))
    for r in rows(a.cities):
        d, s = m.target(times, "city", r["city_id"])
        check(f"cities {r['city_id']} {r['name']}", (minutes(d), minutes(s)), (r["door_minutes"], r["station_minutes"]))
    cache = {}
    for path in a.od:
        for r in rows(path):
            key = (r["from_kind"], r["from"])
            if key not in cache:
                cache[key] = m.times_from(*key)
            d, s = m.target(cache[key], r["to_kind"], r["to"])
            check(f"od {r['from']} → {r['to']} ({r['measure']})", minutes(d if r["measure"] == "door" else s), r["minutes"])
    for b in bad:
        print(b)
    print(f"{n - len(bad)} of {n} times reproduced from the exported graph")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
