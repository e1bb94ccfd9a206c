#!/usr/bin/env python3
"""Checks across the derived networks (run by .ci/run after the derivations; exit 1 on any failure, naming the
file, row and field):

- every station has one position: the same station_id at the same lon/lat in every network;
- every stretch of track has one length: the same station pair (conventional and high-speed tracks apart) has the
  same length_km in every network and on every line;
- every section lies between its stations' great-circle distance and `section_max_circuity` times it (params.toml
  [derive] of its network); a 'length-exception:' in its source excuses a longer one, never a shorter;
- every road link and connector is at least the great-circle distance between the places or stations it joins (a
  published length whose ends the model moves must be lengthened to them, never taken shorter than the straight line).

    python3 tools/derive/check_networks.py [--networks networks]
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import haversine_km, read_csv, read_toml  # noqa: E402


def check(root):
    errors = []
    pos = {}  # station_id -> (lon, lat, where)
    lengths = {}  # (a, b, conventional) -> (km, where)
    for net in sorted(os.listdir(root)):
        d = os.path.join(root, net)
        st_path, sec_path = os.path.join(d, "stations.csv"), os.path.join(d, "rail_sections.csv")
        if not (os.path.isdir(d) and os.path.exists(st_path) and os.path.exists(sec_path)):
            continue
        params = read_toml(os.path.join(d, "params.toml"))
        cap = (params.get("derive") or {}).get("section_max_circuity", 1.6)
        modes = {}
        lines_path = os.path.join(d, "rail_lines.csv")
        for r in read_csv(lines_path, ["line_id", "mode"]):
            modes[r.req("line_id")] = r.req("mode")
        here = {}
        for r in read_csv(st_path, ["station_id", "name", "lon", "lat"]):
            sid, xy = r.req("station_id"), (float(r.req("lon")), float(r.req("lat")))
            here[sid] = (xy, r.req("name"))
            where = f"{st_path}, line {r.line}"
            if sid in pos and pos[sid][0] != xy:
                errors.append(f"{where}, field 'lon,lat': station {sid} {r.req('name')} is at {xy[0]:.6f},{xy[1]:.6f} "
                              f"here but at {pos[sid][0][0]:.6f},{pos[sid][0][1]:.6f} in {pos[sid][1]} "
                              f"({haversine_km(*xy, *pos[sid][0]):.2f} km apart): one station, one position")
            pos.setdefault(sid, (xy, where))
        for r in read_csv(sec_path, ["section_id", "line_id", "from_station", "to_station", "length_km", "source"]):
            a, b, km = r.req("from_station"), r.req("to_station"), r.req("length_km")
            where = f"{sec_path}, line {r.line}"
            conv = modes.get(r.req("line_id")) == "conventional"
            key = tuple(sorted((a, b))) + (conv,)
            if key in lengths and lengths[key][0] != km:
                errors.append(f"{where}, field 'length_km': section {r.req('section_id')} {a}–{b} is {km} km here but "
                              f"{lengths[key][0]} km in {lengths[key][1]}: one stretch of track, one length")
            lengths.setdefault(key, (km, where))
            if a in here and b in here:
                g = haversine_km(*here[a][0], *here[b][0])
                v = float(km)
                # a stated exception excuses only a long track, as in the engine (src/network.rs)
                if v < g - 0.0005 or (v > cap * g + 0.0005 and "length-exception:" not in r.req("source")):
                    errors.append(f"{where}, field 'length_km': section {r.req('section_id')} {here[a][1]}–{here[b][1]} "
                                  f"{v:.3f} km against great-circle {g:.3f} km: outside [1, {cap:g}] x great-circle "
                                  "without a 'length-exception:' reason")
        where_xy = {sid: xy for sid, (xy, _) in here.items()}
        places_path = os.path.join(d, "places.csv")
        if os.path.exists(places_path):
            for r in read_csv(places_path, ["place_id", "lon", "lat"]):
                where_xy[r.req("place_id")] = (float(r.req("lon")), float(r.req("lat")))
        for name, cols in (("road_links.csv", ("link_id", "from_place", "to_place")),
                           ("connectors.csv", (None, "from_id", "to_id"))):
            path = os.path.join(d, name)
            if not os.path.exists(path):
                continue
            for r in read_csv(path, [c for c in cols if c] + ["length_km"]):
                a, b = r.req(cols[1]), r.req(cols[2])
                if a not in where_xy or b not in where_xy:
                    continue  # an unknown end is the engine's error to report, with its own message
                g = haversine_km(*where_xy[a], *where_xy[b])
                v = float(r.req("length_km"))
                if v < g - 0.0005:
                    what = r.req(cols[0]) if cols[0] else f"{a}–{b}"
                    errors.append(f"{path}, line {r.line}, field 'length_km': {what} is {v:.3f} km but its ends "
                                  f"{a} and {b} lie {g:.3f} km apart in a straight line: lengthen it to its "
                                  "modelled ends (the derivation's facts give the published length)")
    return errors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                       "networks"))
    args = ap.parse_args(argv)
    errors = check(os.path.normpath(args.networks))
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} cross-network check(s) failed", file=sys.stderr)
        return 1
    print("networks: one position per station, one length per stretch of track, sections within bounds, roads and "
          "connectors no shorter than the straight line",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
