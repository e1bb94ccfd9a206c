#!/usr/bin/env python3
"""Compare the 2021 boards' fastest start-to-stop times between adjacent stops with the track's speed limits.

For every pair of consecutive stops of a G/D/C pattern in networks/zhongyuan/services.csv whose trains show a
departure at the first and an arrival at the second on the boards, take the fastest such train's minutes and the
time at the section limits (length / min(line limit, the class's max_kmh), no starting, stopping or supplement).
Prints the hops whose ratio (boards / limits) is highest: a hop with no station between its stops and a ratio far
above what starting and stopping explain (about 1.3–1.6 on a short hop) is a slower way through a hub, the
evidence facts/section_speeds.csv cites (郑州–郑州东, 石家庄–石家庄东). Hops that pass stations without a board may
hide stops and are listed apart.

Standard library only. Usage (from the repository root):
  python3 tools/check/board_hops.py --shared ../shared/data [--network networks/zhongyuan] [--top 20]
"""
import argparse
import collections
import csv
import os


def minutes(hm):
    if not hm or hm == "-":
        return None
    h, m = hm.split(":")
    return int(h) * 60 + int(m)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", required=True)
    ap.add_argument("--network", default="networks/zhongyuan")
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()
    net = a.network
    name = {r["station_id"]: r["name"] for r in csv.DictReader(open(os.path.join(net, "stations.csv"), encoding="utf-8"))}
    # the section of a stretch: the one that opened first (as services::stretch_section)
    sec = {}
    for s in csv.DictReader(open(os.path.join(net, "rail_sections.csv"), encoding="utf-8")):
        k = frozenset((s["from_station"], s["to_station"]))
        if k not in sec or (s["opened"] or "9") < (sec[k]["opened"] or "9"):
            sec[k] = s
    calls = collections.defaultdict(dict)
    with open(os.path.join(a.shared, "rail-timetable-2021", "station_schedules_2021.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            calls[r["train_code"]][r["station"]] = r
    best = {}
    for r in csv.DictReader(open(os.path.join(net, "services.csv"), encoding="utf-8")):
        if r["class"] == "conventional":
            continue
        route, stops = r["route"].split("|"), r["stops"].split("|")
        unknown = set(r["unknown"].split("|")) if r["unknown"] else set()
        trains = r["example_trains"].split("|") if r["example_trains"] else []
        for x, y in zip(stops, stops[1:]):
            i, j = route.index(x), route.index(y)
            km, limit_min, ok = 0.0, 0.0, True
            for u, v in zip(route[i:j], route[i + 1:j + 1]):
                s = sec.get(frozenset((u, v)))
                if not s:
                    ok = False
                    break
                kmh = min(float(s["operating_speed_kmh"] or s["design_speed_kmh"]), float(r["max_kmh"]))
                km += float(s["length_km"])
                limit_min += float(s["length_km"]) / kmh * 60.0
            if not ok:
                continue
            between = route[i + 1:j]
            for code in trains:
                c = calls.get(code, {})
                dep, arr = c.get(name[x]), c.get(name[y])
                if not dep or not arr:
                    continue
                t0, t1 = minutes(dep["dep"]), minutes(arr["arr"])
                if t0 is None or t1 is None:
                    continue
                t = (t1 - t0) % 1440
                if (x, y) not in best or t < best[(x, y)][0]:
                    best[(x, y)] = (t, limit_min, km, len(between), sum(1 for b in between if b in unknown), code)
    rows = sorted(((t / lim, x, y, t, lim, km, n, nu, code) for (x, y), (t, lim, km, n, nu, code) in best.items() if lim > 0), reverse=True)
    for title, keep in [("hops with no station between their stops", lambda n: n == 0), ("hops passing stations (stops there may explain the time)", lambda n: n > 0)]:
        print(f"{title}: boards' fastest minutes / minutes at the limits")
        for ratio, x, y, t, lim, km, n, nu, code in [r for r in rows if keep(r[6])][: a.top]:
            print(f"  {name[x]} -> {name[y]}: {t} min by {code} / {lim:.1f} min over {km:.1f} km = {ratio:.2f}" + (f" ({n} stations between, {nu} without a board)" if n else ""))


if __name__ == "__main__":
    main()
