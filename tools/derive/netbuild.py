"""Shared network builder of the region derivation scripts (zhongyuan.py, changjiang.py, guanzhong.py).

The rules are those of networks/README.md ("Derivation rules (zhongyuan)"); the region scripts pass what differs
between regions as parameters (region units, capitals, station aliases, variant rules); the station-position and
section-length rules and their checks are the same for every region (station positions: STATION_DECISIONS and
networks/station_fixes.csv; lengths: track.py; rules from params.toml [derive]).

Contents, in build order:
- helpers: dates, name stems, `|` lists, part_projects, circuity factors of params.toml;
- places: census / admin-points loading, the Place record and the seat rule (place_maker), region places,
  capital seat units, outside places, cities.csv rows;
- stations: the Station record, the three position sources (Baidu, Amap, OpenStreetMap), the position rule
  (sources_agree, build_stations) and its evidence;
- facts: rail lines, stretches, station fixes, station openings, speed changes;
- rail sections, expressway links, the trunk-road layer, access connectors, the road connectivity check;
- output: network.toml, the standard network files, the summary log;
- build frame: Inputs (what every build reads first), region_main (the command line);
- derive rules ([derive] of params.toml), the measured track lengths (track_lengths), the length report and the
  section checks (check_sections).
Standard library only; deterministic.
"""
from __future__ import annotations

import heapq
import math
import os
import re

from common import (
    PolygonIndex, csv_text, derive_parser, fail, fmt_coord, fmt_km, haversine_km, log, read_csv, read_toml, run_cli,
)

# ------------------------------------------------------------------------------------------------ constants

CENSUS = "census2020/census2020_county_units_centroids.csv"
CENSUS_POP = "census2020/population_2020_county.csv"
ADMIN = "admin-points/admin_points_all_china.csv"
COUNTIES = "boundaries/counties_8prov_wgs84.geojson"
ST_12306 = "rail-stations/stations_12306.csv"
ST_BAIDU = "rail-stations/stations_baidu2023_wgs84.csv"
ST_AMAP = "rail-stations/stations_amap_geocoded_wgs84.csv"
ST_OSM = "rail-stations/stations_osm_wgs84.csv"

AGREE_TIGHT_KM = 0.5
AGREE_KM = 2.0
# params.toml [derive]: the modelling rules of the derivation (read strictly: every key required, no other key)
DERIVE_KEYS = {
    "access_radius_km": float, "trunk_neighbours": int, "trunk_radius_km": float, "station_osm_agree_km": float,
    "station_city_max_km": float, "track_snap_km": float, "track_join_m": float, "section_max_circuity": float,
    "route_to_track": float, "rail_circuity": float, "split_published_rest": bool, "source": str,
}
BBOX_MARGIN_DEG = 0.2
DUPLICATE_POSITION_KM = 0.5

DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")

PLACE_COLS = ["place_id", "name", "kind", "prefecture_id", "prefecture", "province", "lon", "lat", "population",
              "area_km2", "source"]
STATION_COLS = ["station_id", "name", "telecode", "place_id", "city", "lon", "lat", "opened", "project_id",
                "coord_check", "source"]
CITY_COLS = ["city_id", "name", "seat_place_id", "stations", "source"]
LINE_COLS = ["line_id", "name_zh", "name_en", "mode", "design_speed_kmh", "source"]
SECTION_COLS = ["section_id", "line_id", "seq", "from_station", "to_station", "length_km", "design_speed_kmh",
                "operating_speed_kmh", "opened", "project_id", "source"]
SPEED_COLS = ["line_id", "effective", "operating_speed_kmh", "source"]
ROAD_COLS = ["link_id", "from_place", "to_place", "class", "route", "length_km", "opened", "project_id", "source"]
CONN_COLS = ["from_id", "to_id", "kind", "length_km", "minutes", "opened", "source"]


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


def alias_resolver(aliases):
    """resolve(name, row, field): the 12306 name of a station, given {old name: (12306 name, source)}."""
    def resolve_name(name, row, field):
        if name in aliases:
            return aliases[name][0]
        return name
    return resolve_name


def part_projects(r, names, resolve_name):
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


def road_circuities(params, params_path):
    """The expressway, trunk and access circuity factors: {kind: (value, dotted path)} (rail is looked up later,
    only when a stretch has no sourced length)."""
    circ = {}
    for kind, tokens in (("expressway", ("expressway", "motorway")), ("trunk", ("trunk", "ordinary")),
                         ("access", ("access",))):
        circ[kind] = find_circuity(params, params_path, kind, tokens)
    return circ


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


def admin_point(a):
    return float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"])


def place_maker(census, pops, census_path, pop_path, admin, poly, name_fixes=None, merged_seats=True):
    """A function make(code, kind_override=None) -> Place for a census code: name (with `name_fixes`, code ->
    (wrong spelling, right name)), kind, population, prefecture / province and the government seat (admin-points
    row of the same code, else the one admin district seat of the same prefecture lying in the unit, else the
    census centroid). merged_seats (zhongyuan rule): skip seats of admin districts that are census units of their
    own, handle municipalities, and note renames/mergers after 2020; False is the simpler guanzhong rule."""
    name_fixes = name_fixes or {}
    seats_in_units = {}  # census code -> admin district adcodes whose seat lies inside the unit
    for adcode, a in sorted(admin.items()):
        if a["level"] != "district":
            continue
        for code in poly.by_polygon(*admin_point(a)):
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
        if code in name_fixes:
            wrong, right = name_fixes[code]
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
        pref, prov = r.req("pref_code"), r.req("prov_code")
        if pref not in admin and code in admin and admin[code]["level"] == "city":
            pref = code  # 省直辖县级市 (济源 419001): census pref 419000 has no row; the unit is its own prefecture
        if merged_seats and pref not in admin and prov in admin and prov.startswith(("11", "12", "31", "50")):
            pref = prov  # a municipality (重庆): its districts hang directly under the province-level unit
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
                          and not (merged_seats and ac in census and census[ac]["in_cpua"] == r["in_cpua"]
                                   and ac != code and stem(census[ac]["name"]) == stem(admin[ac]["name"]))]
                if len(inside) == 1:
                    ac = inside[0]
                    note = "; unit renamed/merged after 2020" if merged_seats else ""
                    seat = (admin[ac], f"shared:{ADMIN}#{ac} (seat of today's {admin[ac]['name']}, which lies in "
                                       f"census unit {code} {name}{note})")
        if seat:
            p.lon, p.lat = admin_point(seat[0])
            srcs.append(seat[1])
        else:
            p.lon, p.lat = float(r.req("centroid_lon_wgs84")), float(r.req("centroid_lat_wgs84"))
            why = "devzone" if p.kind == "devzone" else "no matching seat in admin-points"
            srcs.append(f"derived: census area-weighted centroid ({why})")
        p.source = " ; ".join(srcs)
        return p
    return make


def region_places(region_codes, make, census_path, expected_units, expected_population):
    """The region's places (one per census code), checked against the expected unit count and population."""
    places = {}
    for code in region_codes:
        places[code] = make(code)
    n = len(region_codes)
    pop = sum(places[c].pop for c in region_codes)
    if expected_units is not None and (n != expected_units or pop != expected_population):
        fail(census_path, None, "in_cpua", f"expected {expected_units} units / {expected_population} people, "
             f"got {n} / {pop}")
    return places


def capital_seat_units(admin, poly, capitals):
    """{12306 city: census unit holding the city centre} of the (prefecture code, 12306 city) pairs."""
    out = {}
    for pref, city in capitals:
        a = admin.get(pref)
        if a is None:
            fail(ADMIN, None, "adcode", f"capital {pref} missing")
        units = poly.containing(*admin_point(a))
        if len(units) != 1:
            fail(COUNTIES, None, None, f"city centre of {a['name']} lies in {len(units)} census units")
        out[city] = units[0]
    return out


def repo_seeds(out, region):
    """The seeds folder of a network (network.toml's `seeds`, ../../seeds/<region> from the output folder)."""
    return os.path.normpath(os.path.join(out, "..", "..", "seeds", region))


def add_capital_places(places, stations, admin, make, capitals, capital_units):
    """Outside places: capital seat districts reached by a station of that city."""
    cities = {s.city for s in stations.values()}
    for pref, city in capitals:
        code = capital_units[city]
        if city in cities and code not in places:
            p = make(code, kind_override="outside")
            p.source += f" ; derived: seat district of {admin[pref]['name']} (city centre shared:{ADMIN}#{pref} " \
                        "lies in it), outside the region"
            places[code] = p


def add_station_places(places, stations, census, make):
    """Outside places: every census unit outside the region that holds a station (so that each station has a
    place)."""
    for st in sorted(stations.values(), key=lambda x: x.sid):
        if st.place_id not in places and st.place_id in census:
            p = make(st.place_id, kind_override="outside")
            p.source += f" ; derived: holds station {st.name}, outside the region"
            places[st.place_id] = p


def build_cities(seeds_dir, admin, poly, places, stations, extra=None, locate_note="",
                 stations_note=" or inside its districts"):
    """One row per plan city: the census unit holding the city government (admin-points city centre) and the
    stations that serve the city itself: a station of that 12306 city (or, for a planned station, in that
    prefecture) whose name starts with the city's name, plus extra.get(city_id) (station names). 滑浚 (in 滑县) is
    thus not 安阳's, 平顶山西 (in 宝丰县) is 平顶山's; 明港东 and 淮阳南 (in large districts that were counties) are
    not the city's."""
    extra = extra or {}
    path = os.path.join(seeds_dir, "cities.csv")
    rows = []
    for r in read_csv(path, ["city_id", "name_zh"]):
        cid, cname = r.req("city_id"), r.req("name_zh")
        a = admin.get(cid)
        if a is None:
            fail(r.path, r.line, "city_id", f"{cid} is not a prefecture in {ADMIN}")
        units = [u for u in poly.containing(*admin_point(a)) if u in places]
        if len(units) != 1:
            fail(r.path, r.line, "city_id", f"the city centre of {cname} lies in {len(units)} region units")
        seat = units[0]
        st = stem(cname)
        own = []
        for x in stations.values():
            p = places.get(x.place_id)
            if (x.city == st or (not x.city and p is not None and p.pref_id == cid)) and x.name.startswith(st):
                own.append(x.sid)
        if extra:
            own = sorted(set(own) | {x.sid for x in stations.values() if x.name in extra.get(cid, ())})
        rows.append([cid, cname, seat, "|".join(sorted(own)),
                     f"shared:{ADMIN}#{cid} (city government seat lies in {places[seat].name} {seat}, by "
                     f"point-in-polygon on shared:{COUNTIES}{locate_note}) ; derived: stations of 12306 city {st} "
                     f"named after the city{stations_note}"
                     + (f", plus {'/'.join(extra[cid])} (12306 city {st}, the city's main stations)"
                        if cid in extra else "")])
    rows.sort()
    return rows


# ------------------------------------------------------------------------------------------------ stations

class Station:
    __slots__ = ("sid", "name", "telecode", "place_id", "city", "lon", "lat", "opened", "check", "source",
                 "cands", "all_cands", "planned", "project")

    def row(self):
        return [self.sid, self.name, self.telecode, self.place_id, self.city, fmt_coord(self.lon),
                fmt_coord(self.lat), self.opened, getattr(self, "project", "") or "", self.check,
                " ; ".join(self.source)]


def load_geocodes(shared):
    """Station positions by 12306 name: Baidu 2023, Amap (imputed rows left out) and OpenStreetMap."""
    b_path, a_path, o_path = (os.path.join(shared, ST_BAIDU), os.path.join(shared, ST_AMAP),
                              os.path.join(shared, ST_OSM))
    baidu, amap, osm = {}, {}, {}
    for r in read_csv(b_path, ["station", "lon_wgs84", "lat_wgs84"]):
        baidu[r.req("station")] = (r.num("lon_wgs84"), r.num("lat_wgs84"))
    for r in read_csv(a_path, ["station", "lon_wgs84", "lat_wgs84", "imputed_mean_of_graph_neighbours"]):
        if r.req("imputed_mean_of_graph_neighbours") != "0":
            continue  # imputed rows are not real positions
        amap[r.req("station")] = (r.num("lon_wgs84"), r.num("lat_wgs84"))
    for r in read_csv(o_path, ["station_name", "lon", "lat"]):
        name = r.req("station_name")
        if name in osm:
            fail(r.path, r.line, "station_name", f"{name} repeats; the position rule needs one OSM point per name")
        osm[name] = (r.num("lon"), r.num("lat"))
    return baidu, amap, osm


def sources_agree(cands, osm_agree_km, agree_km):
    """The position rule where sources agree: OpenStreetMap when it lies within osm_agree_km of a geocode (Baidu 2023
    or Amap; the nearer one confirms it), else the mean of Baidu and Amap when they lie within agree_km of each other.
    Returns (lon, lat, coord_check, [sources used]) or None when no two sources agree."""
    o = cands.get("osm")
    if o is not None:
        near = sorted((haversine_km(*o, *cands[w]), w) for w in ("baidu2023", "amap") if w in cands)
        if near and near[0][0] <= osm_agree_km:
            return o[0], o[1], f"osm+{near[0][1]}<{osm_agree_km:g}km", ["osm", near[0][1]]
    if "baidu2023" in cands and "amap" in cands:
        b, a = cands["baidu2023"], cands["amap"]
        d = haversine_km(*b, *a)
        if d <= agree_km:
            check = "agree<0.5km" if d <= AGREE_TIGHT_KM else f"agree<{agree_km:g}km"
            return (b[0] + a[0]) / 2, (b[1] + a[1]) / 2, check, ["baidu2023", "amap"]
    return None


def evidence(lon, lat, cands):
    """coord_check evidence: `|<source>=<km>` for each source that has the station, km from the settled position."""
    return "".join(f"|{w}={haversine_km(lon, lat, *cands[w]):.2f}km" for w in ("baidu2023", "amap", "osm")
                   if w in cands)


def city_seat_finder(census, admin):
    """seat(city): the government seat of a 12306 city (a prefecture, else a census unit of that name)."""
    cache = {}

    def seat(city):
        if city in cache:
            return cache[city]
        found = None
        for code, a in sorted(admin.items()):
            if a["level"] == "city" and stem(a["name"]) == city:
                found = admin_point(a)
                break
        if found is None:
            for code, r in sorted(census.items()):
                if stem(r["name"]) == city and code in admin:
                    found = admin_point(admin[code])
                    break
        cache[city] = found
        return found
    return seat


# Decisions for stations whose sources disagree and that the generic rules settle wrongly, each with its source:
# name -> (position kept, short reason, source). They apply in every network.
STATION_DECISIONS = {
    "郑州": ("baidu2023", "shared-README:Amap-wrong", "shared:README.md#Known problems (郑州: Amap wrong)"),
    "安阳": ("amap", "shared-README:Baidu-wrong", "shared:README.md#Known problems (安阳: Baidu wrong)"),
    "阜阳西": ("baidu2023", "matches-Wikipedia-32.88519N-115.74791E",
            "url:https://hessslslslsls.azureedge.net/wiki/Fuyang_West_railway_station_(Anhui) (Wikipedia copy; "
            "32.88519 N 115.74791 E, 颍州区)"),
    "周口东": ("baidu2023", "matches-Wikipedia-33.6472N-114.7416E",
            "url:https://everything.explained.today/%5C/Zhoukou_East_railway_station (Wikipedia copy; 33.6472 N "
            "114.7416 E, 川汇区)"),
    "永济北": ("amap", "Baidu-is-city-centre-fallback",
            "shared:admin-points/admin_points_all_china.csv#140881 (the Baidu geocode lies 0.2 km from the 永济市 "
            "government seat, i.e. a city-centre fallback; the shared README lists 永济北 as disagreeing; the Amap "
            "position, 18 km north, lies on the 大西 line between 运城北 and 大荔)"),
}
CAND_FILES = {"baidu2023": ST_BAIDU, "amap": ST_AMAP, "osm": ST_OSM}


def build_stations(shared, stretches, planned_rows, fixes, places, census, admin, poly, pref_units, rules):
    """Every station named by a stretch or facts/planned_stations.csv, with id, 12306 city and a settled position
    (the same rule in every network; networks/README.md "Station positions"): networks/station_fixes.csv, else
    OpenStreetMap where a geocode confirms it, else the mean of two agreeing geocodes, else (after dropping geocoder
    fallbacks and positions far from the 12306 city) STATION_DECISIONS, a candidate sitting on another station, the
    county / prefecture polygon, OpenStreetMap, Baidu; else one source, else a county seat, interpolation along the
    stretch or the prefecture seat; then its place_id (census unit). Fails on a station farther than
    rules['station_city_max_km'] from its 12306 city. rules: params.toml [derive]."""
    far_km = rules["station_city_max_km"]
    city_seat = city_seat_finder(census, admin)
    t_path = os.path.join(shared, ST_12306)
    tele = {r.req("name"): r for r in read_csv(t_path, ["name", "telecode", "pinyin", "city"])}
    baidu, amap, osm = load_geocodes(shared)
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
        if name in tele:
            t = tele[name]
            s.telecode = t.req("telecode")
            s.sid = s.telecode
            s.city = t.req("city")
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
            r.req("source")
        else:
            row = names[name]
            fail(row.path, row.line, "stations", f"station {name!r} is neither in {ST_12306} nor in "
                 "facts/planned_stations.csv")
        stations[name] = s

    # candidate coordinates: Baidu 2023, Amap (real rows) and OpenStreetMap, by 12306 name
    for name, s in stations.items():
        s.cands = {}
        for which, table in (("baidu2023", baidu), ("amap", amap), ("osm", osm)):
            if name in table:
                s.cands[which] = table[name]
        s.all_cands = dict(s.cands)
        s.source = src_of = []
        if s.telecode:
            src_of.append(f"shared:{ST_12306}#{s.telecode}")
        elif s.planned:
            src_of.append(planned[name].req("source"))

    def cite(which, name):
        # a position taken from OpenStreetMap carries its attribution (ODbL 1.0) in the row itself
        note = " (© OpenStreetMap contributors, ODbL 1.0)" if which == "osm" else ""
        return f"shared:{CAND_FILES[which]}#{name}{note}"

    dup_count = {}
    for src_name, table in (("baidu2023", baidu), ("amap", amap)):
        for n, xy in table.items():
            key = (src_name, round(xy[0], 5), round(xy[1], 5))
            dup_count[key] = dup_count.get(key, 0) + 1

    # stretch neighbours (for interpolating stations without any geocode)
    neigh = {}
    for st in stretches:
        seq = st["_stations"]
        for i, n in enumerate(seq):
            neigh.setdefault(n, []).append((seq[:i][::-1], seq[i + 1:]))

    def pref_of_city(city):
        if not city:
            return None
        # a 12306 city that is a county (汉川, 京山, 浠水 ...): the prefecture of that census unit
        county_prefs = sorted({r["pref_code"] for r in census.values() if stem(r["name"]) == city
                               and r["pref_code"] in admin and stem(admin[r["pref_code"]]["name"]) != city})
        prefs_named = [pid for pid, a in admin.items() if a["level"] == "city" and stem(a["name"]) == city]
        if not prefs_named and len(county_prefs) == 1:
            return county_prefs[0]
        for pid in sorted({p.pref_id for p in places.values()} | set(pref_units)):
            if pid in admin and stem(admin[pid]["name"]) == city:
                return pid
        for code, a in sorted(admin.items()):
            if a["level"] == "city" and stem(a["name"]) == city:
                return code
        return None

    def units_of(lon, lat):
        return poly.containing(lon, lat)

    def in_city_prefecture(city, xy):
        pref = pref_of_city(city)
        return pref is not None and any(census[u]["pref_code"] == pref for u in units_of(*xy) if u in census)

    pending = []
    for name in sorted(stations):
        s = stations[name]
        if name in fixes:
            r = fixes[name]
            s.lon, s.lat = r.num("lon", "lon_wgs84"), r.num("lat", "lat_wgs84")
            s.check = "fixed:" + r.opt("how", "coord_check", default="facts/station_fixes.csv").removeprefix("fixed:")
            s.source.append(r.req("source"))
            continue
        agreed = sources_agree(s.cands, rules["station_osm_agree_km"], AGREE_KM)
        if agreed:
            s.lon, s.lat, s.check, used = agreed
            s.source += [cite(w, name) for w in used]
            if len(used) == 2 and "osm" not in used:
                s.source.append(f"derived: mean of the two geocodes "
                                f"({haversine_km(*s.cands['baidu2023'], *s.cands['amap']):.2f} km apart)")
            else:
                s.source.append(f"derived: OpenStreetMap position, confirmed by the {used[1]} geocode within "
                                f"{rules['station_osm_agree_km']:g} km")
            continue
        # no two sources agree: drop geocoder fallbacks (a point the same geocoder gives to several names) and
        # positions far from the seat of the station's 12306 city
        seat = city_seat(s.city) if s.city else None
        for w in sorted(s.cands):
            xy = s.cands[w]
            n_same = dup_count.get((w, round(xy[0], 5), round(xy[1], 5)), 0)
            if n_same > 1:
                del s.cands[w]
                s.source.append(f"derived: {w} position dropped (the same point is given to {n_same} station names: "
                                "a geocoder fallback)")
            elif seat is not None and haversine_km(*xy, *seat) > far_km and not in_city_prefecture(s.city, xy):
                del s.cands[w]
                s.source.append(f"derived: {w} position dropped ({haversine_km(*xy, *seat):.0f} km from the seat of "
                                f"12306 city {s.city}, more than {far_km:g} km, and outside its prefecture)")
        c = s.cands
        if len(c) >= 2:
            pending.append((name, max(haversine_km(*c[x], *c[y]) for x in c for y in c)))
        elif len(c) == 1:
            (which, (lon, lat)), = c.items()
            s.lon, s.lat, s.check = lon, lat, f"single:{which}"
            s.source.append(cite(which, name))
        elif s.planned and planned[name].opt("lon") and planned[name].opt("lat"):
            r = planned[name]
            s.lon, s.lat, s.check = r.num("lon"), r.num("lat"), "single:planned_stations"
        else:
            pending.append((name, None))

    settled = {n: (s.lon, s.lat) for n, s in stations.items() if n not in dict(pending)}

    for name, d in pending:
        s = stations[name]
        c = s.cands
        if d is not None:
            choice, how = None, None
            if name in STATION_DECISIONS and STATION_DECISIONS[name][0] in c:
                choice, how, dsrc = STATION_DECISIONS[name]
                s.source.append(dsrc)
            if choice is None and "osm" in c:
                # OpenStreetMap stations are mapped on the tracks; the geocodes that disagree with it are not used
                choice, how = "osm", "osm-over-disagreeing-geocodes"
            if choice is None:
                # a candidate sitting on another station's settled position is a geocoder fallback
                dup = {w: [o for o, xy in settled.items() if o != name and haversine_km(*xy, *c[w]) < DUPLICATE_POSITION_KM]
                       for w in c}
                ok = [w for w in sorted(c) if not dup[w]]
                bad = [w for w in sorted(c) if dup[w]]
                if bad and len(ok) == 1:
                    choice, how = ok[0], f"{bad[0]}-sits-on-{dup[bad[0]][0]}"
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
                    if len(inside) == 1 or (len(inside) > 1 and "osm" in inside):
                        choice = inside[0] if len(inside) == 1 else "osm"
                        how = f"in-{level}-polygon-{census[codes[0]]['name'] if level == 'county' else admin[pref]['name']}"
                        break
            if choice is None:
                choice = "osm" if "osm" in c else "baidu2023"
                how = f"default-{choice}"
            s.lon, s.lat = c[choice]
            s.check = f"fixed:{choice}:{how}"
            others = [w for w in sorted(c) if w != choice]
            s.source += [cite(choice, name),
                         f"derived: {' and '.join(others)} position rejected ({d:.1f} km apart at most; rule {how})"]
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
                    s.lon, s.lat = admin_point(a)
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
                s.lon, s.lat = admin_point(a)
                s.check = f"assumption:seat-of-{a['name']}"
                s.source.append(f"assumption: coordinate = seat of {a['name']} (shared:{ADMIN}#{pref}; station not "
                                "geocoded, county unknown)")
            else:
                row = names[name]
                fail(row.path, row.line, "stations", f"station {name!r} has no coordinate in any source; add it to "
                     "networks/station_fixes.csv or facts/planned_stations.csv (lon,lat)")
        settled[name] = (s.lon, s.lat)

    # evidence: distance from the settled position to each source; the 12306-city check
    for name in sorted(stations):
        s = stations[name]
        s.lon, s.lat = round(s.lon, 6), round(s.lat, 6)  # the written precision, so that every length uses it
        s.check += evidence(s.lon, s.lat, s.all_cands)
        seat = city_seat(s.city) if s.city else None
        if seat is not None and name not in fixes:
            d = haversine_km(s.lon, s.lat, *seat)
            if d > far_km and not in_city_prefecture(s.city, (s.lon, s.lat)):
                row = names[name]
                fail(row.path, row.line, "stations", f"station {name}: settled position {s.lon:.5f},{s.lat:.5f} "
                     f"({s.check}) lies outside the prefecture of its 12306 city {s.city} and {d:.0f} km from its seat, "
                     f"more than {far_km:g} km (params.toml derive.station_city_max_km); fix it in networks/station_fixes.csv with a source")
    # place_id
    centroids = sorted((code, float(r["centroid_lon_wgs84"]), float(r["centroid_lat_wgs84"]))
                       for code, r in census.items())
    for name, s in stations.items():
        units = units_of(s.lon, s.lat)
        if len(units) >= 1:
            s.place_id = units[0]
            if not poly.by_polygon(s.lon, s.lat):
                s.source.append("derived: place_id = census unit with the nearest government seat (no shared "
                                "boundary polygons for this province)")
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


# ------------------------------------------------------------------------------------------------ facts

def fact_paths(facts):
    """The standard facts files of a network folder: {short name: path}."""
    j = os.path.join
    return {"lines": j(facts, "rail_lines.csv"), "stretches": j(facts, "rail_stretches.csv"),
            "planned": j(facts, "planned_stations.csv"), "speeds": j(facts, "speed_changes.csv"),
            "section_speeds": j(facts, "section_speeds.csv"),
            "fixes": os.path.normpath(j(facts, "..", "..", "station_fixes.csv")), "expressways": j(facts, "expressway_routes.csv")}


def read_rail_lines(path):
    lines = {}
    for r in read_csv(path, ["line_id", "name_zh", "mode", "source"]):
        lid = r.req("line_id")
        if lid in lines:
            fail(r.path, r.line, "line_id", f"duplicate {lid}")
        mode = r.req("mode")
        if mode not in ("hsr", "intercity", "suburban", "conventional"):
            fail(r.path, r.line, "mode", f"unknown mode {mode!r}")
        r.num("design_speed_kmh", required=False, positive=True)
        lines[lid] = r
    return lines


def read_stretches(path, lines, resolve_name, shares=False):
    """Stretches {_row, _stations, _line[, _share]} ordered by line, then the optional seq column, then file order.
    shares (guanzhong rule): a stretch may take its length as a great-circle share of the published length
    `share_of_length_km` of the longer station chain `share_of_stations`."""
    stretches = []
    for r in read_csv(path, ["line_id", "stations", "source"] if shares else ["line_id", "source"]):
        lid = r.req("line_id")
        if lid not in lines:
            fail(r.path, r.line, "line_id", f"unknown line {lid!r} (not in facts/rail_lines.csv)")
        names = [resolve_name(n, r, "stations") for n in split_list(r.req("stations", "station_list"))]
        if len(names) < 2:
            fail(r.path, r.line, "stations", "a stretch needs at least two stations")
        for a, b in zip(names, names[1:]):
            if a == b:
                fail(r.path, r.line, "stations", f"station {a} repeated consecutively")
        st = {"_row": r, "_stations": names, "_line": lid}
        if shares:
            share = split_list(r.opt("share_of_stations"))
            if share:
                if r.opt("length_km"):
                    fail(r.path, r.line, "length_km", "give either length_km or share_of_length_km, not both")
                r.num("share_of_length_km", positive=True)
                if "|".join(names) not in "|".join(share):
                    fail(r.path, r.line, "share_of_stations", "must contain the stretch's stations in the same order")
            st["_share"] = share
        stretches.append(st)

    # order of stretches within a line: explicit seq column if present, else file order
    def stretch_key(st):
        r = st["_row"]
        seq = r.opt("seq", "stretch_seq", "order")
        return (st["_line"], float(seq) if seq else 0.0, r.line)
    stretches.sort(key=stretch_key)
    return stretches


def read_planned_and_fixes(paths, resolve_name):
    """facts/planned_stations.csv rows and facts/station_fixes.csv rows by station name (both optional)."""
    planned_rows = read_csv(paths["planned"], ["source"]) if os.path.exists(paths["planned"]) else []
    fixes = {}
    if os.path.exists(paths["fixes"]):
        for r in read_csv(paths["fixes"], ["source"]):
            fixes[resolve_name(r.req("name", "station"), r, "name")] = r
    return planned_rows, fixes


def apply_station_openings(facts, stations, resolve_name):
    """facts/station_openings.csv (optional): station openings later than the first section through them (a
    station built on an open line)."""
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


def speed_change_rows(path, lines):
    speed_rows = []
    if os.path.exists(path):
        for r in read_csv(path, ["line_id", "effective", "operating_speed_kmh", "source"]):
            lid = r.req("line_id")
            if lid not in lines:
                fail(r.path, r.line, "line_id", f"unknown line {lid!r}")
            eff = check_date(r, "effective", r.req("effective"))
            v = r.num("operating_speed_kmh", positive=True)
            speed_rows.append([lid, eff, f"{v:g}", r.req("source")])
    speed_rows.sort(key=lambda x: (x[0], date_key(x[1])))
    return speed_rows


def apply_section_speeds(path, sections, stations, lines):
    """Speed limits of single sections below their stretch's, where evidence shows a slower way through a hub
    (facts/section_speeds.csv: line_id, from, to, speed_kmh, source; optional file). The limit is the track's own,
    so it caps the design speed as well as the operating one: a later speed change of the line never lifts it. A row
    that matches no section, or that would raise a limit, is bad input."""
    if not os.path.exists(path):
        return
    seen = {}
    for r in read_csv(path, ["line_id", "from", "to", "speed_kmh", "source"]):
        lid = r.req("line_id")
        if lid not in lines:
            fail(r.path, r.line, "line_id", f"unknown line {lid!r} (ids are those of facts/rail_lines.csv)")
        ends = []
        for field in ("from", "to"):
            name = r.req(field)
            if name not in stations:
                fail(r.path, r.line, field, f"unknown station {name!r} (use the name of a station of the line's "
                     "stretches)")
            ends.append(stations[name].sid)
        v = r.num("speed_kmh", positive=True)
        hits = [x for x in sections if x[1] == lid and {x[3], x[4]} == set(ends)]
        if not hits:
            fail(r.path, r.line, "from", f"no section of {lid} joins {r.req('from')} and {r.req('to')} (a row names "
                 "two consecutive stations of one stretch)")
        for x in hits:
            if x[0] in seen:
                fail(r.path, r.line, "from", f"section {x[0]} already has a row (line {seen[x[0]]}): one row a section")
            seen[x[0]] = r.line
            if v > float(x[6]) or v > float(x[7]):
                fail(r.path, r.line, "speed_kmh", f"{v:g} is above the section's own limit ({x[7]} operating, "
                     f"{x[6]} design): this file only lowers limits")
            x[6] = x[7] = f"{v:g}"
            x[10] += f" ; speed {v:g} km/h on this section (facts/section_speeds.csv line {r.line}): {r.req('source')}"


def rail_line_rows(lines):
    line_rows = []
    for lid in sorted(lines):
        r = lines[lid]
        d = r.num("design_speed_kmh", required=False, positive=True)
        line_rows.append([lid, r.req("name_zh"), r.opt("name_en"), r.req("mode"), f"{d:g}" if d else "",
                          r.req("source")])
    return line_rows


# ------------------------------------------------------------------------------------------------ rail sections

def shared_pairs(stretches_path):
    """Station pairs (a, b, conventional) that lie on more than one stretch of all networks' facts (networks/*/facts/
    rail_stretches.csv next to this network's): one track shared by several lines or networks, whose length must
    not depend on which stretch's published total it would take a share of."""
    root = os.path.normpath(os.path.join(os.path.dirname(stretches_path), "..", ".."))
    count = {}
    for net in sorted(os.listdir(root)):
        f_str = os.path.join(root, net, "facts", "rail_stretches.csv")
        f_lines = os.path.join(root, net, "facts", "rail_lines.csv")
        if not (os.path.exists(f_str) and os.path.exists(f_lines)):
            continue
        modes = {r.req("line_id"): r.req("mode") for r in read_csv(f_lines, ["line_id", "mode"])}
        for r in read_csv(f_str, ["line_id"]):
            names = split_list(r.req("stations", "station_list"))
            conv = modes.get(r.req("line_id")) == "conventional"
            for a, b in {tuple(sorted(p)) for p in zip(names, names[1:])}:
                count[(a, b, conv)] = count.get((a, b, conv), 0) + 1
    return {k for k, v in count.items() if v > 1}


def rail_sections(stretches, lines, stations, track, resolve_name=None, line_operating=True,
                  share_length=None, length_fmt="g"):
    """Rail sections: each stretch split into station-to-station sections whose lengths follow `track`
    (track.TrackLengths: OSM track, route km, the published rest, measured circuity; the stretch's published length
    is a check, reported in track.report); opening dates propagate to the stations. resolve_name given: honour
    the stretch's part_projects; line_operating: fall back to the line's operating_speed_kmh; share_length(st,
    total_gc, srcs) -> (length, srcs) or None: the stretch's published total taken as a share of a longer published
    one (guanzhong);
    length_fmt: format of a sourced length in the source note."""
    sections = []
    seqs = {}
    multi = shared_pairs(stretches[0]["_row"].path) if stretches else set()
    for st in stretches:
        r, lid, names = st["_row"], st["_line"], st["_stations"]
        conv = lines[lid].req("mode") == "conventional"

        def pair_key(i, names=names, conv=conv):
            return tuple(sorted((names[i], names[i + 1]))) + (conv,)
        line = lines[lid]
        pts = [(stations[n].lon, stations[n].lat) for n in names]
        gcs = [haversine_km(*pts[i], *pts[i + 1]) for i in range(len(pts) - 1)]
        for i, g in enumerate(gcs):
            if g <= 0.05:
                fail(r.path, r.line, "stations", f"{names[i]} and {names[i + 1]} have the same coordinate; cannot "
                     "give the section a length (fix the station coordinates)")
        total_gc = sum(gcs)
        length = r.num("length_km", required=False, positive=True)
        srcs = r.req("source")
        shared_len = share_length(st, total_gc, srcs) if share_length else None
        if shared_len is not None:
            length, srcs = shared_len
        lens, notes, rules_used = track.section_lengths(names, pts, gcs, lines[lid].req("mode"), length, length_fmt,
                                                        r.opt("length_exception"),
                                                        {i for i in range(len(gcs)) if pair_key(i) in multi})
        base_srcs = srcs
        track.report.append([r.opt("stretch_id") or f"{lid}:{names[0]}-{names[-1]}", lid, names[0], names[-1],
                             str(len(gcs)), "" if length is None else f"{length:{length_fmt}}", fmt_km(sum(lens)),
                             "" if length is None else f"{100 * (sum(lens) - length) / length:+.1f}",
                             " ".join(f"{k}:{rules_used.count(k)}" for k in ("osm", "route_km", "published", "circuity")
                                      if k in rules_used)])
        design = r.num("design_speed_kmh", required=False, positive=True)
        if design is None:
            design = line.num("design_speed_kmh", required=False, positive=True)
        if design is None:
            fail(r.path, r.line, "design_speed_kmh", "no design speed on the stretch or its line")
        oper = r.num("operating_speed_kmh", required=False, positive=True)
        if oper is None and line_operating:
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
        parts = part_projects(r, names, resolve_name) if resolve_name else {}
        if not opened and not project and len(parts) < len(names) - 1:
            fail(r.path, r.line, "project_id", "a stretch that is not open needs a project_id")
        for i in range(len(names) - 1):
            seq = seqs.get(lid, 0) + 1
            seqs[lid] = seq
            a, b = stations[names[i]], stations[names[i + 1]]
            sec_project, part_src = project, ""
            if i in parts:
                sec_project, frm, to = parts[i]
                part_src = (f" ; derived: project {sec_project} for the part {frm}–{to} (facts/rail_stretches.csv "
                            "part_projects; see the row's notes)")
            track.origin[f"{lid}:{seq}"] = f"{r.path}, line {r.line} (stretch {names[0]}–{names[-1]})"
            sections.append([f"{lid}:{seq}", lid, seq, a.sid, b.sid, fmt_km(lens[i]), f"{design:g}", f"{oper:g}",
                             opened, sec_project, notes[i] + " ; " + base_srcs + oper_src + part_src])
            for s in (a, b):
                if opened and (not s.opened or date_key(opened) < date_key(s.opened)):
                    s.opened = opened
    sections.sort(key=lambda x: (x[1], x[2]))
    for x in sections:
        x[2] = str(x[2])
    return sections


# ------------------------------------------------------------------------------------------------ roads

def outside_adder(places, census, census_path, make):
    """add(code, why): add census unit `code` as an `outside` place (source '... ; derived: outside the region,
    <why>') unless it is a place already; a code that is no census unit is bad input."""
    def add_outside(code, why):
        if code in places:
            return
        if code not in census:
            fail(census_path, None, "code", f"{code} is not a 2020 census code ({why})")
        p = make(code, kind_override="outside")
        p.source += f" ; derived: outside the region, {why}"
        places[code] = p
    return add_outside


def expressway_links(f_exp, places, census, circ, add_outside, strict=False, code_of=None):
    """Expressway links from facts/expressway_routes.csv (route_id, places, opened, project_id, source): one link
    per consecutive pair of places, great-circle x expressway circuity; places outside the region are added.
    strict (guanzhong): the file is required and a route needs an opening date or a project_id (else a warning);
    code_of: maps a code of the `places` column to a census code (changjiang: a prefecture stands for its seat)."""
    road = []
    ce, cepath = circ["expressway"]
    if strict:
        exp_rows = read_csv(f_exp, ["route_id", "places", "source"])
    else:
        exp_rows = read_csv(f_exp, ["route_id", "places", "source"]) if os.path.exists(f_exp) else []
        if not exp_rows:
            log(f"warning: {f_exp} missing or empty: no expressway links")
    exp_seen = {}
    undated = []
    for r in exp_rows:
        rid = r.req("route_id")
        codes = split_list(r.req("places"))
        if code_of:
            codes = [code_of(c) for c in codes]
        if len(codes) < 2:
            fail(r.path, r.line, "places", "a route needs at least two places")
        for code in codes:
            if code not in places and code not in census:
                fail(r.path, r.line, "places", f"{code!r} is not a 2020 census code")
            add_outside(code, f"on expressway route {rid} (facts/expressway_routes.csv)")
        opened = check_date(r, "opened", r.opt("opened"))
        project = r.opt("project_id")
        if not opened and not project:
            if strict:
                fail(r.path, r.line, "opened", "an expressway route needs an opening date or a project_id")
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
    return road


def trunk_links(places, circ, rules):
    """Trunk roads: each place's derive.trunk_neighbours nearest seats within derive.trunk_radius_km, plus a minimum spanning tree over all
    places (Prim), great-circle x trunk circuity, present at all dates. Returns (rows, sorted place codes)."""
    road = []
    TRUNK_K, TRUNK_RADIUS_KM = rules["trunk_neighbours"], rules["trunk_radius_km"]
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
            why.append(f"one of the {TRUNK_K} nearest seats within {TRUNK_RADIUS_KM:g} km, params.toml "
                       "derive.trunk_neighbours / trunk_radius_km")
        if (a, b) in mst:
            why.append("minimum-spanning-tree edge")
        road.append([f"trunk:{a}-{b}", a, b, "trunk", "", fmt_km(g * ct), "", "",
                     f"derived: great-circle {g:.3f} km x trunk circuity {ct:g} (params.toml {ctpath}) ; "
                     f"assumption: ordinary road between neighbouring seats ({' and '.join(why)}), present at all "
                     "dates"])
    return road, codes


def sort_road_links(road):
    """Expressway links first, by route and link number, then the trunk links."""
    def link_key(x):
        rid, _, seq = x[0].rpartition(":")
        return (x[3] != "expressway", rid, int(seq) if seq.isdigit() else 0, x[0])
    road.sort(key=link_key)


def check_road_connectivity(codes, road, origin, f_exp):
    """Every place must be reachable by road (at some date) from the origin place."""
    adj = {c: set() for c in codes}
    for x in road:
        adj[x[1]].add(x[2])
        adj[x[2]].add(x[1])
    seen, todo = {origin}, [origin]
    while todo:
        c = todo.pop()
        for n in adj[c]:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    unreachable = sorted(set(codes) - seen)
    if unreachable:
        fail(f_exp, None, None, f"places not reachable by road from {origin}: {unreachable}")


# ------------------------------------------------------------------------------------------------ connectors

def access_connectors(stations, places, codes, circ, f_str, rules):
    """Access connectors from every seat within derive.access_radius_km of a station (and from the station's own place),
    great-circle (at least 0.1 km) x access circuity."""
    ca, capath = circ["access"]
    ACCESS_RADIUS_KM = rules["access_radius_km"]
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
                targets[c] = (g, f"seat within {ACCESS_RADIUS_KM:g} km, params.toml derive.access_radius_km")
        if s.place_id in places and s.place_id not in targets:
            p = places[s.place_id]
            targets[s.place_id] = (haversine_km(s.lon, s.lat, p.lon, p.lat), "own place")
        for c in sorted(targets):
            g, why = targets[c]
            g = max(g, 0.1)
            conns.append([c, s.sid, "access", fmt_km(g * ca), "", "",
                          f"derived: great-circle {g:.3f} km x access circuity {ca:g} (params.toml {capath}) ; "
                          f"assumption: road access from the place's seat to the station ({why})"])
    return conns


# ------------------------------------------------------------------------------------------------ output

def bbox_line(lons, lats):
    """network.toml's bbox line: the extent padded by BBOX_MARGIN_DEG, rounded outwards to 0.01°."""
    bbox = [math.floor((min(lons) - BBOX_MARGIN_DEG) * 100) / 100, math.floor((min(lats) - BBOX_MARGIN_DEG) * 100) / 100,
            math.ceil((max(lons) + BBOX_MARGIN_DEG) * 100) / 100, math.ceil((max(lats) + BBOX_MARGIN_DEG) * 100) / 100]
    return f"bbox = [{bbox[0]:.2f}, {bbox[1]:.2f}, {bbox[2]:.2f}, {bbox[3]:.2f}]\n"


def add_network_files(output, places, st_rows, city_rows, line_rows, sections, speed_rows, road, conns, toml):
    """The standard files of a network folder (places, stations, cities, rail, roads, connectors, network.toml)."""
    output.add("places.csv", csv_text(PLACE_COLS, [places[c].row() for c in sorted(places)]))
    output.add("stations.csv", csv_text(STATION_COLS, st_rows))
    output.add("cities.csv", csv_text(CITY_COLS, city_rows))
    output.add("rail_lines.csv", csv_text(LINE_COLS, line_rows))
    output.add("rail_sections.csv", csv_text(SECTION_COLS, sections))
    output.add("speed_changes.csv", csv_text(SPEED_COLS, speed_rows))
    output.add("road_links.csv", csv_text(ROAD_COLS, road))
    output.add("connectors.csv", csv_text(CONN_COLS, conns))
    output.add("network.toml", toml)


def log_summary(places, region_codes, stations, line_rows, sections, speed_rows, road, codes, origin, last_line):
    """The summary on stderr: places by kind, stations by coord_check (fixed and assumed ones listed), rail, road,
    and `last_line` (connectors ...)."""
    kinds = {}
    for p in places.values():
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    checks = {}
    for s in stations.values():
        k = s.check.split("|")[0].split(":")[0]
        checks[k] = checks.get(k, 0) + 1
    nexp = sum(1 for x in road if x[3] == "expressway")
    log(f"places: {len(places)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
        f"region {len(region_codes)} units, population {sum(places[c].pop for c in region_codes):,}")
    log(f"stations: {len(stations)} (coord_check: {', '.join(f'{k} {v}' for k, v in sorted(checks.items()))})")
    for s in sorted(stations.values(), key=lambda s: s.sid):
        if s.check.startswith(("fixed", "assumption")):
            log(f"  {s.name} {s.sid}: {s.check}")
    log(f"rail: {len(line_rows)} lines, {len(sections)} sections, {len(speed_rows)} speed changes")
    log(f"road: {nexp} expressway links, {len(road) - nexp} trunk links; all {len(codes)} places reachable "
        f"from {origin} by road")
    log(last_line)


# ------------------------------------------------------------------------------------------------ build frame

class Inputs:
    """What every region build reads first: folders, params.toml and its circuity factors, census, admin-points
    and the standard facts paths (attributes shared, out, facts, params, params_path, circ, census, pops,
    census_path, pop_path, admin, f)."""

    def __init__(self, args):
        self.shared, self.out = args.shared, args.out
        self.facts = os.path.join(self.out, "facts")
        self.params_path = os.path.join(self.out, "params.toml")
        self.params = read_toml(self.params_path)
        self.circ = road_circuities(self.params, self.params_path)
        self.rules = derive_rules(self.params, self.params_path)
        self.census, self.pops, self.census_path, self.pop_path = load_census(self.shared)
        self.admin, _admin_path = load_admin(self.shared)
        self.f = fact_paths(self.facts)

    def polygons(self):
        return PolygonIndex(os.path.join(self.shared, COUNTIES), key="code")


def road_links(f_exp, places, census, circ, add_outside, rules, **expressway_options):
    """The road layer: expressway links (expressway_links) plus the trunk layer, sorted. Returns (rows, codes)."""
    road = expressway_links(f_exp, places, census, circ, add_outside, **expressway_options)
    trunk, codes = trunk_links(places, circ, rules)
    road += trunk
    sort_road_links(road)
    return road, codes


def station_rows(stations):
    """stations.csv rows by station id (only stations that appear in a section or in planned_stations)."""
    st_rows = [s.row() for s in sorted(stations.values(), key=lambda s: s.sid)]
    names_out = [r[1] for r in st_rows]
    assert len(set(names_out)) == len(names_out)
    return st_rows


def network_toml(region, description, origin, lons, lats):
    """network.toml of networks/<region> (description: TOML-ready text without quotes)."""
    return (
        f"# derived by tools/derive/{region}.py; do not edit\n"
        "format = 1\n"
        f'name = "{region}"\n'
        f'description = "{description}"\n'
        f'seeds = "../../seeds/{region}"\n'
        f'default_origin = "{origin}"\n'
        + bbox_line(lons, lats)
    )


def region_main(doc, build, region, argv=None):
    """main() of a region script: --shared, --out networks/<region>, --check; runs build(args)."""
    args = derive_parser(doc, out_help=f"the network folder (networks/{region})").parse_args(argv)
    return run_cli(lambda: build(args), base=args.out)


# ------------------------------------------------------------------------------------------------ derive rules, checks

def derive_rules(params, params_path):
    """params.toml [derive], strictly: every key of DERIVE_KEYS with its type, and no other key."""
    d = params.get("derive")
    if not isinstance(d, dict):
        fail(params_path, None, "derive", "missing [derive] table (the derivation's modelling rules)")
    for k in sorted(d):
        if k not in DERIVE_KEYS:
            fail(params_path, None, f"derive.{k}", f"unknown key (known: {', '.join(sorted(DERIVE_KEYS))})")
    out = {}
    for k, typ in DERIVE_KEYS.items():
        if k not in d:
            fail(params_path, None, f"derive.{k}", "missing")
        v = d[k]
        if typ is str:
            if not isinstance(v, str) or not v.strip():
                fail(params_path, None, f"derive.{k}", "must be a non-empty string")
        elif typ is bool:
            if not isinstance(v, bool):
                fail(params_path, None, f"derive.{k}", f"must be true or false, found {v!r}")
        elif typ is int:
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                fail(params_path, None, f"derive.{k}", f"must be a positive integer, found {v!r}")
        else:
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not (v > 0 and math.isfinite(v)):
                fail(params_path, None, f"derive.{k}", f"must be a positive number, found {v!r}")
            v = float(v)
        out[k] = v
    if out["section_max_circuity"] <= 1.0 or not (1.0 <= out["rail_circuity"] <= out["section_max_circuity"]):
        fail(params_path, None, "derive.rail_circuity", "needs 1 <= rail_circuity <= section_max_circuity, 1 < max")
    return out


def clean_position_finder(shared, rules):
    """position(name) for the measurements: the OpenStreetMap point where a geocode confirms it, else None."""
    baidu, amap, osm = load_geocodes(shared)

    def position(name):
        c = {w: t[name] for w, t in (("baidu2023", baidu), ("amap", amap), ("osm", osm)) if name in t}
        agreed = sources_agree(c, rules["station_osm_agree_km"], 0.0)
        return (agreed[0], agreed[1]) if agreed and "osm" in agreed[3] else None
    return position


def track_lengths(shared, rules, params_path):
    """The section-length rule (track.TrackLengths) after checking params.toml's measured route_to_track and
    rail_circuity against a fresh measurement (they must agree to 3 decimals)."""
    import track as trackmod
    geo = trackmod.Geometry(shared, rules["track_snap_km"], rules["track_join_m"])
    route = trackmod.RouteKm(shared)
    m = trackmod.measure(geo, route, clean_position_finder(shared, rules), rules["section_max_circuity"])
    if m is None:
        fail(os.path.join(shared, trackmod.GEOMETRY), None, None, "no station pair to measure track lengths on")
    for key, val in (("route_to_track", m["ratio"]), ("rail_circuity", m["circuity"])):
        if abs(rules[key] - round(val, 3)) > 1e-9:
            fail(params_path, None, f"derive.{key}", f"is {rules[key]:g} but the measurement gives {val:.3f} "
                 f"({m['pairs']} station pairs, {m['track_km']:.1f} km of track, {m['route_km']:g} route km, "
                 f"{m['gc_km']:.1f} km great-circle); set it to {val:.3f}")
    t = trackmod.TrackLengths(geo, route, rules, line_ratios=m["lines"])
    t.report = []
    t.origin = {}  # section id -> the facts row it comes from (for error messages)
    t.measurement = m
    return t


LENGTH_REPORT_COLS = ["stretch_id", "line_id", "from_station", "to_station", "sections", "published_km", "derived_km",
                      "diff_pct", "rules", "source"]


def length_report(track):
    """rail_length_check.csv rows: each stretch's derived sum against its published total."""
    m = track.measurement
    src = (f"derived: tools/derive (networks/README.md Section lengths); route_to_track {track.ratio:g} and rail "
           f"circuity {track.circ:g} measured on {m['pairs']} station pairs ; {GEOMETRY_NOTE_SHORT}")
    return [x + [src] for x in sorted(track.report)]


GEOMETRY_NOTE_SHORT = "OSM-derived lengths: © OpenStreetMap contributors (ODbL 1.0)"


def check_sections(sections, stations, rules, path, lines, origin=None):
    """The checks every network passes (exit 2 on failure, naming the section): each section between 1 and
    derive.section_max_circuity times the great-circle distance of its stations (unless the source states a reason
    with 'length-exception:'), and one length per station pair (conventional and high-speed tracks apart)."""
    by_id = {s.sid: s for s in stations.values()}
    cap = rules["section_max_circuity"]
    pair_len = {}
    errors = []

    def where(sid):
        return f" (from {origin[sid]})" if origin and sid in origin else ""
    for x in sections:
        sid, a, b, km = x[0], by_id[x[3]], by_id[x[4]], float(x[5])
        g = haversine_km(a.lon, a.lat, b.lon, b.lat)
        # a stated exception excuses a long track (a mountain loop), never one shorter than the straight line: the
        # engine refuses that on loading (src/network.rs), so the derivation does too
        if km < g - 0.0005 or (km > cap * g + 0.0005 and "length-exception:" not in x[10]):
            errors.append(f"section {sid} length_km{where(sid)}: "
                 f"{a.name}–{b.name} {km:.3f} km against great-circle {g:.3f} km: must lie within [1, {cap:g}] x "
                 "great-circle (fix the station positions or the length, or state a 'length-exception:' reason)")
        key = tuple(sorted((x[3], x[4]))) + (lines[x[1]].req("mode") == "conventional",)
        if key in pair_len and pair_len[key][0] != x[5]:
            errors.append(f"section {sid} length_km{where(sid)}: "
                 f"{a.name}–{b.name} is {x[5]} km here but {pair_len[key][0]} km in section {pair_len[key][1]}: one "
                 "stretch of track needs one length")
        pair_len.setdefault(key, (x[5], sid))
    if errors:
        fail(path, None, None, f"{len(errors)} section check(s) failed:\n  " + "\n  ".join(errors))
