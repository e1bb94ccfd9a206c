#!/usr/bin/env python3
"""Derive observed station-to-station times from the 2021 departure boards.

Input (under --shared, i.e. ../shared/data):
  rail-timetable-2021/station_schedules_2021.csv
      station,train_type,status_at_station,train_code,origin,terminus,arr,dep
      (boards of 321 stations, about Jan 2021; status 始 = starts here (arr '-'),
       终 = terminates here (dep '-'), 过 = passes/calls here)
  rail-stations/stations_12306.csv  (name -> city, decides study-area membership)

Output: networks/zhongyuan/observed/timetable-2021.csv
  from,to,minutes,train_code,train_type,n_trains,source
  One row per directed station pair (A, B), both in the study area (a station whose
  12306 city is one of the 30 plan cities, or one of the neighbouring capitals' main
  stations), keeping the fastest train: minutes = arr at B - dep at A (dwell at
  intermediate stops included), n_trains = number of train codes serving A -> B.

Direction of a train between two boards: a station where the train starts (始, no
arr) can only be the from-station, one where it ends (终, no dep) only the to-station.
For two passing calls (过) every call is a point on the 24 h clock.  The clock is cut at
the train's origin departure when the origin has a board (status 始); otherwise just
after its terminus arrival when the terminus has a board (status 终); otherwise in the
largest empty gap between the train's calls.  A station is before another when its
position after the cut is smaller.  This is exact for runs under 24 h; many K/T/Z
trains run 25-50 h and then the cut can fall between two stations.  So the cut is
checked against geography: with the stations' coordinates (Baidu-2023 geocodes, else
non-imputed Amap ones, used for nothing else), a is before b when it lies nearer the
origin and farther from the terminus; a straight-line score of at least GEO_MARGIN_KM
that disagrees with the cut overrides it.  Of the 161 overrides between study-area
stations (Jan 2021 data), 157 replace a cut time of over 12 h by the shorter reverse
and 4 (K1064, K1805, K284, K729) were checked by hand; all are >24 h trains.  minutes = (arr at B - dep at A) mod 24 h; zero times and
times above MAX_PAIR_MIN are rejected and counted.  The 往香港直通车 through coaches on
Z97-Z100 duplicate the main train's rows and are merged into it.

Standard library only.  Usage (from the repository root):
  python3 tools/derive/timetable.py --shared ../shared/data \
      --out networks/zhongyuan/observed/timetable-2021.csv [--check]
--check compares the would-be output with the file byte for byte and exits 1 on a
difference, without writing.
"""
import argparse
import csv
import io
import math
import os
import sys
import tempfile
from collections import defaultdict

SCHED = "rail-timetable-2021/station_schedules_2021.csv"
# The date the boards apply to, written as every row's `as_of`: the shared README dates them "about Jan 2021";
# the month's last day, the same date as rail.hub_lines_as_of of networks/zhongyuan/params.toml (the boards' date).
BOARDS_AS_OF = "2021-01-31"
STATIONS = "rail-stations/stations_12306.csv"
XY_BAIDU = "rail-stations/stations_baidu2023_wgs84.csv"
XY_AMAP = "rail-stations/stations_amap_geocoded_wgs84.csv"
# Geography overrides the clock cut only when it is this clear (km); bent HSR routes
# such as 青岛北-石家庄-邯郸东 give scores of about 30 km the wrong way.
GEO_MARGIN_KM = 50

# The 30 prefecture-level cities of the plan (seed 001, 中原城市群发展规划).
PLAN_CITIES = (
    "郑州 开封 洛阳 平顶山 新乡 焦作 许昌 漯河 济源 鹤壁 商丘 周口 晋城 亳州 安阳 "
    "濮阳 三门峡 南阳 信阳 驻马店 邯郸 邢台 长治 运城 宿州 阜阳 淮北 蚌埠 聊城 菏泽"
).split()
# Neighbouring provincial capitals: their main stations only.
CAPITAL_STATIONS = ["石家庄", "太原南", "太原", "西安北", "武汉", "合肥南", "济南西", "南京南"]

DAY = 1440
# Safety net: a time between two stations of the study area above this (22 h) is taken
# as a direction error, not a trip.  The longest real ones are about 20 h (K238
# 信阳 10:46 -> 太原 06:33 next day via 洛阳/华山/临汾, 1187 min).
MAX_PAIR_MIN = 1320

# Rows of the same train at the same station with identical times but a different
# train_type/terminus (through coaches to 红磡 on Z97/Z98/Z99/Z100) are merged; the
# row whose type is not in this list wins.
THROUGH_COACH_TYPES = {"往香港直通车"}

SANITY = [
    ("郑州东", "开封北"), ("郑州东", "许昌东"), ("郑州东", "洛阳龙门"), ("郑州东", "新乡东"),
    ("郑州东", "石家庄"), ("郑州东", "武汉"), ("郑州东", "西安北"), ("郑州东", "徐州东"),
    ("郑州", "开封"), ("郑州东", "商丘"), ("郑州东", "漯河西"), ("郑州东", "信阳东"),
    ("郑州东", "南阳东"), ("郑州东", "邯郸东"), ("郑州东", "宋城路"), ("郑州东", "焦作"),
    ("郑州", "洛阳"), ("郑州", "新乡"),
]


def hm(s):
    s = s.strip()
    if not s or s == "-":
        return None
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def load_trains(path):
    """train_code -> {station: call}; call = dict(arr, dep, status, type)."""
    trains = defaultdict(dict)
    meta = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            code = r["train_code"].strip()
            st = r["station"].strip()
            call = {
                "arr": hm(r["arr"]),
                "dep": hm(r["dep"]),
                "status": r["status_at_station"].strip(),
                "type": r["train_type"].strip(),
                "origin": r["origin"].strip(),
                "terminus": r["terminus"].strip(),
            }
            old = trains[code].get(st)
            if old is not None:
                if (old["arr"], old["dep"]) != (call["arr"], call["dep"]):
                    raise SystemExit(f"conflicting rows for {code} at {st}")
                # keep the main-train row over a through-coach row
                if old["type"] in THROUGH_COACH_TYPES and call["type"] not in THROUGH_COACH_TYPES:
                    trains[code][st] = call
                continue
            trains[code][st] = call
    return trains


def positions(calls):
    """station -> (pos_arr, pos_dep) minutes after the cut, for one train."""
    starts = [c["dep"] for c in calls.values() if c["status"] == "始" and c["dep"] is not None]
    ends = [c["arr"] for c in calls.values() if c["status"] == "终" and c["arr"] is not None]
    times = sorted({t for c in calls.values() for t in (c["arr"], c["dep"]) if t is not None})
    if starts:
        cut = starts[0]
        how = "origin"
    elif ends:
        cut = (ends[0] + 1) % DAY
        how = "terminus"
    else:
        # largest empty gap on the clock; cut just after the gap opens
        best = None
        for i, t in enumerate(times):
            nxt = times[(i + 1) % len(times)]
            gap = (nxt - t) % DAY or DAY
            if best is None or gap > best[0]:
                best = (gap, nxt)
        cut = best[1]
        how = "gap"
    pos = {}
    for st, c in calls.items():
        pa = None if c["arr"] is None else (c["arr"] - cut) % DAY
        pd = None if c["dep"] is None else (c["dep"] - cut) % DAY
        if pa is not None and pd is not None and pd < pa:
            # dwell spans the cut: only possible for a >24 h run; keep arr before dep
            pd += DAY
        pos[st] = (pa, pd)
    return pos, how


def load_xy(shared):
    """Station -> (lon, lat) WGS84, only for the coarse direction test below.
    Baidu-2023 geocodes first, then Amap geocodes that are not imputed."""
    xy = {}
    with open(os.path.join(shared, XY_AMAP), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["imputed_mean_of_graph_neighbours"].strip() == "0" and r["lon_wgs84"].strip():
                xy[r["station"].strip()] = (float(r["lon_wgs84"]), float(r["lat_wgs84"]))
    with open(os.path.join(shared, XY_BAIDU), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["lon_wgs84"].strip():
                xy[r["station"].strip()] = (float(r["lon_wgs84"]), float(r["lat_wgs84"]))
    return xy


def km(xy, a, b):
    (x1, y1), (x2, y2) = xy[a], xy[b]
    k = math.cos(math.radians((y1 + y2) / 2))
    return 111.2 * math.hypot((x1 - x2) * k, y1 - y2)


def geo_score(xy, origin, terminus, a, b):
    """> 0 when a lies before b on a run origin -> terminus (a nearer the origin and
    farther from the terminus than b), in km; None without coordinates."""
    if not all(s in xy for s in (origin, terminus, a, b)):
        return None
    return (km(xy, origin, b) - km(xy, origin, a)) + (km(xy, a, terminus) - km(xy, b, terminus))


def derive(shared):
    trains = load_trains(os.path.join(shared, SCHED))
    city = {}
    with open(os.path.join(shared, STATIONS), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            city[r["name"].strip()] = r["city"].strip()
    area = {s for s, c in city.items() if c in PLAN_CITIES} | set(CAPITAL_STATIONS)
    xy = load_xy(shared)

    # (A, B) -> list of (minutes, code, type); computed for all pairs (sanity checks
    # may look outside the area), filtered for the output.
    pairs = defaultdict(list)
    stats = defaultdict(int)
    for code in sorted(trains):
        calls = trains[code]
        if len(calls) < 2:
            continue
        pos, how = positions(calls)
        stats["cut_" + how] += 1
        names = list(calls)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                ca, cb = calls[a], calls[b]
                ab_ok = ca["dep"] is not None and cb["arr"] is not None  # a -> b possible
                ba_ok = cb["dep"] is not None and ca["arr"] is not None  # b -> a possible
                if ab_ok and ba_ok:
                    # both stations are passing calls: the clock cut decides ...
                    a_first = pos[b][0] > pos[a][1]
                    # ... unless geography clearly says otherwise (runs over 24 h,
                    # where the cut can fall between the two stations)
                    g = geo_score(xy, ca["origin"], ca["terminus"], a, b)
                    if g is not None and abs(g) >= GEO_MARGIN_KM and (g > 0) != a_first:
                        a_first = g > 0
                        if a in area and b in area:
                            stats["area_direction_set_by_geography"] += 1
                elif ab_ok:
                    a_first = True
                elif ba_ok:
                    a_first = False
                else:
                    continue
                x, y = (a, b) if a_first else (b, a)
                minutes = (calls[y]["arr"] - calls[x]["dep"]) % DAY
                if minutes == 0 or minutes >= DAY:
                    stats["rejected_zero_or_over_24h"] += 1
                    continue
                if x in area and y in area and minutes > MAX_PAIR_MIN:
                    stats["rejected_over_max_in_area"] += 1
                    continue
                pairs[(x, y)].append((minutes, code, calls[x]["type"]))
    return pairs, area, stats, trains


def render(pairs, area):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["from", "to", "minutes", "train_code", "train_type", "n_trains", "as_of", "source"])
    n = 0
    for (a, b) in sorted(pairs):
        if a not in area or b not in area:
            continue
        lst = sorted(pairs[(a, b)])
        minutes, code, ttype = lst[0]
        n_trains = len({c for _, c, _ in lst})
        w.writerow([a, b, minutes, code, ttype, n_trains, BOARDS_AS_OF,
                    f"shared:{SCHED}#{code}"])
        n += 1
    return buf.getvalue(), n


def fmt(m):
    return f"{m} min ({m // 60}h{m % 60:02d})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", required=True, help="path to ../shared/data")
    ap.add_argument("--out", required=True, help="output CSV path")
    ap.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on difference")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    pairs, area, stats, trains = derive(args.shared)
    text, n = render(pairs, area)
    data = text.encode("utf-8")

    if not args.quiet:
        boards = {s for calls in trains.values() for s in calls}
        print(f"trains: {len(trains)}; clock cut by {dict(sorted(stats.items()))}", file=sys.stderr)
        print(f"area stations with a board: {len(boards & area)}; rows: {n}", file=sys.stderr)
        for a, b in SANITY:
            lst = sorted(pairs.get((a, b), []))
            tag = "" if (a in area and b in area) else " [outside area: not in output]"
            if lst:
                print(f"  {a}->{b}: {fmt(lst[0][0])} by {lst[0][1]} ({lst[0][2]}), n_trains={len({c for _, c, _ in lst})}{tag}",
                      file=sys.stderr)
            else:
                why = "" if b in boards else f" ({b} has no board)"
                print(f"  {a}->{b}: no common train{why}{tag}", file=sys.stderr)

    if args.check:
        try:
            with open(args.out, "rb") as f:
                old = f.read()
        except FileNotFoundError:
            print(f"{args.out}: missing", file=sys.stderr)
            sys.exit(1)
        if old != data:
            print(f"{args.out}: differs from derivation", file=sys.stderr)
            sys.exit(1)
        print(f"{args.out}: up to date", file=sys.stderr)
        return

    d = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".timetable-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


if __name__ == "__main__":
    main()
