#!/usr/bin/env python3
"""Derive the network files of networks/zhongyuan/ (中原城市群) from the shared reference data and facts/.

    python3 tools/derive/zhongyuan.py --shared ../shared/data --out networks/zhongyuan [--check]

Inputs:  <shared>/census2020, admin-points, boundaries, rail-stations; <out>/facts/*.csv; <out>/params.toml.
Outputs: places.csv stations.csv rail_lines.csv rail_sections.csv speed_changes.csv road_links.csv
         connectors.csv network.toml (in <out>), byte-for-byte deterministic.
The rules are documented in networks/README.md ("Derivation rules (zhongyuan)").
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

# ------------------------------------------------------------------------------------------------ constants

EXPECTED_UNITS = 305
EXPECTED_POPULATION = 164_576_876

CENSUS = "census2020/census2020_county_units_centroids.csv"
CENSUS_POP = "census2020/population_2020_county.csv"
ADMIN = "admin-points/admin_points_all_china.csv"
COUNTIES = "boundaries/counties_8prov_wgs84.geojson"
ST_12306 = "rail-stations/stations_12306.csv"
ST_BAIDU = "rail-stations/stations_baidu2023_wgs84.csv"
ST_AMAP = "rail-stations/stations_amap_geocoded_wgs84.csv"
ST_CROSS = "rail-stations/cpua_stations_coord_crosscheck.csv"

# Known name errors of the census tabulation: code -> (wrong spelling, right name).
NAME_FIXES = {"410182": ("荣阳市", "荥阳市")}

# Neighbouring provincial capitals: prefecture code, 12306 city name.
CAPITALS = [
    ("130100", "石家庄"), ("140100", "太原"), ("610100", "西安"), ("420100", "武汉"),
    ("340100", "合肥"), ("370100", "济南"), ("320100", "南京"),
]

# Station renames: name used in older sources -> 12306 name (source of the rename).
STATION_ALIASES = {
    "郑州南": ("郑州航空港", "shared:rail-lines/README.md#A 机场–郑州南城际 (郑州南 renamed 郑州航空港 2022-05-31)"),
}

# Coordinate decisions for stations whose two geocodes disagree by more than 2 km, each with its source:
# name -> (geocode to keep, short reason, source).
COORD_DECISIONS = {
    "郑州": ("baidu2023", "shared-README:Amap-wrong", "shared:README.md#Known problems (郑州: Amap wrong)"),
    "安阳": ("amap", "shared-README:Baidu-wrong", "shared:README.md#Known problems (安阳: Baidu wrong)"),
    "阜阳西": ("baidu2023", "matches-Wikipedia-32.88519N-115.74791E",
            "url:https://hessslslslsls.azureedge.net/wiki/Fuyang_West_railway_station_(Anhui) (Wikipedia copy; "
            "32.88519 N 115.74791 E, 颍州区)"),
    "周口东": ("baidu2023", "matches-Wikipedia-33.6472N-114.7416E",
            "url:https://everything.explained.today/%5C/Zhoukou_East_railway_station (Wikipedia copy; 33.6472 N "
            "114.7416 E, 川汇区)"),
}

# Sourced station-to-station transfers (both directions). minutes blank = computed from length and kind speed.
TRANSFERS = [
    # from, to, kind, length_km, minutes, opened, source
    ("郑州", "郑州东", "metro", 12.0, 25, "",
     "shared:rail-lines/README.md#D 郑州站 ↔ 郑州东 (12 km, Metro Line 1, fastest about 25 min)"),
    ("新郑机场", "郑州航空港", "metro", 9.0, None, "2022-06-20",
     "shared:rail-lines/README.md#D 郑州航空港站 (Metro 城郊线 extended 9 km to it on 2022-06-20)"),
]

AGREE_TIGHT_KM = 0.5
AGREE_KM = 2.0
ACCESS_RADIUS_KM = 40.0
TRUNK_K = 4
TRUNK_RADIUS_KM = 60.0
BBOX_MARGIN_DEG = 0.2
DUPLICATE_POSITION_KM = 0.5

DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


# ------------------------------------------------------------------------------------------------ helpers

def check_date(row, field, value):
    if value and not DATE_RE.match(value):
        fail(row.path, row.line, field, f"date must be YYYY-MM-DD or YYYY-MM, got {value!r}")
    return value


def date_key(d):
    """Sort key: a month-only date counts from the last day of the month (never earlier)."""
    return d + "-31" if len(d) == 7 else d


def stem(name):
    """A unit or station name without its administrative / direction suffix (for name matching)."""
    for suf in ("回族区", "自治县", "区", "县", "市", "站"):
        if name.endswith(suf) and len(name) > len(suf):
            return name[: -len(suf)]
    return name


def station_stem(name):
    s = name[:-1] if name.endswith("站") else name
    for suf in ("东", "西", "南", "北"):
        if s.endswith(suf) and len(s) > 2:
            return s[:-1]
    if s.endswith("县") and len(s) >= 2:
        return s[:-1]
    return s


def split_list(value):
    return [p.strip() for p in value.split("|") if p.strip()]


def part_projects(r, names):
    """Optional `part_projects` of a stretch row: `|`-separated `<from>-<to>:<project_id>`, a run of consecutive
    stations of the stretch whose sections belong to another plan project than the stretch's `project_id` (the
    stretch length is still split once over all its sections). Returns {section index: (project, from, to)}."""
    out = {}
    for part in split_list(r.opt("part_projects")):
        span, sep, pid = part.rpartition(":")
        frm, dash, to = span.partition("-")
        if not sep or not dash or not pid.strip():
            fail(r.path, r.line, "part_projects", f"expected <from>-<to>:<project_id>, got {part!r}")
        frm, to = resolve_name(frm.strip(), r, "part_projects"), resolve_name(to.strip(), r, "part_projects")
        if frm not in names or to not in names or names.index(frm) >= names.index(to):
            fail(r.path, r.line, "part_projects", f"{frm}–{to} is not a run of the stretch's stations in order")
        for i in range(names.index(frm), names.index(to)):
            if i in out:
                fail(r.path, r.line, "part_projects", f"parts overlap at {names[i]}–{names[i + 1]}")
            out[i] = (pid.strip(), frm, to)
    return out


def find_circuity(params, params_path, kind, tokens):
    """Find the circuity factor of one class in params.toml: a numeric leaf (or a table with `value`) whose
    key path mentions 'circuity' and one of `tokens`. Returns (value, dotted path)."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node and isinstance(node["value"], (int, float)) and not isinstance(node["value"], bool):
                found.append((path, float(node["value"])))
            for k, v in node.items():
                if k in ("value", "source"):
                    continue
                walk(v, path + (str(k),))
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            found.append((path, float(node)))

    walk(params, ())
    cands = []
    for path, v in found:
        low = [p.lower() for p in path]
        if not any("circuity" in p or "detour" in p for p in low):
            continue
        if any(t in p for p in low for t in tokens):
            cands.append((len(path), ".".join(path), v))
    if not cands:
        fail(params_path, None, f"circuity.{kind}", f"no circuity factor for {kind} (looked for a key path with "
             f"'circuity' and one of {tokens})")
    cands.sort()
    if len(cands) > 1 and cands[0][0] == cands[1][0] and cands[0][2] != cands[1][2]:
        fail(params_path, None, f"circuity.{kind}", f"ambiguous: {[c[1] for c in cands]}")
    _, path, v = cands[0]
    if not (1.0 <= v <= 3.0):
        fail(params_path, None, path, f"circuity factor {v} outside [1, 3]")
    return v, path


# ------------------------------------------------------------------------------------------------ places

class Place:
    __slots__ = ("pid", "name", "kind", "pref_id", "pref", "prov", "lon", "lat", "pop", "area", "source")

    def row(self):
        return [self.pid, self.name, self.kind, self.pref_id, self.pref, self.prov, fmt_coord(self.lon),
                fmt_coord(self.lat), str(self.pop), self.area, self.source]


def load_census(shared):
    path = os.path.join(shared, CENSUS)
    rows = read_csv(path, ["code", "name", "prov_code", "pref_code", "mod_flag", "pop2020", "centroid_lon_wgs84",
                           "centroid_lat_wgs84", "area_km2", "in_cpua"])
    census = {}
    for r in rows:
        code = r.req("code")
        if not re.fullmatch(r"\d{6}", code):
            fail(path, r.line, "code", f"not a 6-digit code: {code!r}")
        census[code] = r
    pop_path = os.path.join(shared, CENSUS_POP)
    pops = {}
    for r in read_csv(pop_path, ["CODE", "NAME", "POPU"]):
        pops[r.req("CODE")] = r
    return census, pops, path, pop_path


def load_admin(shared):
    path = os.path.join(shared, ADMIN)
    rows = read_csv(path, ["adcode", "name", "level", "parent_adcode", "province_adcode", "center_lon_wgs84",
                           "center_lat_wgs84"])
    return {r.req("adcode"): r for r in rows}, path


def place_kind(code, r):
    """devzone: census development-zone unit (mod_flag 2, code 41xx7x etc.); district: 市辖区 (name ends in 区);
    county: 县 / 县级市 (incl. 省直辖 济源市 419001, whose code looks like a district code)."""
    if r["mod_flag"].strip() == "2" or code[4] == "7":
        return "devzone"
    if r["name"].strip().endswith("区"):
        return "district"
    return "county"


def build_places(shared, census, pops, census_path, pop_path, admin, admin_path, poly):
    places = {}
    region_codes = sorted(c for c, r in census.items() if r["in_cpua"].strip() == "1")
    seats_in_units = {}  # census code -> admin district adcodes whose seat lies inside the unit
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
        if code in NAME_FIXES:
            wrong, right = NAME_FIXES[code]
            if name == wrong:
                name = right
            srcs.append(f"shared:{CENSUS_POP}#{code} (name fixed: census spells {wrong}, correct {right})")
        elif pr.req("NAME") != name:
            srcs.append(f"shared:{CENSUS_POP}#{code} (spelled {pr['NAME']})")
        p.name = name
        p.kind = kind_override or place_kind(code, r)
        p.pop = int(r.req("pop2020"))
        p.area = f"{float(r.req('area_km2')):.2f}"
        # prefecture and province
        pref = r.req("pref_code")
        prov = r.req("prov_code")
        if pref not in admin and code in admin and admin[code]["level"] == "city":
            pref = code  # 省直辖县级市 (济源 419001): census pref 419000 has no row; the unit is its own prefecture
        prov_code = r.req("prov_code")
        if pref not in admin and prov_code in admin and prov_code.startswith(("11", "12", "31", "50")):
            pref = prov_code  # a municipality (重庆): its districts hang directly under the province-level unit
        if pref not in admin:
            fail(census_path, r.line, "pref_code", f"prefecture {pref} not in {ADMIN}")
        if prov not in admin:
            fail(census_path, r.line, "prov_code", f"province {prov} not in {ADMIN}")
        p.pref_id, p.pref, p.prov = pref, admin[pref]["name"], admin[prov]["name"]
        # government seat
        a = admin.get(code)
        seat = None
        if p.kind != "devzone":
            if a is not None and a["level"] in ("district", "city") and stem(a["name"]) == stem(name):
                seat = (a, f"shared:{ADMIN}#{code} (seat)")
            else:
                inside = [ac for ac in seats_in_units.get(code, []) if admin[ac]["parent_adcode"] == pref
                          and not (ac in census and census[ac]["in_cpua"] == r["in_cpua"] and ac != code
                                   and stem(census[ac]["name"]) == stem(admin[ac]["name"]))]
                if len(inside) == 1:
                    ac = inside[0]
                    seat = (admin[ac], f"shared:{ADMIN}#{ac} (seat of today's {admin[ac]['name']}, which lies in "
                                       f"census unit {code} {name}; unit renamed/merged after 2020)")
        if seat:
            p.lon, p.lat = float(seat[0]["center_lon_wgs84"]), float(seat[0]["center_lat_wgs84"])
            srcs.append(seat[1])
        else:
            p.lon, p.lat = float(r.req("centroid_lon_wgs84")), float(r.req("centroid_lat_wgs84"))
            why = "devzone" if p.kind == "devzone" else "no matching seat in admin-points"
            srcs.append(f"derived: census area-weighted centroid ({why})")
        p.source = " ; ".join(srcs)
        return p

    for code in region_codes:
        places[code] = make(code)
    n = len(region_codes)
    pop = sum(places[c].pop for c in region_codes)
    if n != EXPECTED_UNITS or pop != EXPECTED_POPULATION:
        fail(census_path, None, "in_cpua", f"expected {EXPECTED_UNITS} units / {EXPECTED_POPULATION} people, "
             f"got {n} / {pop}")
    return places, make


def capital_seat_units(admin, poly):
    out = {}
    for pref, city in CAPITALS:
        a = admin.get(pref)
        if a is None:
            fail(ADMIN, None, "adcode", f"capital {pref} missing")
        units = poly.containing(float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"]))
        if len(units) != 1:
            fail(COUNTIES, None, None, f"city centre of {a['name']} lies in {len(units)} census units")
        out[city] = units[0]
    return out


def repo_seeds(out):
    """The seeds folder of this network (network.toml's `seeds`, ../../seeds/zhongyuan from the output folder)."""
    return os.path.normpath(os.path.join(out, "..", "..", "seeds", "zhongyuan"))


def build_cities(seeds_dir, admin, poly, places, stations):
    """One row per plan city: the census unit holding the city government (admin-points city centre) and the
    stations that serve the city itself: a station of that 12306 city (or, for a planned station, in that
    prefecture) whose name starts with the city's name. 滑浚 (in 滑县) is thus not 安阳's, 平顶山西 (in 宝丰县)
    is 平顶山's; 明港东 and 淮阳南 (in large districts that were counties) are not the city's."""
    path = os.path.join(seeds_dir, "cities.csv")
    rows = []
    for r in read_csv(path, ["city_id", "name_zh"]):
        cid, cname = r.req("city_id"), r.req("name_zh")
        a = admin.get(cid)
        if a is None:
            fail(r.path, r.line, "city_id", f"{cid} is not a prefecture in {ADMIN}")
        units = [u for u in poly.containing(float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"])) if u in places]
        if len(units) != 1:
            fail(r.path, r.line, "city_id", f"the city centre of {cname} lies in {len(units)} region units")
        seat = units[0]
        st = stem(cname)
        own = []
        for x in stations.values():
            p = places.get(x.place_id)
            if (x.city == st or (not x.city and p is not None and p.pref_id == cid)) and x.name.startswith(st):
                own.append(x.sid)
        rows.append([cid, cname, seat, "|".join(sorted(own)),
                     f"shared:{ADMIN}#{cid} (city government seat lies in {places[seat].name} {seat}, by "
                     f"point-in-polygon on shared:{COUNTIES}) ; derived: stations of 12306 city {st} named after "
                     "the city or inside its districts"])
    rows.sort()
    return rows


# ------------------------------------------------------------------------------------------------ stations

class Station:
    __slots__ = ("sid", "name", "telecode", "place_id", "city", "lon", "lat", "opened", "check", "source",
                 "cands", "planned", "project")

    def row(self):
        return [self.sid, self.name, self.telecode, self.place_id, self.city, fmt_coord(self.lon),
                fmt_coord(self.lat), self.opened, getattr(self, "project", "") or "", self.check,
                " ; ".join(self.source)]


def load_geocodes(shared):
    b_path, a_path = os.path.join(shared, ST_BAIDU), os.path.join(shared, ST_AMAP)
    baidu, amap = {}, {}
    for r in read_csv(b_path, ["station", "lon_wgs84", "lat_wgs84"]):
        baidu[r.req("station")] = (r.num("lon_wgs84"), r.num("lat_wgs84"))
    for r in read_csv(a_path, ["station", "lon_wgs84", "lat_wgs84", "imputed_mean_of_graph_neighbours"]):
        if r.req("imputed_mean_of_graph_neighbours") != "0":
            continue  # imputed rows are not real positions
        amap[r.req("station")] = (r.num("lon_wgs84"), r.num("lat_wgs84"))
    return baidu, amap


def resolve_name(name, row, field):
    if name in STATION_ALIASES:
        return STATION_ALIASES[name][0]
    return name


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
    places, make_place = build_places(shared, census, pops, census_path, pop_path, admin, admin_path, poly)
    region_codes = set(places)
    capital_units = capital_seat_units(admin, poly)

    # ---- facts
    f_lines = os.path.join(facts, "rail_lines.csv")
    f_str = os.path.join(facts, "rail_stretches.csv")
    f_pl = os.path.join(facts, "planned_stations.csv")
    f_sc = os.path.join(facts, "speed_changes.csv")
    f_fix = os.path.join(facts, "station_fixes.csv")
    f_exp = os.path.join(facts, "expressway_routes.csv")

    lines = {}
    for r in read_csv(f_lines, ["line_id", "name_zh", "mode", "source"]):
        lid = r.req("line_id")
        if lid in lines:
            fail(r.path, r.line, "line_id", f"duplicate {lid}")
        mode = r.req("mode")
        if mode not in ("hsr", "intercity", "suburban", "conventional"):
            fail(r.path, r.line, "mode", f"unknown mode {mode!r}")
        r.num("design_speed_kmh", required=False, positive=True)
        lines[lid] = r

    stretches = []
    for r in read_csv(f_str, ["line_id", "source"]):
        lid = r.req("line_id")
        if lid not in lines:
            fail(r.path, r.line, "line_id", f"unknown line {lid!r} (not in facts/rail_lines.csv)")
        names = [resolve_name(n, r, "stations") for n in split_list(r.req("stations", "station_list"))]
        if len(names) < 2:
            fail(r.path, r.line, "stations", "a stretch needs at least two stations")
        for a, b in zip(names, names[1:]):
            if a == b:
                fail(r.path, r.line, "stations", f"station {a} repeated consecutively")
        stretches.append({"_row": r, "_stations": names, "_line": lid})
    # order of stretches within a line: explicit seq column if present, else file order
    def stretch_key(st):
        r = st["_row"]
        seq = r.opt("seq", "stretch_seq", "order")
        return (st["_line"], float(seq) if seq else 0.0, r.line)
    stretches.sort(key=stretch_key)

    planned_rows = read_csv(f_pl, ["source"]) if os.path.exists(f_pl) else []
    fixes = {}
    if os.path.exists(f_fix):
        for r in read_csv(f_fix, ["source"]):
            fixes[resolve_name(r.req("name", "station"), r, "name")] = r

    stations = build_stations(shared, facts, stretches, planned_rows, fixes, places, census, admin, poly,
                              {c for c, _ in CAPITALS})

    # outside places: capital seat districts reached by a station of that city
    cities = {s.city for s in stations.values()}
    for pref, city in CAPITALS:
        code = capital_units[city]
        if city in cities and code not in places:
            p = make_place(code, kind_override="outside")
            p.source += f" ; derived: seat district of {admin[pref]['name']} (city centre shared:{ADMIN}#{pref} " \
                        "lies in it), outside the region"
            places[code] = p

    # outside places: every census unit outside the region that holds a station (so that each station has a place)
    for st in sorted(stations.values(), key=lambda x: x.sid):
        if st.place_id not in places and st.place_id in census:
            p = make_place(st.place_id, kind_override="outside")
            p.source += f" ; derived: holds station {st.name}, outside the region"
            places[st.place_id] = p

    # ---- rail sections
    sections = []
    used_stations = set()
    seqs = {}
    for st in stretches:
        r, lid, names = st["_row"], st["_line"], st["_stations"]
        line = lines[lid]
        pts = [(stations[n].lon, stations[n].lat) for n in names]
        gcs = [haversine_km(*pts[i], *pts[i + 1]) for i in range(len(pts) - 1)]
        for i, g in enumerate(gcs):
            if g <= 0.05:
                fail(r.path, r.line, "stations", f"{names[i]} and {names[i + 1]} have the same coordinate; cannot "
                     "split the stretch length (fix the station coordinates)")
        total_gc = sum(gcs)
        length = r.num("length_km", required=False, positive=True)
        srcs = r.req("source")
        if length is not None:
            lens = [length * g / total_gc for g in gcs]
            base = f"derived: {length:g} km split by great-circle share ; {srcs}"
        else:
            if "rail" not in circ:  # only needed when a stretch has no sourced length
                circ["rail"] = find_circuity(params, params_path, "rail", ("rail",))
            c, cpath = circ["rail"]
            lens = [g * c for g in gcs]
            base = (f"assumption: no sourced length; great-circle x rail circuity {c:g} (params.toml {cpath}) ; "
                    f"{srcs}")
        design = r.num("design_speed_kmh", required=False, positive=True)
        if design is None:
            design = line.num("design_speed_kmh", required=False, positive=True)
        if design is None:
            fail(r.path, r.line, "design_speed_kmh", "no design speed on the stretch or its line")
        oper = r.num("operating_speed_kmh", required=False, positive=True)
        if oper is None:
            oper = line.num("operating_speed_kmh", required=False, positive=True) if "operating_speed_kmh" in line \
                else None
        oper_src = ""
        if oper is None:
            oper = design
            oper_src = " ; assumption: operating speed = design speed (no separate figure on the stretch)"
        if oper > design:
            fail(r.path, r.line, "operating_speed_kmh", f"{oper:g} > design {design:g}")
        opened = check_date(r, "opened", r.opt("opened"))
        project = r.opt("project_id")
        parts = part_projects(r, names)
        if not opened and not project and len(parts) < len(names) - 1:
            fail(r.path, r.line, "project_id", "a stretch that is not open needs a project_id")
        for i in range(len(names) - 1):
            seq = seqs.get(lid, 0) + 1
            seqs[lid] = seq
            a, b = stations[names[i]], stations[names[i + 1]]
            used_stations.update((names[i], names[i + 1]))
            sec_project, part_src = project, ""
            if i in parts:
                sec_project, frm, to = parts[i]
                part_src = (f" ; derived: project {sec_project} for the part {frm}–{to} (facts/rail_stretches.csv "
                            "part_projects; see the row's notes)")
            sections.append([f"{lid}:{seq}", lid, seq, a.sid, b.sid, fmt_km(lens[i]), f"{design:g}", f"{oper:g}",
                             opened, sec_project, base + oper_src + part_src])
            for s in (a, b):
                if opened and (not s.opened or date_key(opened) < date_key(s.opened)):
                    s.opened = opened
    sections.sort(key=lambda x: (x[1], x[2]))
    for x in sections:
        x[2] = str(x[2])

    # station openings later than the first section through them (a station built on an open line)
    f_so = os.path.join(facts, "station_openings.csv")
    if os.path.exists(f_so):
        for r in read_csv(f_so, ["name", "opened", "project_id", "source"]):
            name = resolve_name(r.req("name"), r, "name")
            if name not in stations:
                fail(r.path, r.line, "name", f"station {name!r} is on no stretch")
            opened = r.req("opened")
            check_date(r, "opened", opened)
            s = stations[name]
            s.opened, s.project = opened, r.opt("project_id")
            s.source.append(f"opened {opened}: {r.req('source')}")

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

    # ---- road links
    road = []
    ce, cepath = circ["expressway"]
    exp_rows = read_csv(f_exp, ["route_id", "places", "source"]) if os.path.exists(f_exp) else []
    if not exp_rows:
        log(f"warning: {f_exp} missing or empty: no expressway links")
    exp_seen = {}
    undated = []
    for r in exp_rows:
        rid = r.req("route_id")
        codes = split_list(r.req("places"))
        if len(codes) < 2:
            fail(r.path, r.line, "places", "a route needs at least two places")
        for code in codes:
            if code not in places:
                if code in census:
                    p = make_place(code, kind_override="outside")
                    p.source += f" ; derived: outside the region, on expressway route {rid} (facts/expressway_routes.csv)"
                    places[code] = p
                else:
                    fail(r.path, r.line, "places", f"{code!r} is not a 2020 census code")
        opened = check_date(r, "opened", r.opt("opened"))
        project = r.opt("project_id")
        if not opened and not project:
            undated.append(f"{rid} (line {r.line})")
        for i in range(len(codes) - 1):
            a, b = places[codes[i]], places[codes[i + 1]]
            if a.pid == b.pid:
                fail(r.path, r.line, "places", f"{a.pid} repeated consecutively")
            g = haversine_km(a.lon, a.lat, b.lon, b.lat)
            key = (min(a.pid, b.pid), max(a.pid, b.pid), opened, project)
            if key in exp_seen:
                continue  # same pair, same opening, already listed by another route row
            exp_seen[key] = True
            road.append([f"{rid}:{i + 1}", a.pid, b.pid, "expressway", r.opt("route"), fmt_km(g * ce), opened, project,
                         f"derived: great-circle {g:.3f} km x expressway circuity {ce:g} (params.toml {cepath}) ; "
                         f"{r.req('source')}"])
    if undated:
        log(f"warning: {len(undated)} expressway route rows have neither opened nor project_id; their links are kept "
            f"with blank opened (read as open at all dates): {', '.join(undated)}")
    if len({x[0] for x in road}) != len(road):
        dup = sorted({x[0] for x in road if [y[0] for y in road].count(x[0]) > 1})
        fail(f_exp, None, "route_id", f"duplicate link ids {dup[:5]} (route_id must be unique per row)")

    # trunk roads: k nearest seats within radius, plus a minimum spanning tree over all places
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
    # Prim's MST
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
    for a, b, kind, km, minutes, opened, src in TRANSFERS:
        if a in stations and b in stations:
            conns.append([stations[a].sid, stations[b].sid, kind, fmt_km(km), "" if minutes is None else str(minutes),
                          opened, src])
    conns.sort(key=lambda x: (x[2], x[0], x[1]))

    # ---- connectivity check (roads, from Zhengzhou's seat district)
    adj = {c: set() for c in codes}
    for x in road:
        adj[x[1]].add(x[2])
        adj[x[2]].add(x[1])
    zz = poly.containing(float(admin["410100"]["center_lon_wgs84"]), float(admin["410100"]["center_lat_wgs84"]))[0]
    seen, todo = {zz}, [zz]
    while todo:
        c = todo.pop()
        for n in adj[c]:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    unreachable = sorted(set(codes) - seen)
    if unreachable:
        fail(f_exp, None, None, f"places not reachable by road from {zz}: {unreachable}")

    # ---- station rows: only stations that appear in a section or in planned_stations
    st_rows = [s.row() for s in sorted(stations.values(), key=lambda s: s.sid)]
    names_out = [r[1] for r in st_rows]
    assert len(set(names_out)) == len(names_out)

    # ---- network.toml
    lons = [p.lon for p in places.values()]
    lats = [p.lat for p in places.values()]
    bbox = [math.floor((min(lons) - BBOX_MARGIN_DEG) * 100) / 100, math.floor((min(lats) - BBOX_MARGIN_DEG) * 100) / 100,
            math.ceil((max(lons) + BBOX_MARGIN_DEG) * 100) / 100, math.ceil((max(lats) + BBOX_MARGIN_DEG) * 100) / 100]
    toml = (
        "# derived by tools/derive/zhongyuan.py; do not edit\n"
        "format = 1\n"
        'name = "zhongyuan"\n'
        'description = "中原城市群 (Central Plains Urban Agglomeration): 305 census county-level units of 河南 山西 河北 '
        '山东 安徽 (2020 census), rail and expressway network, open and planned"\n'
        'seeds = "../../seeds/zhongyuan"\n'
        'default_origin = "410100"\n'
        f"bbox = [{bbox[0]:.2f}, {bbox[1]:.2f}, {bbox[2]:.2f}, {bbox[3]:.2f}]\n"
    )

    output = Output(out, check=args.check)
    output.add("places.csv", csv_text(["place_id", "name", "kind", "prefecture_id", "prefecture", "province", "lon",
                                       "lat", "population", "area_km2", "source"],
                                      [places[c].row() for c in sorted(places)]))
    output.add("stations.csv", csv_text(["station_id", "name", "telecode", "place_id", "city", "lon", "lat", "opened",
                                         "project_id", "coord_check", "source"], st_rows))
    output.add("cities.csv", csv_text(["city_id", "name", "seat_place_id", "stations", "source"],
                                      build_cities(repo_seeds(out), admin, poly, places, stations)))
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

    # ---- summary
    reg_pop = sum(places[c].pop for c in region_codes)
    kinds = {}
    for p in places.values():
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    checks = {}
    for s in stations.values():
        k = s.check.split(":")[0]
        checks[k] = checks.get(k, 0) + 1
    nexp = sum(1 for x in road if x[3] == "expressway")
    log(f"places: {len(places)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
        f"region {len(region_codes)} units, population {reg_pop:,}")
    log(f"stations: {len(stations)} (coord_check: {', '.join(f'{k} {v}' for k, v in sorted(checks.items()))})")
    for s in sorted(stations.values(), key=lambda s: s.sid):
        if s.check.startswith(("fixed", "assumption")):
            log(f"  {s.name} {s.sid}: {s.check}")
    log(f"rail: {len(line_rows)} lines, {len(sections)} sections, {len(speed_rows)} speed changes")
    log(f"road: {nexp} expressway links, {len(road) - nexp} trunk links; all {len(codes)} places reachable "
        f"from {zz} by road")
    log(f"connectors: {len(conns)}")
    return output


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", required=True, help="the shared data folder (../shared/data)")
    ap.add_argument("--out", required=True, help="the network folder (networks/zhongyuan)")
    ap.add_argument("--check", action="store_true", help="compare with the files on disk; write nothing")
    args = ap.parse_args(argv)
    try:
        output = build(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    changed = output.finish()
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
