#!/usr/bin/env python3
"""Compare the 2021 boards' fastest start-to-stop times between adjacent stops with the track's speed limits.

For every pair of consecutive stops of a G/D/C pattern in networks/zhongyuan/services.csv whose trains show a
departure at the first and an arrival at the second on the boards, take the fastest such train's minutes and the
time at the section limits (length / min(line speed at the boards' date, the class's max_kmh), no starting,
stopping or supplement; the sections and speeds as tools/derive/services.py routes the trains). Prints the hops
whose ratio (boards / limits) is highest: on a hop with no station between its stops, a ratio well above what
starting and stopping add on a hop that short is a slower way through a hub, the evidence
facts/section_speeds.csv cites (郑州–郑州东, 石家庄–石家庄东). Hops that pass stations without a board may hide stops
and are listed apart.

Standard library only. Usage (from the repository root):
  python3 tools/check/board_hops.py --shared ../shared/data [--network networks/zhongyuan] [--top 20]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "derive"))
import services  # noqa: E402  (the line speeds and open sections at the boards' date)
import timetable  # noqa: E402  (the boards' reading)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", required=True)
    ap.add_argument("--network", default="networks/zhongyuan")
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()
    net = a.network
    name = {r["station_id"]: r["name"] for r in services.read(os.path.join(net, "stations.csv"))}
    # the section of a stretch: the one that opened first (as the model's services::stretch_section), open at the
    # boards' date, at its line speed then
    speed = services.boards_speed(net)
    sec = {}
    for s in services.read(os.path.join(net, "rail_sections.csv")):
        if not services.open_at_boards(s):
            continue
        k = frozenset((s["from_station"], s["to_station"]))
        if k not in sec or s["opened"] < sec[k]["opened"]:
            sec[k] = s
    calls = timetable.load_trains(os.path.join(a.shared, timetable.SCHED))
    best = {}
    for r in services.read(os.path.join(net, "services.csv")):
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
                kmh = min(speed(s), float(r["max_kmh"]))
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
                t0, t1 = dep["dep"], arr["arr"]
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
