#!/usr/bin/env python3
"""Derive the as-built train services of a network from the 2021 departure boards.

A train seen on several boards gives its stops among the board stations, in order; its origin and terminus are
stops too. Within a network, each train becomes the sequence of its stops that are stations of the network, and
the route between two consecutive stops is the quickest path over the network's rail sections open at the time of
the boards, each section at its line speed capped at the train's maximum, for G/D/C trains (high-speed and
intercity lines preferred), and the shortest path over conventional lines preferred for the others. Stations
the route passes are stops only when the train appears on their board; stations without a board of their own
(许昌东, 安阳东, 鹤壁东, 驻马店西 ... see shared/data/README.md) are unknown, because the boards cannot show a stop
there: this is the main known gap of the derived patterns; they are listed in the column `unknown`. A station
without a 12306 telecode (横店东, a junction with no passenger business) sells no tickets, so a train never stops
there: it is passed, never unknown.

A stop where a train's board shows it standing LONG_DWELL_MIN minutes or more is listed in the column `reverses`:
the train changes ends there (石家庄 between 京广 south and 石太, 郑州东 between 郑徐 and 京广: the layout of the
station makes trains leave by the end they came in, which a turn on the map does not show) or stands to be
overtaken. The model charges such a stop the fitted `reverse_s` of the train class, not the board's minutes.
A stop where it stands STAND_MIN to LONG_DWELL_MIN - 1 minutes is listed in the column `stands`: a long stand, to be
overtaken or to wait for a path (G1810: 12 min at 郑州东; G53's 7 min at 徐州东 counts as a dwell). Which stops are
long is a fact of the pattern, like its stops; the model charges such a stop the fitted `stand_s` of the class in
place of its dwell, not the board's minutes.

Trains with the same class, maximum speed, route, stops, reversals and stands are grouped into one service with `trains_per_day`
(the boards are one day's timetable, so the number of train codes is trains a day).

Output `services.csv` (one directed service a row):
  service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,stands,example_trains,departures,arrivals,source
  - class: the model's train class (hsr for G and D trains, intercity for C, conventional for the others)
  - max_kmh: the train's maximum speed by its class letter (see TRAIN_MAX_KMH)
  - route: station ids in running order, '|'-separated; consecutive ids are joined by a rail section; a station
    appears once, but a junction without passenger business (no telecode, 横店东) may be passed twice
  - stops: the station ids of the route where the train stops, '|'-separated, in order
  - unknown: the route's stations without a board of their own, where the boards cannot tell whether the train
    stops (the model takes each train to stop there with probability `rail.unknown_stop_ratio` × the pattern's stop
    rate at the stations with a board it passes, at most one, × `rail.county_stop_weight` for a G/D/C train at a
    station not named after its city)
  - reverses, stands: intermediate stops where the trains stand LONG_DWELL_MIN min or more (a change of ends), or
    STAND_MIN to LONG_DWELL_MIN - 1 min (a long stand)
  - departures: the clock times of each train of the pattern (trains space-separated, in train-code order; a
    train's times '/'-separated in running order): `dep@ID=HH:MM`, its departure from stop ID on the board there,
    for every stop but the last whose board shows one; a train whose boards show no departure at those stops gives
    `arr@ID=HH:MM`, its arrival at the last stop whose board shows one. The departure-window search
    (`ringsim od --window`) uses them: a train leaves a stop with a board at the board's time
  - arrivals: each train's arrivals (trains space-separated, in the order of `departures`; a train's
    '/'-separated in running order): `ID=HH:MM` at every stop after the first whose board shows an arrival, '-'
    for a train with none. A train's arrival at one stop less its departure from an earlier one is its scheduled
    time between them, which the model takes for the pattern's trains between two board stations (the physics
    then gives only what a scenario changes: speeds, stops)

Standard library only. Usage (from the repository root):
  python3 tools/derive/services.py --shared ../shared/data --network networks/zhongyuan [--check]
--check compares the would-be output with networks/<n>/services.csv byte for byte and exits 1 on a difference.
"""
from __future__ import annotations

import argparse
import csv
import heapq
import io
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timetable  # noqa: E402  (load_trains, positions: the boards' reading and clock cut, shared with timetable.py)

SCHED = "rail-timetable-2021/station_schedules_2021.csv"
# The boards date from about January 2021: sections opened later carry no 2021 train.
BOARDS_DATE = "2021-01-31"

# Maximum speed by the class letter of a train code (model input `max_kmh`).
TRAIN_MAX_KMH = {
    # G: 复兴号 CR400 / 和谐号 CRH380 EMUs, 350 km/h (the highest operating speed of the lines the boards cover)
    "G": (350, "G trains are CR400/CRH380 EMUs built for 350 km/h (the line's own limit applies)"),
    # D and C: CRH1/2/5/6 EMUs, 250 km/h design (160–250 depending on type: the line's limit applies)
    "D": (250, "D trains are 250 km/h-class EMUs (CRH1/2/5); on slower lines the line limit applies"),
    "C": (250, "C intercity trains are 200–250 km/h EMUs (CRH2/CRH6); on the intercity lines (200) the line limit applies"),
    # China Railway's passenger train classes: Z 直达特快 160, T 特快 140, K 快速 120 km/h maximum
    "Z": (160, "Z 直达特快: 160 km/h maximum (China Railway passenger train classification)"),
    "T": (140, "T 特快: 140 km/h maximum (China Railway passenger train classification)"),
    "K": (120, "K 快速: 120 km/h maximum (China Railway passenger train classification)"),
}
OTHER_MAX = (120, "普快/普客/other trains: 120 km/h maximum assumed (the K class's; these trains stop more, not run faster)")

# Route choice: a section of a line of another kind than the train's costs this many times its length, so that a
# G train keeps to high-speed lines where they exist and a K train to conventional ones.
OTHER_MODE_FACTOR = 3.0
# A leg between two consecutive stops whose scheduled average speed over the modelled route is above this is a
# direction or clock error of a >24 h train, or a route the network lacks (the train's real corridor is missing and
# the modelled detour is far longer); the fastest 2021 average between two stops is about 300 km/h.
MAX_LEG_KMH = 360.0
# A stop of this many minutes or more is a change of ends (or a wait to be overtaken), not a dwell: the 2021 boards'
# dwell times of G/D/C trains at intermediate stops have their mode at 2 min, and a second mode at 15–25 min made of
# trains changing ends at through stations (石家庄 京广 south ↔ 石太: 23–28 min; 郑州东 郑徐 ↔ 京广 north: 19–20).
LONG_DWELL_MIN = 15
# A stop of this many minutes or more (and less than LONG_DWELL_MIN) is a long stand: the train waits there to be
# overtaken or for its path, longer than a dwell for passengers. The boards' G/D/C dwells fall off from their mode
# at 2 min to 5–7 min at the big stations (the dwell the model charges at junctions); overtaking takes the time of
# two headways (the faster train arrives behind the standing one and leaves before it: 2 × 3–5 min), so 8 min.
STAND_MIN = 8
# Turns a train cannot make at a station: (from, via, to) by station name, either direction. At 德州东 the 石济
# trains do not run onto 京沪 towards 济南西: they keep to 石济 (平原东, 禹城东, 齐河) and reach 济南西 by the 齐河 link.
# Evidence: the 2021 boards time the 石济 trains (石家庄 ↔ 德州东 ↔ 济南西: D1646, G2058, D1636 …) at 34–55 min between
# 德州东 and 济南西, the 京沪 trains at 24 (shared:rail-timetable-2021/station_schedules_2021.csv#德州东|济南西); the line
# opened to 济南西 by the 齐河 link (networks/zhongyuan/facts/rail_stretches.csv#shiji-hsr-dezhoudong-jinanxi). The two
# routes are both about 92–95 km, so the quickest-path rule alone would send the trains over 京沪 at 300 km/h.
TURN_BANS = (("景州", "德州东", "济南西"),)


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def train_class(code):
    c = code[:1]
    if c in ("G", "D"):
        return "hsr"
    if c == "C":
        return "intercity"
    return "conventional"


def fast_modes(cls):
    return {"hsr", "intercity"} if cls in ("hsr", "intercity") else {"conventional"}


def open_at_boards(section):
    """Whether a rail_sections.csv row was open at the boards' date."""
    return bool(section["opened"]) and section["opened"][:10] <= BOARDS_DATE


def boards_speed(network):
    """The line speed of a rail_sections.csv row at the boards' date: its operating speed, replaced by its line's
    speed changes in force then (speed_changes.csv, latest last), never above its design speed."""
    changes = defaultdict(list)  # line -> [(effective, km/h)] in force at the boards' date
    for r in read(os.path.join(network, "speed_changes.csv")):
        if r["effective"][:10] <= BOARDS_DATE:
            changes[r["line_id"]].append((r["effective"], float(r["operating_speed_kmh"])))

    def speed(s):
        kmh = float(s["operating_speed_kmh"])
        for _eff, v in sorted(changes[s["line_id"]]):
            kmh = min(v, float(s["design_speed_kmh"]))
        return kmh

    return speed


def build(shared, network):
    stations = read(os.path.join(network, "stations.csv"))
    by_name = {}
    for s in stations:
        by_name.setdefault(s["name"], s["station_id"])
    lines = {r["line_id"]: r["mode"] for r in read(os.path.join(network, "rail_lines.csv"))}
    speed = boards_speed(network)
    adj = defaultdict(list)  # station -> [(station, km, mode, line speed at the boards' date)]
    for s in read(os.path.join(network, "rail_sections.csv")):
        if not open_at_boards(s):
            continue
        km = float(s["length_km"])
        mode = lines[s["line_id"]]
        kmh = speed(s)
        adj[s["from_station"]].append((s["to_station"], km, mode, kmh))
        adj[s["to_station"]].append((s["from_station"], km, mode, kmh))

    def path(a, b, cls, vmax):
        """Quickest station sequence a..b for G/D/C trains: each section weighs its time at min(line speed, the
        train's maximum), preferred modes at full weight, the others OTHER_MODE_FACTOR ×; with its true length in km
        and its (km, line speed) hops. By time, not length: a train does not take a slow link through a hub to save
        km (郑州东 → 郑州西 runs on its own 42 km of 郑西, not 15 km of 80 km/h link via 郑州 plus 23 km). Conventional
        trains keep the shortest path: most conventional line speeds are one assumed 160 km/h, and where the network
        lacks a conventional line (陇海 west of 洛阳) a quickest path would send them back and forth between the
        lines; by length they stay on the high-speed line that stands in for it."""
        pref = fast_modes(cls)
        by_time = cls in ("hsr", "intercity")
        dist = {a: (0.0, 0.0)}
        prev = {}
        heap = [(0.0, 0.0, a)]
        while heap:
            d, real, u = heapq.heappop(heap)
            if u == b:
                break
            if dist.get(u, (None,))[0] != d:
                continue
            for v, km, mode, kmh in sorted(adj[u]):
                w = (km / min(kmh, vmax) if by_time else km) * (1.0 if mode in pref else OTHER_MODE_FACTOR)
                nd = d + w
                if v not in dist or nd < dist[v][0] - 1e-9:
                    dist[v] = (nd, real + km)
                    prev[v] = (u, km, kmh)
                    heapq.heappush(heap, (nd, real + km, v))
        if b not in dist:
            return None, None, None
        seq, hops = [b], []
        while seq[-1] != a:
            u, km, kmh = prev[seq[-1]]
            hops.append((km, kmh))
            seq.append(u)
        return seq[::-1], dist[b][1], hops[::-1]

    bans = set()
    for x, y, z in TURN_BANS:
        if x in by_name and y in by_name and z in by_name:
            bans.add((by_name[x], by_name[y], by_name[z]))
            bans.add((by_name[z], by_name[y], by_name[x]))

    def leg_states(sources, b, cls, vmax):
        """The quickest paths to b from a set of (station, previous station) states with their costs so far, over
        (station, previous station) states so that a banned turn is never made, nor a U-turn except at a stop (where
        a train may change ends: G1716 at 汉口): {(b, previous): (cost, km, stations, hops, source state)} for every
        way into b. Weights as in `path`."""
        pref = fast_modes(cls)
        by_time = cls in ("hsr", "intercity")
        dist, prev, heap = {}, {}, []
        for st, c in sorted(sources.items()):
            dist[st] = (c, 0.0)
            heapq.heappush(heap, (c, 0.0, st))
        done = {}
        while heap:
            d, real, st = heapq.heappop(heap)
            if dist[st] != (d, real) or st in done:
                continue
            u, pu = st
            if u == b and st not in sources:
                done[st] = (d, real)
                continue
            for v, km, mode, kmh in sorted(adj[u]):
                if (v == pu and st not in sources) or (pu, u, v) in bans:
                    continue
                w = (km / min(kmh, vmax) if by_time else km) * (1.0 if mode in pref else OTHER_MODE_FACTOR)
                ns = (v, u)
                if ns not in dist or d + w < dist[ns][0] - 1e-9:
                    dist[ns] = (d + w, real + km)
                    prev[ns] = (st, km, kmh)
                    heapq.heappush(heap, (d + w, real + km, ns))
        out = {}
        for st, (d, real) in done.items():
            seq, hops, cur = [st[0]], [], st
            while cur in prev:
                cur, km, kmh = prev[cur]
                hops.append((km, kmh))
                seq.append(cur[0])
            out[st] = (d, real, seq[::-1], hops[::-1], cur)
        return out

    def route_run(ids, cls, vmax):
        """The legs' paths (stations, km, hops) of a run of stops: each leg's quickest path; where their chain makes
        a banned turn (TURN_BANS), the quickest chain of legs that makes none (a search over (station, previous
        station) states, leg by leg); if there is none, the legs' own quickest paths (counted in the stats:
        `turn_ban_unroutable`)."""
        legs = [path(a, b, cls, vmax) for a, b in zip(ids, ids[1:])]
        if not bans:
            return legs
        chain = []
        for p, _km, _hops in legs:
            if p is None:
                chain.append(None)
            else:
                chain.extend(p if not chain or chain[-1] != p[0] else p[1:])
        if not any(t in bans for t in zip(chain, chain[1:], chain[2:])):
            return legs
        layers, sources = [], {(ids[0], ""): 0.0}
        for b in ids[1:]:
            res = leg_states(sources, b, cls, vmax)
            if not res:
                stats["turn_ban_unroutable (kept, with the banned turn)"] += 1
                return legs
            layers.append(res)
            sources = {st: v[0] for st, v in res.items()}
        st = min(layers[-1], key=lambda k: (layers[-1][k][0], k))
        out = []
        for res in reversed(layers):
            _d, real, seq, hops, st = res[st]
            out.append((seq, real, hops))
        return out[::-1]

    trains = timetable.load_trains(os.path.join(shared, SCHED))
    boards = set()
    for calls in trains.values():
        boards.update(calls)
    board_ids = {by_name[n] for n in boards if n in by_name}
    # stations without a 12306 telecode have no passenger business (a junction such as 横店东): never a stop
    no_tickets = {s["station_id"] for s in stations if not s["telecode"]}
    stats = defaultdict(int)
    # legs whose scheduled time is below the running time at the line limits over the modelled route (each section
    # at min(line speed, train maximum), no time to start or stop): physically impossible, so the route, a length or
    # a line speed of the network is wrong. Reported, not acted on: (from, to) -> (ratio, train, minutes, limit, km)
    below_limit = {}
    groups = defaultdict(list)  # (cls, max, route, stops, reverses, stands) -> [codes]
    arrivals_of = {}  # (key, code) -> ((station id, minutes after midnight), ...): the train's arrivals on the boards
    anchor_of = {}  # (key, code) -> (kind, station id, minutes after midnight): the train's clock time in the pattern
    unknown_of = {}  # same key -> route stations without a board (stop unknown)
    for code in sorted(trains):
        calls = trains[code]
        any_call = next(iter(calls.values()))
        origin, terminus = any_call["origin"], any_call["terminus"]
        pos, _ = timetable.positions(calls)
        # the train's calls in running order: (position, station name, arr pos, dep pos)
        seq = []
        for name, (pa, pd) in pos.items():
            seq.append(((pa if pa is not None else pd), name, pa, pd))
        seq.sort()
        names = [x[1] for x in seq]
        # origin/terminus without a board of their own are stops too (first and last)
        if origin not in calls:
            names.insert(0, origin)
        if terminus not in calls:
            names.append(terminus)
        ids = [by_name.get(n) for n in names]
        cls = train_class(code)
        vmax = TRAIN_MAX_KMH.get(code[:1], OTHER_MAX)[0]
        # split into runs of consecutive network stations
        runs, cur = [], []
        for i, sid in enumerate(ids):
            if sid is None:
                if len(cur) > 1:
                    runs.append(cur)
                cur = []
            else:
                cur.append((sid, names[i]))
        if len(cur) > 1:
            runs.append(cur)
        if not runs:
            stats["no_two_network_stops"] += 1
            continue
        for run in runs:
            # A leg the network cannot carry (no path, a physically impossible scheduled speed on the modelled
            # route, or a route that would pass a station twice) ends the service there; the train's next legs
            # start a new one, so the rest of the train is kept.
            pieces = []
            route, stops = [run[0][0]], [run[0][0]]
            # stops where the train stands LONG_DWELL_MIN or more (only intermediate calls with both times)
            long_dwell, stand = set(), set()
            for sid, nm in run[1:-1]:
                c = calls.get(nm)
                if c is not None and c["arr"] is not None and c["dep"] is not None:
                    d = (c["dep"] - c["arr"]) % 1440
                    if d >= LONG_DWELL_MIN:
                        long_dwell.add(sid)
                    elif d >= STAND_MIN:
                        stand.add(sid)
            leg_paths = route_run([sid for sid, _ in run], cls, vmax)
            for ((a, na), (b, nb)), (p, km, hops) in zip(zip(run, run[1:]), leg_paths):
                why = None
                if p is None:
                    why = "leg_without_path"
                elif na in pos and nb in pos and pos[na][1] is not None and pos[nb][0] is not None:
                    mins = (calls[nb]["arr"] - calls[na]["dep"]) % 1440
                    if mins <= 0 or km / (mins / 60.0) > MAX_LEG_KMH:
                        why = "leg_impossible_speed"
                    else:
                        limit = 60.0 * sum(x / min(v, vmax) for x, v in hops)
                        if mins < limit:
                            stats["leg_below_line_limit_time (kept)"] += 1
                            old = below_limit.get((na, nb))
                            if old is None or mins / limit < old[0]:
                                below_limit[(na, nb)] = (mins / limit, code, mins, limit, km)
                # a train may pass a junction without passenger business twice (G1716 南京南 → 合肥南 → 汉口 → 信阳东
                # passes 横店东 on 合武 into 汉口 and again on 京广 out of it, after changing ends at 汉口)
                if why is None and (set(p[1:]) & set(route)) - no_tickets:
                    why = "leg_revisits_a_station"
                if why is not None:
                    stats[why] += 1
                    pieces.append((route, stops))
                    route, stops = [b], [b]
                    continue
                route.extend(p[1:])
                stops.append(b)
            pieces.append((route, stops))
            for route, stops in pieces:
                if len(stops) < 2:
                    continue
                rev = tuple(x for x in stops[1:-1] if x in long_dwell)
                stn = tuple(x for x in stops[1:-1] if x in stand)
                key = (cls, vmax, tuple(route), tuple(stops), rev, stn)
                groups[key].append(code)
                anchor_of[(key, code)] = anchor(stops, run, calls)
                arrivals_of[(key, code)] = arrivals(stops, run, calls)
                unknown_of[key] = tuple(x for x in route if x not in board_ids and x not in stops and x not in no_tickets)
                stats["services_from_trains"] += 1
    return groups, unknown_of, stats, below_limit, anchor_of, arrivals_of


def arrivals(stops, run, calls):
    """The train's arrivals on the boards (column `arrivals`): at every stop after the first whose board shows one,
    in running order. With the departures they give the train's scheduled time between two board stations."""
    name = dict(run)
    out = []
    for sid in stops[1:]:
        c = calls.get(name[sid])
        if c is not None and c["arr"] is not None:
            out.append((sid, c["arr"]))
    return tuple(out)


def anchor(stops, run, calls):
    """The train's clock times in a pattern (column `departures`): its departure at every stop but the last whose
    board shows one, in running order; a train whose board shows a departure at none of them gives its arrival at
    the last stop whose board shows one."""
    name = dict(run)
    deps = []
    for sid in stops[:-1]:
        c = calls.get(name[sid])
        if c is not None and c["dep"] is not None:
            deps.append(("dep", sid, c["dep"]))
    if deps:
        return tuple(deps)
    for sid in reversed(stops[1:]):
        c = calls.get(name[sid])
        if c is not None and c["arr"] is not None:
            return (("arr", sid, c["arr"]),)
    raise SystemExit(f"a pattern {stops} without a board time: every piece of a train has a board call")


def render(groups, unknown_of, anchor_of, arrivals_of):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["service_id", "class", "max_kmh", "trains_per_day", "route", "stops", "unknown", "reverses", "stands", "example_trains", "departures", "arrivals", "source"])
    keys = sorted(groups, key=lambda k: (k[2][0], k[2][-1], k[0], -k[1], k[2], k[3], k[4], k[5]))
    seen = defaultdict(int)
    for k in keys:
        cls, vmax, route, stops, rev, stn = k
        codes = sorted(groups[k])
        base = f"{route[0]}-{route[-1]}-{cls}"
        seen[base] += 1
        sid = f"{base}-{seen[base]}"
        letter = codes[0][:1]
        why = TRAIN_MAX_KMH.get(letter, OTHER_MAX)[1]
        src = (
            f"shared:{SCHED}#{codes[0]} (and {len(codes) - 1} more train codes of this pattern on the boards) ; "
            f"derived: stops are the board stations where the trains appear plus their origin and terminus; "
            f"stations without a board (column unknown) may or may not be stops ; reverses: stops where the boards show "
            f"the trains standing {LONG_DWELL_MIN} min or more ; stands: stops where they stand {STAND_MIN}–{LONG_DWELL_MIN - 1} min ; "
            f"max_kmh: {why}"
        )
        deps = " ".join("/".join(f"{kind}@{st}={m // 60:02d}:{m % 60:02d}" for kind, st, m in anchor_of[(k, c)]) for c in codes)
        # a train without an arrival on the boards is '-', so that the trains line up with the departures
        arrs = " ".join("/".join(f"{st}={m // 60:02d}:{m % 60:02d}" for st, m in arrivals_of[(k, c)]) or "-" for c in codes)
        w.writerow([sid, cls, vmax, len(codes), "|".join(route), "|".join(stops), "|".join(unknown_of[k]), "|".join(rev), "|".join(stn), " ".join(codes[:3]), deps, arrs, src])
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", required=True)
    ap.add_argument("--network", required=True)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    groups, unknown_of, stats, below_limit, anchor_of, arrivals_of = build(a.shared, a.network)
    text = render(groups, unknown_of, anchor_of, arrivals_of)
    out = os.path.join(a.network, "services.csv")
    if a.check:
        try:
            with open(out, encoding="utf-8") as f:
                old = f.read()
        except FileNotFoundError:
            old = None
        if old != text:
            print(f"{out} is out of date: run python3 tools/derive/services.py --shared {a.shared} --network {a.network}", file=sys.stderr)
            sys.exit(1)
        print("services: up to date")
        return
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, out)
    n = sum(len(v) for v in groups.values())
    print(f"services: {len(groups)} services from {n} train runs -> {out}", file=sys.stderr)
    for k in sorted(stats):
        print(f"  {k}: {stats[k]}", file=sys.stderr)
    if below_limit:
        print("  legs faster than the line limits allow on the modelled route (scheduled / limit time; the "
              "route, a length or a line speed is wrong):", file=sys.stderr)
        for (na, nb), (r, code, mins, limit, km) in sorted(below_limit.items(), key=lambda kv: (kv[1][0], kv[0])):
            print(f"    {na}->{nb}: {code} {mins} min < {limit:.1f} min at the limits over {km:.1f} km "
                  f"({r:.3f})", file=sys.stderr)


if __name__ == "__main__":
    main()
