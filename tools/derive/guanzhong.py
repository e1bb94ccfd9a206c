#!/usr/bin/env python3
"""Derive the network files of networks/guanzhong/ (关中平原城市群, Shanxi part; seed 002) from the shared reference
data and facts/.

    python3 tools/derive/guanzhong.py --shared ../shared/data --out networks/guanzhong [--check]

Inputs:  <shared>/census2020, admin-points, boundaries, rail-stations, rail-timetable-2021; <out>/facts/*.csv;
         <out>/params.toml; the seeds folder ../../seeds/guanzhong (cities.csv) seen from <out>.
Outputs: places.csv stations.csv cities.csv rail_lines.csv rail_sections.csv speed_changes.csv road_links.csv
         connectors.csv network.toml observed/reported-times.csv (in <out>), byte-for-byte deterministic.
The rules are those of tools/derive/zhongyuan.py (networks/README.md, "Derivation rules (zhongyuan)") with the
differences listed in networks/guanzhong/README.md: the region is the 19 Shanxi plan units of seed 002, every other
unit is `outside`; a stretch may take its length as a great-circle share of a longer published length
(`share_of_stations`, `share_of_length_km`); cities.csv also has the linked cities of facts/linked_cities.csv that
the seeds list; observed/reported-times.csv joins facts/reported_times.csv with the 2021 departure boards.
Exit codes: 0 ok, 1 --check found differences, 2 bad input.
"""
from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Output, csv_text, fail, haversine_km, log, read_csv  # noqa: E402
from timetable import BOARDS_AS_OF  # noqa: E402  (the boards' date: one definition)
from netbuild import (  # noqa: E402
    LENGTH_REPORT_COLS, check_sections, length_report, track_lengths,
    ADMIN, AGREE_KM, COUNTIES, Inputs, access_connectors, add_network_files, alias_resolver, build_stations,
    check_road_connectivity, expressway_links, load_geocodes, log_summary, network_toml, outside_adder, place_maker,
    rail_line_rows, rail_sections, read_planned_and_fixes, read_rail_lines, read_stretches, region_main, repo_seeds,
    sort_road_links, speed_change_rows, station_rows, stem, trunk_links,
)

# ------------------------------------------------------------------------------------------------ constants

# The Shanxi part of the 关中平原城市群 (seed 002 前言; shared:regions/guanzhong_shanxi/cities.csv): 运城市 without
# 平陆县 and 垣曲县 (11 units) and 8 units of 临汾市.
PLAN_UNITS = [
    "140802", "140821", "140822", "140823", "140824", "140825", "140826", "140828", "140830", "140881", "140882",
    "141002", "141021", "141022", "141023", "141024", "141027", "141081", "141082",
]
EXPECTED_UNITS = 19
EXPECTED_POPULATION = 7_504_669

SCHED = "rail-timetable-2021/station_schedules_2021.csv"

# Outside seat districts added when a station of that 12306 city is in the network: prefecture code, 12306 city.
CAPITALS = [("140100", "太原"), ("610100", "西安")]

STATION_ALIASES = {}
MAX_OBSERVED_MIN = 12 * 60

resolve_name = alias_resolver(STATION_ALIASES)


# ------------------------------------------------------------------------------------------------ places

def build_places(census, make, census_path):
    places = {}
    for code in PLAN_UNITS:
        if code not in census:
            fail(census_path, None, "code", f"plan unit {code} missing")
        p = make(code)
        p.source += " ; doc:002#前言 (plan scope: 运城市 without 平陆县 and 垣曲县; 临汾市 尧都 侯马 襄汾 霍州 曲沃 翼城 洪洞 " \
                    "浮山) ; shared:regions/guanzhong_shanxi/cities.csv"
        places[code] = p
    pop = sum(p.pop for p in places.values())
    if len(places) != EXPECTED_UNITS or pop != EXPECTED_POPULATION:
        fail(census_path, None, "pop2020", f"expected {EXPECTED_UNITS} units / {EXPECTED_POPULATION} people, got "
             f"{len(places)} / {pop}")
    return places


def seat_unit(admin, poly, code, places_or_census):
    a = admin.get(code)
    if a is None:
        fail(ADMIN, None, "adcode", f"{code} missing")
    units = [u for u in poly.containing(float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"]))
             if u in places_or_census]
    if len(units) != 1:
        fail(COUNTIES, None, None, f"the centre of {a['name']} ({code}) lies in {len(units)} census units")
    return units[0]


# ------------------------------------------------------------------------------------------------ helpers

def geocode_point(name, baidu, amap):
    """A coordinate for a station used only to share a published length (not a network station): the mean of the
    two geocodes when they agree within 2 km, else Baidu, else Amap."""
    b, a = baidu.get(name), amap.get(name)
    if b and a and haversine_km(*b, *a) <= AGREE_KM:
        return ((b[0] + a[0]) / 2, (b[1] + a[1]) / 2)
    return b or a


def board_times(shared, names):
    """Fastest scheduled time per directed pair of network stations that both have a 2021 departure board.
    Direction: of (arr B − dep A) and (arr A − dep B), taken mod 24 h, the one under 12 h (a train passes A, then
    B); trips in this network are all far below 12 h."""
    path = os.path.join(shared, SCHED)
    calls = {}  # train -> station -> (arr_min or None, dep_min or None)
    boards = set()

    def mins(t):
        t = t.strip()
        if t in ("", "-"):
            return None
        h, m = t.split(":")
        return int(h) * 60 + int(m)
    for r in read_csv(path, ["station", "train_code", "arr", "dep"]):
        st = r.req("station")
        boards.add(st)
        if st not in names:
            continue
        calls.setdefault(r.req("train_code"), {})[st] = (mins(r["arr"]), mins(r["dep"]))
    best = {}
    for code in sorted(calls):
        c = calls[code]
        for a in sorted(c):
            for b in sorted(c):
                if a == b or c[a][1] is None or c[b][0] is None:
                    continue
                t = (c[b][0] - c[a][1]) % 1440
                back = (c[a][0] - c[b][1]) % 1440 if c[a][0] is not None and c[b][1] is not None else None
                if t == 0 or t >= MAX_OBSERVED_MIN or (back is not None and back < t):
                    continue
                k = (a, b)
                if k not in best or (t, code) < best[k]:
                    best[k] = (t, code)
    return best, boards


# ------------------------------------------------------------------------------------------------ main build

def build(args):
    inp = Inputs(args)
    shared, out, facts, f, params, params_path, circ = (inp.shared, inp.out, inp.facts, inp.f, inp.params,
                                                        inp.params_path, inp.circ)
    census, census_path, admin = inp.census, inp.census_path, inp.admin
    poly = inp.polygons()
    make_place = place_maker(census, inp.pops, census_path, inp.pop_path, admin, poly, merged_seats=False)
    places = build_places(census, make_place, census_path)
    region_codes = set(places)
    add_outside = outside_adder(places, census, census_path, make_place)

    f_lc = os.path.join(facts, "linked_cities.csv")
    f_rt = os.path.join(facts, "reported_times.csv")
    lines = read_rail_lines(f["lines"])
    stretches = read_stretches(f["stretches"], lines, resolve_name, shares=True)
    planned_rows, fixes = read_planned_and_fixes(f, resolve_name)
    stations = build_stations(shared, stretches, planned_rows, fixes, places, census, admin, poly,
                              {c for c, _ in CAPITALS}, inp.rules)

    # outside places: capital seat districts reached by a station of that city; every unit holding a station
    cities12306 = {s.city for s in stations.values()}
    for pref, city in CAPITALS:
        if city in cities12306:
            code = seat_unit(admin, poly, pref, census)
            add_outside(code, f"seat district of {admin[pref]['name']} (city centre shared:{ADMIN}#{pref} lies in it)")
    for st in sorted(stations.values(), key=lambda x: x.sid):
        if st.place_id not in places and st.place_id in census:
            add_outside(st.place_id, f"holds station {st.name}")

    # ---- rail sections (a stretch may share a longer published length; no line-level operating speed)
    baidu, amap, _osm = load_geocodes(shared)

    def share_length(st, total_gc, srcs):
        if not st["_share"]:
            return None
        r = st["_row"]
        full = r.num("share_of_length_km", positive=True)
        fpts = []
        for n in st["_share"]:
            xy = (stations[n].lon, stations[n].lat) if n in stations else geocode_point(n, baidu, amap)
            if xy is None:
                fail(r.path, r.line, "share_of_stations", f"{n} has no geocode")
            fpts.append(xy)
        full_gc = sum(haversine_km(*fpts[i], *fpts[i + 1]) for i in range(len(fpts) - 1))
        length = full * total_gc / full_gc
        return length, (f"derived: {length:.3f} km = {full:g} km x great-circle share {total_gc:.3f}/{full_gc:.3f} of "
                        f"the station chain {st['_share'][0]}–{st['_share'][-1]} (stations outside the network at "
                        f"their geocodes: mean of Baidu and Amap when within {AGREE_KM:g} km, else Baidu) ; {srcs}")

    track = track_lengths(shared, inp.rules, inp.params_path)

    sections = rail_sections(stretches, lines, stations, track, line_operating=False,
                             share_length=share_length, length_fmt=".3f")
    speed_rows = speed_change_rows(f["speeds"], lines)
    line_rows = rail_line_rows(lines)

    # ---- expressway links
    road = expressway_links(f["expressways"], places, census, circ, add_outside, strict=True)

    # ---- cities (seeds' cities, plus linked cities of facts/linked_cities.csv that the seeds list)
    seeds_dir = repo_seeds(out, "guanzhong")
    seed_rows = read_csv(os.path.join(seeds_dir, "cities.csv"), ["city_id", "name_zh"])
    seed_ids = {r.req("city_id") for r in seed_rows}
    wanted = [(r.req("city_id"), r.req("name_zh"), "") for r in seed_rows]
    linked = read_csv(f_lc, ["city_id", "name_zh", "source"]) if os.path.exists(f_lc) else []
    missing = []
    for r in linked:
        cid = r.req("city_id")
        if cid in seed_ids:
            continue  # already a seeds city
        missing.append(f"{cid} {r.req('name_zh')}")
    if missing:
        log("warning: linked cities not in seeds/guanzhong/cities.csv, left out of cities.csv until added there: "
            + ", ".join(missing))
    linked_src = {r.req("city_id"): r.req("source") for r in linked}
    city_rows = []
    for cid, cname, _ in wanted:
        a = admin.get(cid)
        if a is None:
            fail(os.path.join(seeds_dir, "cities.csv"), None, "city_id", f"{cid} not in {ADMIN}")
        seat = seat_unit(admin, poly, cid, census)
        add_outside(seat, f"seat unit of the linked city {cname}")
        st = stem(cname)
        own = []
        for x in stations.values():
            p = places.get(x.place_id)
            in_city = x.city == st or x.place_id == cid or (p is not None and p.pref_id == cid)
            if in_city and x.name.startswith(st):
                own.append(x.sid)
        src = (f"shared:{ADMIN}#{cid} (city government seat lies in {places[seat].name} {seat}, by point-in-polygon "
               f"on shared:{COUNTIES}) ; derived: stations named after the city and filed under it by 12306 or lying "
               "in its territory")
        if cid in linked_src:
            src += f" ; {linked_src[cid]}"
        city_rows.append([cid, cname, seat, "|".join(sorted(own)), src])
    city_rows.sort()

    # ---- trunk roads, connectors
    trunk, codes = trunk_links(places, circ, inp.rules)
    road += trunk
    sort_road_links(road)
    conns = access_connectors(stations, places, codes, circ, f["stretches"], inp.rules)
    conns.sort(key=lambda x: (x[2], x[0], x[1]))

    # ---- connectivity check (roads, from 运城's seat district)
    origin = seat_unit(admin, poly, "140800", places)
    check_road_connectivity(codes, road, origin, f["expressways"])

    # ---- observed times: hand-curated reported times, then the 2021 boards
    names = {s.name for s in stations.values()}
    obs = []
    if os.path.exists(f_rt):
        for r in read_csv(f_rt, ["from", "to", "minutes", "as_of", "source"]):
            for fld in ("from", "to"):
                if r.req(fld) not in names:
                    fail(r.path, r.line, fld, f"{r[fld]!r} is not a station name of stations.csv")
            m = r.num("minutes", positive=True)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.req("as_of")):
                fail(r.path, r.line, "as_of", f"the date the time applies to must be YYYY-MM-DD, got {r['as_of']!r}")
            obs.append([r.req("from"), r.req("to"), f"{m:g}", r.opt("train_code"), r["as_of"], r.req("source")])
    board, boards = board_times(shared, names)
    have = {(o[0], o[1]) for o in obs}
    on_line = {}
    for st in stretches:
        for n in st["_stations"]:
            on_line.setdefault(n, set()).add(st["_line"])
    for (a, b), (t, code) in sorted(board.items()):
        if (a, b) in have or not (on_line.get(a, set()) & on_line.get(b, set())):
            continue  # kept only when one modelled line serves both stations
        obs.append([a, b, str(t), code, BOARDS_AS_OF, f"shared:{SCHED}#{code} (fastest train on both 2021 boards; dep {a} to arr "
                                       f"{b}, dwell included)"])

    st_rows = station_rows(stations)
    lons = [p.lon for p in places.values()] + [s.lon for s in stations.values()]
    lats = [p.lat for p in places.values()] + [s.lat for s in stations.values()]
    toml = network_toml("guanzhong", "关中平原城市群, Shanxi part (seed 002): the 19 census county-level units of 运城 "
                        "(without 平陆, 垣曲) and 临汾 (8 units) in the plan, with 西安 and the neighbours the lines and "
                        "expressways reach as outside places; rail and expressway network, open and planned",
                        "140800", lons, lats)

    output = Output(out, check=args.check)
    check_sections(sections, stations, inp.rules, os.path.join(out, "rail_sections.csv"), lines, track.origin)
    add_network_files(output, places, st_rows, city_rows, line_rows, sections, speed_rows, road, conns, toml)
    output.add("rail_length_check.csv", csv_text(LENGTH_REPORT_COLS, length_report(track)))
    observed = Output(os.path.join(out, "observed"), check=args.check)
    observed.add("reported-times.csv", csv_text(["from", "to", "minutes", "train_code", "as_of", "source"], obs))
    log_summary(places, region_codes, stations, line_rows, sections, speed_rows, road, codes, origin,
                f"connectors: {len(conns)}; cities: {len(city_rows)}; observed pairs: {len(obs)}")
    return [output, observed]


def main(argv=None):
    return region_main(__doc__, build, "guanzhong", argv)


if __name__ == "__main__":
    sys.exit(main())
