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

import argparse
import heapq
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402
    InputError, Output, PolygonIndex, csv_text, fail, fmt_coord, fmt_km, haversine_km, log, read_csv, read_toml,
)
# generic helpers of the 中原 derivation (not region-specific)
from zhongyuan import (  # noqa: E402
    Place, Station, check_date, date_key, find_circuity, load_admin, load_census, load_geocodes, place_kind,
    split_list, station_stem, stem,
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

CENSUS = "census2020/census2020_county_units_centroids.csv"
CENSUS_POP = "census2020/population_2020_county.csv"
ADMIN = "admin-points/admin_points_all_china.csv"
COUNTIES = "boundaries/counties_8prov_wgs84.geojson"
ST_12306 = "rail-stations/stations_12306.csv"
ST_BAIDU = "rail-stations/stations_baidu2023_wgs84.csv"
ST_AMAP = "rail-stations/stations_amap_geocoded_wgs84.csv"
SCHED = "rail-timetable-2021/station_schedules_2021.csv"

# Outside seat districts added when a station of that 12306 city is in the network: prefecture code, 12306 city.
CAPITALS = [("140100", "太原"), ("610100", "西安")]

STATION_ALIASES = {}
# Coordinate decisions for stations whose geocodes disagree by more than 2 km: name -> (geocode kept, reason, source).
# Others are settled by the generic rules (stations.csv coord_check).
COORD_DECISIONS = {
    "永济北": ("amap", "Baidu-is-city-centre-fallback",
            "shared:admin-points/admin_points_all_china.csv#140881 (the Baidu geocode lies 0.2 km from the 永济市 "
            "government seat, i.e. a city-centre fallback; the shared README lists 永济北 as disagreeing; the Amap "
            "position, 18 km north, lies on the 大西 line between 运城北 and 大荔)"),
}
TRANSFERS = []

AGREE_TIGHT_KM = 0.5
AGREE_KM = 2.0
ACCESS_RADIUS_KM = 40.0
TRUNK_K = 4
TRUNK_RADIUS_KM = 60.0
BBOX_MARGIN_DEG = 0.2
DUPLICATE_POSITION_KM = 0.5
MAX_OBSERVED_MIN = 12 * 60


def resolve_name(name, row, field):
    if name in STATION_ALIASES:
        return STATION_ALIASES[name][0]
    return name


def repo_seeds(out):
    return os.path.normpath(os.path.join(out, "..", "..", "seeds", "guanzhong"))


# ------------------------------------------------------------------------------------------------ places

def place_maker(census, pops, census_path, pop_path, admin, poly):
    """A function making a Place for a census code (the seat rule of zhongyuan.build_places)."""
    seats_in_units = {}
    for adcode, a in sorted(admin.items()):
        if a["level"] != "district":
            continue
        for code in poly.containing(float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"])):
            seats_in_units.setdefault(code, []).append(adcode)

    def make(code, kind_override=None):
        r = census[code]
        p = Place()
        p.pid = code
        name = r.req("name")
        srcs = [f"shared:{CENSUS}#{code}"]
        pr = pops.get(code)
        if pr is None:
            fail(pop_path, None, "CODE", f"census unit {code} missing")
        if int(pr.req("POPU")) != int(r.req("pop2020")):
            fail(census_path, r.line, "pop2020", f"{r['pop2020']} != {CENSUS_POP} POPU {pr['POPU']}")
        if pr.req("NAME") != name:
            srcs.append(f"shared:{CENSUS_POP}#{code} (spelled {pr['NAME']})")
        p.name = name
        p.kind = kind_override or place_kind(code, r)
        p.pop = int(r.req("pop2020"))
        p.area = f"{float(r.req('area_km2')):.2f}"
        pref, prov = r.req("pref_code"), r.req("prov_code")
        if pref not in admin and code in admin and admin[code]["level"] == "city":
            pref = code  # 省直辖县级市 (济源 419001)
        if pref not in admin:
            fail(census_path, r.line, "pref_code", f"prefecture {pref} not in {ADMIN}")
        if prov not in admin:
            fail(census_path, r.line, "prov_code", f"province {prov} not in {ADMIN}")
        p.pref_id, p.pref, p.prov = pref, admin[pref]["name"], admin[prov]["name"]
        a = admin.get(code)
        seat = None
        if p.kind != "devzone":
            if a is not None and a["level"] in ("district", "city") and stem(a["name"]) == stem(name):
                seat = (a, f"shared:{ADMIN}#{code} (seat)")
            else:
                inside = [ac for ac in seats_in_units.get(code, []) if admin[ac]["parent_adcode"] == pref]
                if len(inside) == 1:
                    ac = inside[0]
                    seat = (admin[ac], f"shared:{ADMIN}#{ac} (seat of today's {admin[ac]['name']}, which lies in "
                                       f"census unit {code} {name})")
        if seat:
            p.lon, p.lat = float(seat[0]["center_lon_wgs84"]), float(seat[0]["center_lat_wgs84"])
            srcs.append(seat[1])
        else:
            p.lon, p.lat = float(r.req("centroid_lon_wgs84")), float(r.req("centroid_lat_wgs84"))
            why = "devzone" if p.kind == "devzone" else "no matching seat in admin-points"
            srcs.append(f"derived: census area-weighted centroid ({why})")
        p.source = " ; ".join(srcs)
        return p
    return make


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


# ------------------------------------------------------------------------------------------------ stations
# build_stations: copied from tools/derive/zhongyuan.py unchanged (it uses this module's COORD_DECISIONS, aliases).

def build_stations(shared, facts, stretches, planned_rows, fixes, places, census, admin, poly, pref_units):
    t_path = os.path.join(shared, ST_12306)
    tele = {r.req("name"): r for r in read_csv(t_path, ["name", "telecode", "pinyin", "city"])}
    baidu, amap = load_geocodes(shared)
    planned = {}
    for r in planned_rows:
        name = r.req("name", "station", "name_zh")
        planned[name] = r

    names = {}  # name -> first (row) that names it
    for st in stretches:
        for n in st["_stations"]:
            names.setdefault(n, st["_row"])
    for n, r in planned.items():
        names.setdefault(n, r)

    stations = {}
    for name in sorted(names):
        s = Station()
        s.name = name
        s.opened = ""
        s.planned = False
        s.project = ""
        src = []
        if name in tele:
            t = tele[name]
            s.telecode = t.req("telecode")
            s.sid = s.telecode
            s.city = t.req("city")
            src.append(f"shared:{ST_12306}#{s.telecode}")
        elif name in planned:
            r = planned[name]
            sid = r.opt("station_id")
            if not sid:
                py = r.opt("pinyin")
                if not py:
                    fail(r.path, r.line, "station_id", f"planned station {name} needs station_id or pinyin")
                sid = "new-" + re.sub(r"[^a-z0-9]", "", py.lower())
            if not re.fullmatch(r"new-[a-z0-9-]+", sid):
                fail(r.path, r.line, "station_id", f"planned station id must be new-<pinyin>, got {sid!r}")
            s.sid, s.telecode, s.planned = sid, "", True
            s.city = r.opt("city")
            src.append(r.req("source"))
        else:
            row = names[name]
            fail(row.path, row.line, "stations", f"station {name!r} is neither in {ST_12306} nor in "
                 "facts/planned_stations.csv")
        stations[name] = s

    # candidate coordinates
    for name, s in stations.items():
        s.cands = {}
        if name in baidu:
            s.cands["baidu2023"] = baidu[name]
        if name in amap:
            s.cands["amap"] = amap[name]
        s.source = src_of = []
        if s.telecode:
            src_of.append(f"shared:{ST_12306}#{s.telecode}")
        elif s.planned:
            src_of.append(planned[name].req("source"))

    def cite(which):
        return {"baidu2023": f"shared:{ST_BAIDU}#{{n}}", "amap": f"shared:{ST_AMAP}#{{n}}"}[which]

    # stretch neighbours (for interpolating stations without any geocode)
    neigh = {}
    for st in stretches:
        seq = st["_stations"]
        for i, n in enumerate(seq):
            neigh.setdefault(n, []).append((seq[:i][::-1], seq[i + 1:]))

    pending = []
    for name in sorted(stations):
        s = stations[name]
        if name in fixes:
            r = fixes[name]
            s.lon, s.lat = r.num("lon", "lon_wgs84"), r.num("lat", "lat_wgs84")
            s.check = "fixed:" + r.opt("how", "coord_check", default="facts/station_fixes.csv").removeprefix("fixed:")
            s.source.append(r.req("source"))
            continue
        c = s.cands
        if len(c) == 2:
            d = haversine_km(*c["baidu2023"], *c["amap"])
            if d <= AGREE_KM:
                s.lon = (c["baidu2023"][0] + c["amap"][0]) / 2
                s.lat = (c["baidu2023"][1] + c["amap"][1]) / 2
                s.check = "agree<0.5km" if d <= AGREE_TIGHT_KM else "agree<2km"
                s.source += [cite("baidu2023").format(n=name), cite("amap").format(n=name),
                             f"derived: mean of the two geocodes ({d:.2f} km apart)"]
            else:
                pending.append((name, d))
        elif len(c) == 1:
            (which, (lon, lat)), = c.items()
            s.lon, s.lat, s.check = lon, lat, f"single:{which}"
            s.source.append(cite(which).format(n=name))
        elif s.planned and planned[name].opt("lon") and planned[name].opt("lat"):
            r = planned[name]
            s.lon, s.lat, s.check = r.num("lon"), r.num("lat"), "single:planned_stations"
        else:
            pending.append((name, None))

    settled = {n: (s.lon, s.lat) for n, s in stations.items() if n not in dict(pending)}

    def pref_of_city(city):
        if not city:
            return None
        for pid in sorted({p.pref_id for p in places.values()} | set(pref_units)):
            if pid in admin and stem(admin[pid]["name"]) == city:
                return pid
        for code, a in sorted(admin.items()):
            if a["level"] == "city" and stem(a["name"]) == city:
                return code
        return None

    def units_of(lon, lat):
        return poly.containing(lon, lat)

    for name, d in pending:
        s = stations[name]
        c = s.cands
        if d is not None:
            choice, how = None, None
            if name in COORD_DECISIONS:
                choice, how, dsrc = COORD_DECISIONS[name]
                s.source.append(dsrc)
            if choice is None:
                # a candidate sitting on another station's settled position is a geocoder fallback
                dup = {w: [o for o, xy in settled.items() if o != name and haversine_km(*xy, *c[w]) < DUPLICATE_POSITION_KM]
                       for w in c}
                ok = [w for w in sorted(c) if not dup[w]]
                if len(ok) == 1:
                    other = [w for w in c if w != ok[0]][0]
                    choice, how = ok[0], f"{other}-sits-on-{dup[other][0]}"
            pref = pref_of_city(s.city)
            if choice is None and pref:
                # the county named by the station, else the prefecture of its 12306 city
                stem_n = station_stem(name)
                county = [code for code, r in census.items() if r["pref_code"] == pref and stem(r["name"]) == stem_n]
                for level, codes in (("county", county),
                                     ("prefecture", [code for code, r in census.items() if r["pref_code"] == pref])):
                    if not codes:
                        continue
                    inside = [w for w in sorted(c) if set(units_of(*c[w])) & set(codes)]
                    if len(inside) == 1:
                        choice = inside[0]
                        how = f"in-{level}-polygon-{census[codes[0]]['name'] if level == 'county' else admin[pref]['name']}"
                        break
            if choice is None:
                choice, how = "baidu2023", "default-baidu2023"
            s.lon, s.lat = c[choice]
            s.check = f"fixed:{choice}:{how}"
            other = [w for w in c if w != choice][0]
            s.source += [cite(choice).format(n=name),
                         f"derived: {other} geocode rejected ({d:.1f} km apart; rule {how})"]
        else:
            # no geocode: county seat named by the station, else prefecture seat of its 12306 city
            pref = pref_of_city(s.city)
            stem_n = station_stem(name)
            county = sorted(code for code, r in census.items() if pref and r["pref_code"] == pref
                            and stem(r["name"]) == stem_n and (code in places or code in admin))
            interp = None
            for before, after in neigh.get(name, []):
                ib = next((k for k, x in enumerate(before) if x in settled), None)
                ia = next((k for k, x in enumerate(after) if x in settled), None)
                if ib is not None and ia is not None:
                    b, a = settled[before[ib]], settled[after[ia]]
                    t = (ib + 1) / (ib + ia + 2)
                    interp = (b[0] + t * (a[0] - b[0]), b[1] + t * (a[1] - b[1]), before[ib], after[ia])
                    break
            if s.planned and planned[name].opt("place_id"):
                # a planned station with its county given in facts/planned_stations.csv
                county = [planned[name].opt("place_id")]
            if county:
                code = county[0]
                if code in places:
                    p = places[code]
                    s.lon, s.lat, cname, csrc = p.lon, p.lat, p.name, "places.csv"
                else:
                    a = admin[code]
                    s.lon, s.lat = float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"])
                    cname, csrc = a["name"], f"shared:{ADMIN}#{code}"
                s.check = f"assumption:seat-of-{cname}"
                s.source.append(f"assumption: coordinate = seat of {cname} {code} ({csrc}; station not geocoded; "
                                "named after the county)")
            elif interp:
                s.lon, s.lat = interp[0], interp[1]
                s.check = "assumption:interpolated"
                s.source.append(f"assumption: coordinate interpolated at equal spacing between {interp[2]} and "
                                f"{interp[3]} along the stretch (station not geocoded)")
            elif pref:
                a = admin[pref]
                s.lon, s.lat = float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"])
                s.check = f"assumption:seat-of-{a['name']}"
                s.source.append(f"assumption: coordinate = seat of {a['name']} (shared:{ADMIN}#{pref}; station not "
                                "geocoded, county unknown)")
            else:
                row = names[name]
                fail(row.path, row.line, "stations", f"station {name!r} has no coordinate in any source; add it to "
                     "facts/station_fixes.csv or facts/planned_stations.csv (lon,lat)")
        settled[name] = (s.lon, s.lat)

    # place_id
    centroids = sorted((code, float(r["centroid_lon_wgs84"]), float(r["centroid_lat_wgs84"]))
                       for code, r in census.items())
    for name, s in stations.items():
        units = units_of(s.lon, s.lat)
        if len(units) >= 1:
            s.place_id = units[0]
        else:
            s.place_id = min(centroids, key=lambda t: (haversine_km(s.lon, s.lat, t[1], t[2]), t[0]))[0]
            s.source.append("derived: place_id = census unit with the nearest centroid (outside the 8-province "
                            "boundaries)")
        if not s.city and s.place_id in census:
            pc = census[s.place_id]["pref_code"]
            if pc in admin:
                s.city = stem(admin[pc]["name"])
                s.source.append("derived: city = prefecture of the containing census unit")
    return stations




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
    shared, out = args.shared, args.out
    facts = os.path.join(out, "facts")
    params_path = os.path.join(out, "params.toml")
    params = read_toml(params_path)
    circ = {}
    for kind, tokens in (("expressway", ("expressway", "motorway")), ("trunk", ("trunk", "ordinary")),
                         ("access", ("access",))):
        circ[kind] = find_circuity(params, params_path, kind, tokens)

    census, pops, census_path, pop_path = load_census(shared)
    admin, admin_path = load_admin(shared)
    poly = PolygonIndex(os.path.join(shared, COUNTIES), key="code")
    make_place = place_maker(census, pops, census_path, pop_path, admin, poly)
    places = build_places(census, make_place, census_path)
    region_codes = set(places)

    def add_outside(code, why):
        if code in places:
            return
        if code not in census:
            fail(census_path, None, "code", f"{code} is not a 2020 census code ({why})")
        p = make_place(code, kind_override="outside")
        p.source += f" ; derived: outside the region, {why}"
        places[code] = p

    f_lines = os.path.join(facts, "rail_lines.csv")
    f_str = os.path.join(facts, "rail_stretches.csv")
    f_pl = os.path.join(facts, "planned_stations.csv")
    f_sc = os.path.join(facts, "speed_changes.csv")
    f_fix = os.path.join(facts, "station_fixes.csv")
    f_exp = os.path.join(facts, "expressway_routes.csv")
    f_lc = os.path.join(facts, "linked_cities.csv")
    f_rt = os.path.join(facts, "reported_times.csv")

    lines = {}
    for r in read_csv(f_lines, ["line_id", "name_zh", "mode", "source"]):
        lid = r.req("line_id")
        if lid in lines:
            fail(r.path, r.line, "line_id", f"duplicate {lid}")
        if r.req("mode") not in ("hsr", "intercity", "suburban", "conventional"):
            fail(r.path, r.line, "mode", f"unknown mode {r['mode']!r}")
        r.num("design_speed_kmh", required=False, positive=True)
        lines[lid] = r

    stretches = []
    for r in read_csv(f_str, ["line_id", "stations", "source"]):
        lid = r.req("line_id")
        if lid not in lines:
            fail(r.path, r.line, "line_id", f"unknown line {lid!r} (not in facts/rail_lines.csv)")
        names = [resolve_name(n, r, "stations") for n in split_list(r.req("stations"))]
        if len(names) < 2:
            fail(r.path, r.line, "stations", "a stretch needs at least two stations")
        for a, b in zip(names, names[1:]):
            if a == b:
                fail(r.path, r.line, "stations", f"station {a} repeated consecutively")
        share = split_list(r.opt("share_of_stations"))
        if share:
            if r.opt("length_km"):
                fail(r.path, r.line, "length_km", "give either length_km or share_of_length_km, not both")
            r.num("share_of_length_km", positive=True)
            joined = "|".join(share)
            if "|".join(names) not in joined:
                fail(r.path, r.line, "share_of_stations", "must contain the stretch's stations in the same order")
        stretches.append({"_row": r, "_stations": names, "_line": lid, "_share": share})
    stretches.sort(key=lambda st: (st["_line"], float(st["_row"].opt("seq") or 0), st["_row"].line))

    planned_rows = read_csv(f_pl, ["source"]) if os.path.exists(f_pl) else []
    fixes = {}
    if os.path.exists(f_fix):
        for r in read_csv(f_fix, ["source"]):
            fixes[resolve_name(r.req("name", "station"), r, "name")] = r

    stations = build_stations(shared, facts, stretches, planned_rows, fixes, places, census, admin, poly,
                              {c for c, _ in CAPITALS})

    # outside places: capital seat districts reached by a station of that city; every unit holding a station
    cities12306 = {s.city for s in stations.values()}
    for pref, city in CAPITALS:
        if city in cities12306:
            code = seat_unit(admin, poly, pref, census)
            add_outside(code, f"seat district of {admin[pref]['name']} (city centre shared:{ADMIN}#{pref} lies in it)")
    for st in sorted(stations.values(), key=lambda x: x.sid):
        if st.place_id not in places and st.place_id in census:
            add_outside(st.place_id, f"holds station {st.name}")

    # ---- rail sections
    baidu, amap = load_geocodes(shared)
    sections = []
    seqs = {}
    for st in stretches:
        r, lid, names = st["_row"], st["_line"], st["_stations"]
        line = lines[lid]
        pts = [(stations[n].lon, stations[n].lat) for n in names]
        gcs = [haversine_km(*pts[i], *pts[i + 1]) for i in range(len(pts) - 1)]
        for i, g in enumerate(gcs):
            if g <= 0.05:
                fail(r.path, r.line, "stations", f"{names[i]} and {names[i + 1]} have the same coordinate")
        total_gc = sum(gcs)
        srcs = r.req("source")
        length = r.num("length_km", required=False, positive=True)
        if st["_share"]:
            full = r.num("share_of_length_km", positive=True)
            fpts = []
            for n in st["_share"]:
                xy = (stations[n].lon, stations[n].lat) if n in stations else geocode_point(n, baidu, amap)
                if xy is None:
                    fail(r.path, r.line, "share_of_stations", f"{n} has no geocode")
                fpts.append(xy)
            full_gc = sum(haversine_km(*fpts[i], *fpts[i + 1]) for i in range(len(fpts) - 1))
            length = full * total_gc / full_gc
            srcs = (f"derived: {length:.3f} km = {full:g} km x great-circle share {total_gc:.3f}/{full_gc:.3f} of the "
                    f"station chain {st['_share'][0]}–{st['_share'][-1]} (stations outside the network at their "
                    f"geocodes: mean of Baidu and Amap when within {AGREE_KM:g} km, else Baidu) ; {srcs}")
        if length is not None:
            lens = [length * g / total_gc for g in gcs]
            base = f"derived: {length:.3f} km split by great-circle share ; {srcs}"
        else:
            if "rail" not in circ:
                circ["rail"] = find_circuity(params, params_path, "rail", ("rail",))
            c, cpath = circ["rail"]
            lens = [g * c for g in gcs]
            base = f"assumption: no sourced length; great-circle x rail circuity {c:g} (params.toml {cpath}) ; {srcs}"
        design = r.num("design_speed_kmh", required=False, positive=True)
        if design is None:
            design = line.num("design_speed_kmh", required=False, positive=True)
        if design is None:
            fail(r.path, r.line, "design_speed_kmh", "no design speed on the stretch or its line")
        oper = r.num("operating_speed_kmh", required=False, positive=True)
        oper_src = ""
        if oper is None:
            oper = design
            oper_src = " ; assumption: operating speed = design speed (no separate figure on the stretch)"
        if oper > design:
            fail(r.path, r.line, "operating_speed_kmh", f"{oper:g} > design {design:g}")
        opened = check_date(r, "opened", r.opt("opened"))
        project = r.opt("project_id")
        if not opened and not project:
            fail(r.path, r.line, "project_id", "a stretch that is not open needs a project_id")
        for i in range(len(names) - 1):
            seq = seqs.get(lid, 0) + 1
            seqs[lid] = seq
            a, b = stations[names[i]], stations[names[i + 1]]
            sections.append([f"{lid}:{seq}", lid, seq, a.sid, b.sid, fmt_km(lens[i]), f"{design:g}", f"{oper:g}",
                             opened, project, base + oper_src])
            for s in (a, b):
                if opened and (not s.opened or date_key(opened) < date_key(s.opened)):
                    s.opened = opened
    sections.sort(key=lambda x: (x[1], x[2]))
    for x in sections:
        x[2] = str(x[2])

    speed_rows = []
    if os.path.exists(f_sc):
        for r in read_csv(f_sc, ["line_id", "effective", "operating_speed_kmh", "source"]):
            lid = r.req("line_id")
            if lid not in lines:
                fail(r.path, r.line, "line_id", f"unknown line {lid!r}")
            eff = check_date(r, "effective", r.req("effective"))
            v = r.num("operating_speed_kmh", positive=True)
            speed_rows.append([lid, eff, f"{v:g}", r.req("source")])
    speed_rows.sort(key=lambda x: (x[0], date_key(x[1])))

    line_rows = []
    for lid in sorted(lines):
        r = lines[lid]
        d = r.num("design_speed_kmh", required=False, positive=True)
        line_rows.append([lid, r.req("name_zh"), r.opt("name_en"), r.req("mode"), f"{d:g}" if d else "",
                          r.req("source")])

    # ---- expressway links
    road = []
    ce, cepath = circ["expressway"]
    exp_seen = {}
    for r in read_csv(f_exp, ["route_id", "places", "source"]):
        rid = r.req("route_id")
        codes = split_list(r.req("places"))
        if len(codes) < 2:
            fail(r.path, r.line, "places", "a route needs at least two places")
        for code in codes:
            if code not in census:
                fail(r.path, r.line, "places", f"{code!r} is not a 2020 census code")
            add_outside(code, f"on expressway route {rid} (facts/expressway_routes.csv)")
        opened = check_date(r, "opened", r.opt("opened"))
        project = r.opt("project_id")
        if not opened and not project:
            fail(r.path, r.line, "opened", "an expressway route needs an opening date or a project_id")
        for i in range(len(codes) - 1):
            a, b = places[codes[i]], places[codes[i + 1]]
            if a.pid == b.pid:
                fail(r.path, r.line, "places", f"{a.pid} repeated consecutively")
            g = haversine_km(a.lon, a.lat, b.lon, b.lat)
            key = (min(a.pid, b.pid), max(a.pid, b.pid), opened, project)
            if key in exp_seen:
                continue
            exp_seen[key] = True
            road.append([f"{rid}:{i + 1}", a.pid, b.pid, "expressway", r.opt("route"), fmt_km(g * ce), opened,
                         project, f"derived: great-circle {g:.3f} km x expressway circuity {ce:g} (params.toml "
                                  f"{cepath}) ; {r.req('source')}"])
    if len({x[0] for x in road}) != len(road):
        fail(f_exp, None, "route_id", "duplicate link ids (route_id must be unique per row)")

    # ---- cities (seeds' cities, plus linked cities of facts/linked_cities.csv that the seeds list)
    seeds_dir = repo_seeds(out)
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

    # ---- trunk roads: k nearest seats within radius, plus a minimum spanning tree over all places
    ct, ctpath = circ["trunk"]
    codes = sorted(places)
    xy = {c: (places[c].lon, places[c].lat) for c in codes}
    dist = {}
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            dist[(a, b)] = haversine_km(*xy[a], *xy[b])

    def dd(a, b):
        return dist[(a, b)] if a < b else dist[(b, a)]
    pairs = set()
    for a in codes:
        near = sorted((dd(a, b), b) for b in codes if b != a)
        for d, b in near[:TRUNK_K]:
            if d <= TRUNK_RADIUS_KM:
                pairs.add((min(a, b), max(a, b)))
    in_tree = {codes[0]}
    heap = [(dd(codes[0], b), codes[0], b) for b in codes[1:]]
    heapq.heapify(heap)
    mst = set()
    while heap and len(in_tree) < len(codes):
        d, a, b = heapq.heappop(heap)
        if b in in_tree:
            continue
        in_tree.add(b)
        mst.add((min(a, b), max(a, b)))
        for c in codes:
            if c not in in_tree:
                heapq.heappush(heap, (dd(b, c), b, c))
    for a, b in sorted(pairs | mst):
        g = dd(a, b)
        why = []
        if (a, b) in pairs:
            why.append(f"one of the {TRUNK_K} nearest seats within {TRUNK_RADIUS_KM:g} km")
        if (a, b) in mst:
            why.append("minimum-spanning-tree edge")
        road.append([f"trunk:{a}-{b}", a, b, "trunk", "", fmt_km(g * ct), "", "",
                     f"derived: great-circle {g:.3f} km x trunk circuity {ct:g} (params.toml {ctpath}) ; "
                     f"assumption: ordinary road between neighbouring seats ({' and '.join(why)}), present at all "
                     "dates"])

    def link_key(x):
        rid, _, seq = x[0].rpartition(":")
        return (x[3] != "expressway", rid, int(seq) if seq.isdigit() else 0, x[0])
    road.sort(key=link_key)

    # ---- connectors
    ca, capath = circ["access"]
    conns = []
    by_id = {s.sid: s for s in stations.values()}
    if len(by_id) != len(stations):
        fail(f_str, None, "stations", "two stations map to the same station_id")
    for s in sorted(stations.values(), key=lambda s: s.sid):
        targets = {}
        for c in codes:
            p = places[c]
            g = haversine_km(s.lon, s.lat, p.lon, p.lat)
            if g <= ACCESS_RADIUS_KM:
                targets[c] = (g, f"seat within {ACCESS_RADIUS_KM:g} km")
        if s.place_id in places and s.place_id not in targets:
            p = places[s.place_id]
            targets[s.place_id] = (haversine_km(s.lon, s.lat, p.lon, p.lat), "own place")
        for c in sorted(targets):
            g, why = targets[c]
            g = max(g, 0.1)
            conns.append([c, s.sid, "access", fmt_km(g * ca), "", "",
                          f"derived: great-circle {g:.3f} km x access circuity {ca:g} (params.toml {capath}) ; "
                          f"assumption: road access from the place's seat to the station ({why})"])
    conns.sort(key=lambda x: (x[2], x[0], x[1]))

    # ---- connectivity check (roads, from 运城's seat district)
    adj = {c: set() for c in codes}
    for x in road:
        adj[x[1]].add(x[2])
        adj[x[2]].add(x[1])
    origin = seat_unit(admin, poly, "140800", places)
    seen, todo = {origin}, [origin]
    while todo:
        c = todo.pop()
        for n in adj[c]:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    if set(codes) - seen:
        fail(f_exp, None, None, f"places not reachable by road from {origin}: {sorted(set(codes) - seen)}")

    # ---- observed times: hand-curated reported times, then the 2021 boards
    names = {s.name for s in stations.values()}
    obs = []
    if os.path.exists(f_rt):
        for r in read_csv(f_rt, ["from", "to", "minutes", "source"]):
            for fld in ("from", "to"):
                if r.req(fld) not in names:
                    fail(r.path, r.line, fld, f"{r[fld]!r} is not a station name of stations.csv")
            m = r.num("minutes", positive=True)
            obs.append([r.req("from"), r.req("to"), f"{m:g}", r.opt("train_code"), r.req("source")])
    board, boards = board_times(shared, names)
    have = {(o[0], o[1]) for o in obs}
    on_line = {}
    for st in stretches:
        for n in st["_stations"]:
            on_line.setdefault(n, set()).add(st["_line"])
    for (a, b), (t, code) in sorted(board.items()):
        if (a, b) in have or not (on_line.get(a, set()) & on_line.get(b, set())):
            continue  # kept only when one modelled line serves both stations
        obs.append([a, b, str(t), code, f"shared:{SCHED}#{code} (fastest train on both 2021 boards; dep {a} to arr "
                                       f"{b}, dwell included)"])

    st_rows = [s.row() for s in sorted(stations.values(), key=lambda s: s.sid)]
    lons = [p.lon for p in places.values()] + [s.lon for s in stations.values()]
    lats = [p.lat for p in places.values()] + [s.lat for s in stations.values()]
    bbox = [math.floor((min(lons) - BBOX_MARGIN_DEG) * 100) / 100, math.floor((min(lats) - BBOX_MARGIN_DEG) * 100) / 100,
            math.ceil((max(lons) + BBOX_MARGIN_DEG) * 100) / 100, math.ceil((max(lats) + BBOX_MARGIN_DEG) * 100) / 100]
    toml = (
        "# derived by tools/derive/guanzhong.py; do not edit\n"
        "format = 1\n"
        'name = "guanzhong"\n'
        'description = "关中平原城市群, Shanxi part (seed 002): the 19 census county-level units of 运城 (without 平陆, 垣曲) '
        'and 临汾 (8 units) in the plan, with 西安 and the neighbours the lines and expressways reach as outside places; '
        'rail and expressway network, open and planned"\n'
        'seeds = "../../seeds/guanzhong"\n'
        'default_origin = "140800"\n'
        f"bbox = [{bbox[0]:.2f}, {bbox[1]:.2f}, {bbox[2]:.2f}, {bbox[3]:.2f}]\n"
    )

    output = Output(out, check=args.check)
    output.add("places.csv", csv_text(["place_id", "name", "kind", "prefecture_id", "prefecture", "province", "lon",
                                       "lat", "population", "area_km2", "source"],
                                      [places[c].row() for c in sorted(places)]))
    output.add("stations.csv", csv_text(["station_id", "name", "telecode", "place_id", "city", "lon", "lat", "opened",
                                         "project_id", "coord_check", "source"], st_rows))
    output.add("cities.csv", csv_text(["city_id", "name", "seat_place_id", "stations", "source"], city_rows))
    output.add("rail_lines.csv", csv_text(["line_id", "name_zh", "name_en", "mode", "design_speed_kmh", "source"],
                                          line_rows))
    output.add("rail_sections.csv", csv_text(["section_id", "line_id", "seq", "from_station", "to_station",
                                              "length_km", "design_speed_kmh", "operating_speed_kmh", "opened",
                                              "project_id", "source"], sections))
    output.add("speed_changes.csv", csv_text(["line_id", "effective", "operating_speed_kmh", "source"], speed_rows))
    output.add("road_links.csv", csv_text(["link_id", "from_place", "to_place", "class", "route", "length_km",
                                           "opened", "project_id", "source"], road))
    output.add("connectors.csv", csv_text(["from_id", "to_id", "kind", "length_km", "minutes", "opened", "source"],
                                          conns))
    output.add("network.toml", toml)
    observed = Output(os.path.join(out, "observed"), check=args.check)
    observed.add("reported-times.csv", csv_text(["from", "to", "minutes", "train_code", "source"], obs))

    kinds = {}
    for p in places.values():
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    checks = {}
    for s in stations.values():
        k = s.check.split(":")[0]
        checks[k] = checks.get(k, 0) + 1
    nexp = sum(1 for x in road if x[3] == "expressway")
    log(f"places: {len(places)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); region "
        f"{len(region_codes)} units, population {sum(places[c].pop for c in region_codes):,}")
    log(f"stations: {len(stations)} (coord_check: {', '.join(f'{k} {v}' for k, v in sorted(checks.items()))})")
    for s in sorted(stations.values(), key=lambda s: s.sid):
        if s.check.startswith(("fixed", "assumption")):
            log(f"  {s.name} {s.sid}: {s.check}")
    log(f"rail: {len(line_rows)} lines, {len(sections)} sections, {len(speed_rows)} speed changes")
    log(f"road: {nexp} expressway links, {len(road) - nexp} trunk links; all {len(codes)} places reachable from "
        f"{origin} by road")
    log(f"connectors: {len(conns)}; cities: {len(city_rows)}; observed pairs: {len(obs)}")
    return [output, observed]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", required=True, help="the shared data folder (../shared/data)")
    ap.add_argument("--out", required=True, help="the network folder (networks/guanzhong)")
    ap.add_argument("--check", action="store_true", help="compare with the files on disk; write nothing")
    args = ap.parse_args(argv)
    try:
        outputs = build(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    changed = []
    for o in outputs:
        changed += [os.path.relpath(os.path.join(o.out_dir, n), args.out) for n in o.finish()]
    if args.check:
        if changed:
            print("differs: " + " ".join(changed), file=sys.stderr)
            return 1
        log("check: all derived files up to date")
        return 0
    log(f"wrote: {' '.join(changed) if changed else '(nothing changed)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
