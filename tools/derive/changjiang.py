#!/usr/bin/env python3
"""Derive the network files of networks/changjiang/ (长江中游城市群) from the shared reference data and facts/.

    python3 tools/derive/changjiang.py --shared ../shared/data --out networks/changjiang [--check]

Inputs:  <shared>/census2020, admin-points, boundaries, rail-stations; <out>/facts/*.csv; <out>/params.toml.
Outputs: places.csv stations.csv rail_lines.csv rail_sections.csv speed_changes.csv road_links.csv
         connectors.csv network.toml (in <out>), byte-for-byte deterministic.
A variant of tools/derive/zhongyuan.py (same rules, see networks/README.md "Derivation rules (zhongyuan)"); the
differences are documented in networks/changjiang/README.md: the region is the 31 plan cities of the 2015 plan
(census units by prefecture code), and because the shared county polygons cover only 豫 晋 冀 鲁 皖 陕 鄂 苏, a point
in 湖南 / 江西 (or any other province without polygons) is placed in the census unit whose government seat is nearest.
In-city changes between stations (metro / walk connectors) come from facts/transfers.csv; their minutes add a
change time at both ends (networks/changjiang/README.md, "Transfers").
Exit codes: 0 ok, 1 --check found differences, 2 bad input.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import csv_text, Output, fail, fmt_km, haversine_km, read_csv  # noqa: E402
from netbuild import (  # noqa: E402
    LENGTH_REPORT_COLS, check_sections, length_report, track_lengths,
    Inputs, access_connectors, add_capital_places, add_network_files, add_station_places, alias_resolver,
    apply_station_openings, build_cities, build_stations, capital_seat_units, check_date, check_road_connectivity,
    log_summary, network_toml, outside_adder, place_maker, rail_line_rows, rail_sections, read_planned_and_fixes,
    read_rail_lines, read_stretches, region_main, region_places, repo_seeds, road_links, speed_change_rows,
    station_rows, stem,
)

# ------------------------------------------------------------------------------------------------ constants

# The plan cities of the 2015 plan (shared:regions/middle_yangtze/cities.csv; seeds/changjiang/cities.csv): the
# prefectures whose census units are all taken, and the three province-administered county-level cities.
PLAN_PREFECTURES = [
    "420100", "420200", "420500", "420600", "420700", "420800", "420900", "421000", "421100", "421200",  # 湖北
    "430100", "430200", "430300", "430400", "430600", "430700", "430900", "431300",  # 湖南
    "360100", "360200", "360300", "360400", "360500", "360600", "360900", "361100",  # 江西
    "361000", "360800",  # 抚州, 吉安: only "部分县(区)" are in the plan; whole prefectures taken (README)
]
PLAN_COUNTY_CITIES = ["429004", "429005", "429006"]  # 仙桃 潜江 天门
PARTIAL_PREFECTURES = {
    "361000": "抚州市", "360800": "吉安市",
}
EXPECTED_UNITS = 242  # census units of the 31 plan cities (抚州 and 吉安 whole)
EXPECTED_POPULATION = 126_523_204
POLY_PROVINCES = {"13", "14", "32", "34", "37", "41", "42", "61"}  # provinces covered by counties_8prov_wgs84
ORIGIN_CITY = "420100"

# Known name errors of the census tabulation: code -> (wrong spelling, right name).
NAME_FIXES = {}

# Neighbouring provincial capitals: prefecture code, 12306 city name.
CAPITALS = [
    ("410100", "郑州"), ("340100", "合肥"),
]

# Main stations of a plan city that are filed under it by 12306 but not named after it (added to cities.csv).
CITY_STATIONS_EXTRA = {
    "420100": ("汉口", "武昌"),  # shared:rail-stations/stations_12306.csv#HKN, #WCN (12306 city 武汉)
}

# Station renames: name used in older sources -> 12306 name (source of the rename).
STATION_ALIASES = {
    "醴陵北": ("醴陵东", "shared:regions/middle_yangtze/lines.csv#沪昆高铁 长沙–南昌段（杭长客专西段） (醴陵北 = 醴陵东)"),
    "花山": ("花山南", "shared:regions/middle_yangtze/lines.csv#武石城际（武黄城际，武汉–黄石–大冶北） (花山 = 花山南)"),
}

# Coordinate decisions for stations whose two geocodes disagree by more than 2 km, each with its source:
# name -> (geocode to keep, short reason, source).

# Station-to-station changes inside a city (facts/transfers.csv: from_station,to_station,kind,minutes,length_km,
# metro_changes,opened,source[,notes]; both directions). `minutes` in the facts is the ride alone (metro in-vehicle
# time, or walking time); blank = length / params.toml connector.<kind>.speed_kmh. The connector's minutes add the
# time to change trains at both ends (README "Transfers"):
#   train -> metro platform: params.toml door.alighting_s (the door measure's arrival-to-street time);
METRO_WAIT_MIN = 3.0  # assumption: half of a 6-min headway, per metro line boarded (1 + metro_changes)
TO_TRAIN_MIN = 10.0  # assumption: metro -> departing train (security check, walk to the gate, gate closes 5 min early)

resolve_name = alias_resolver(STATION_ALIASES)


# ------------------------------------------------------------------------------------------------ location

class Locator:
    """Census unit of a point: the shared county polygons where they exist (豫 晋 冀 鲁 皖 陕 鄂 苏); elsewhere
    (湖南, 江西, ...) the census unit whose government seat (admin-points row of the same code, else the census
    area-weighted centroid) is nearest among the units of the provinces without polygons."""

    def __init__(self, raw, census, admin):
        self.raw = raw
        self.seats = []
        for code, r in sorted(census.items()):
            if r["prov_code"][:2] in POLY_PROVINCES:
                continue
            a = admin.get(code)
            if a is not None and a["level"] in ("district", "city") and stem(a["name"]) == stem(r["name"]):
                lon, lat = float(a["center_lon_wgs84"]), float(a["center_lat_wgs84"])
            else:
                lon, lat = float(r["centroid_lon_wgs84"]), float(r["centroid_lat_wgs84"])
            self.seats.append((code, lon, lat))

    def by_polygon(self, lon, lat):
        return self.raw.containing(lon, lat)

    def containing(self, lon, lat):
        units = self.raw.containing(lon, lat)
        if units:
            return units
        return [min(self.seats, key=lambda t: (haversine_km(lon, lat, t[1], t[2]), t[0]))[0]]

    def props(self, key):
        return self.raw.props(key)


def partial_note(make):
    """make() plus the note on the two prefectures that are only partly in the plan (region places only)."""
    def make_noted(code, kind_override=None):
        p = make(code, kind_override)
        if not kind_override and p.pref_id in PARTIAL_PREFECTURES:
            p.source += (f" ; assumption: {PARTIAL_PREFECTURES[p.pref_id]} is only partly in the plan (部分县(区); "
                         "county list not found), the whole prefecture is included (shared:regions/middle_yangtze/"
                         f"cities.csv#{stem(PARTIAL_PREFECTURES[p.pref_id])})")
        return p
    return make_noted


# ------------------------------------------------------------------------------------------------ main build

def build(args):
    inp = Inputs(args)
    shared, out, facts, f, params, params_path, circ = (inp.shared, inp.out, inp.facts, inp.f, inp.params,
                                                        inp.params_path, inp.circ)
    census, census_path, admin = inp.census, inp.census_path, inp.admin
    poly = Locator(inp.polygons(), census, admin)
    make_place = partial_note(place_maker(census, inp.pops, census_path, inp.pop_path, admin, poly, NAME_FIXES))
    region_codes = sorted(c for c, r in census.items()
                          if r["pref_code"].strip() in PLAN_PREFECTURES or c in PLAN_COUNTY_CITIES)
    places = region_places(region_codes, make_place, census_path, EXPECTED_UNITS, EXPECTED_POPULATION)
    capital_units = capital_seat_units(admin, poly, CAPITALS)

    # ---- facts
    lines = read_rail_lines(f["lines"])
    stretches = read_stretches(f["stretches"], lines, resolve_name)
    planned_rows, fixes = read_planned_and_fixes(f, resolve_name)
    stations = build_stations(shared, stretches, planned_rows, fixes, places, census, admin, poly,
                              {c for c, _ in CAPITALS}, inp.rules)
    add_capital_places(places, stations, admin, make_place, CAPITALS, capital_units)

    # outside places: the seat units of the seeds' adjacent cities (赣州 恩施 张家界 信阳, 003 asks to link them in;
    # the engine needs a row in cities.csv for every seeds city)
    for r in read_csv(os.path.join(repo_seeds(out, "changjiang"), "cities.csv"), ["city_id", "role"]):
        cid = r.req("city_id")
        if r.opt("role") != "adjacent" or cid not in admin:
            continue
        code = poly.containing(float(admin[cid]["center_lon_wgs84"]), float(admin[cid]["center_lat_wgs84"]))[0]
        if code not in places and code in census:
            p = make_place(code, kind_override="outside")
            p.source += f" ; derived: seat unit of {admin[cid]['name']} (adjacent city of seeds/changjiang/cities.csv), " \
                        "outside the region"
            places[code] = p

    add_station_places(places, stations, census, make_place)

    # ---- rail (no part_projects in this network)
    track = track_lengths(shared, inp.rules, inp.params_path)
    sections = rail_sections(stretches, lines, stations, track)
    apply_station_openings(facts, stations, resolve_name)
    speed_rows = speed_change_rows(f["speeds"], lines)
    line_rows = rail_line_rows(lines)

    # ---- roads
    def pref_seat_unit(code):
        """A prefecture code in a route stands for the census unit holding the prefecture government."""
        if code in census or code not in admin or admin[code]["level"] != "city":
            return code
        return poly.containing(float(admin[code]["center_lon_wgs84"]), float(admin[code]["center_lat_wgs84"]))[0]

    add_outside = outside_adder(places, census, census_path, make_place)
    road, codes = road_links(f["expressways"], places, census, circ, add_outside, inp.rules, code_of=pref_seat_unit)

    # ---- connectors
    conns = access_connectors(stations, places, codes, circ, f["stretches"], inp.rules)
    f_tr = os.path.join(facts, "transfers.csv")
    if os.path.exists(f_tr):
        conn_p = params.get("connector", {})
        door = params.get("door", {})
        if "alighting_s" not in door:
            fail(params_path, None, "door.alighting_s", "needed for the change time of transfers")
        to_metro = float(door["alighting_s"]) / 60.0
        seen_tr = set()
        for r in read_csv(f_tr, ["from_station", "to_station", "kind", "length_km", "opened", "source"]):
            a = resolve_name(r.req("from_station"), r, "from_station")
            b = resolve_name(r.req("to_station"), r, "to_station")
            for n, fld in ((a, "from_station"), (b, "to_station")):
                if n not in stations:
                    fail(r.path, r.line, fld, f"station {n!r} is on no stretch")
            if a == b:
                fail(r.path, r.line, "to_station", "a transfer joins two different stations")
            key = tuple(sorted((stations[a].sid, stations[b].sid)))
            if key in seen_tr:
                fail(r.path, r.line, "to_station", f"pair {a}–{b} listed twice")
            seen_tr.add(key)
            kind = r.req("kind")
            if kind not in ("metro", "walk"):
                fail(r.path, r.line, "kind", f"kind must be metro or walk, got {kind!r}")
            km = r.num("length_km", positive=True)
            ride = r.num("minutes", required=False, positive=True)
            raw_ch = r.opt("metro_changes", default="0")
            if not raw_ch.isdigit():
                fail(r.path, r.line, "metro_changes", f"must be a whole number >= 0, got {raw_ch!r}")
            changes = int(raw_ch)
            opened = check_date(r, "opened", r.opt("opened"))
            if ride is None:
                sp = conn_p.get(kind, {}).get("speed_kmh")
                if not sp:
                    fail(params_path, None, f"connector.{kind}.speed_kmh", "needed for a transfer without minutes")
                ride = km / float(sp) * 60.0
                ride_src = f"{ride:.1f} min ride = {km:.3f} km at {float(sp):g} km/h (params.toml connector.{kind}.speed_kmh)"
            else:
                ride_src = f"{ride:g} min ride (facts)"
            if kind == "metro":
                n_wait = 1 + changes
                change = to_metro + METRO_WAIT_MIN * n_wait + TO_TRAIN_MIN
                ch_src = (f"{to_metro:g} min train to metro platform (params.toml door.alighting_s) + {n_wait} x "
                          f"{METRO_WAIT_MIN:g} min metro wait (assumption: half a 6-min headway per line boarded) + "
                          f"{TO_TRAIN_MIN:g} min metro to departing train (assumption: security check, walk to the gate, "
                          "gates close 5 min before departure)")
            else:
                change = to_metro + TO_TRAIN_MIN
                ch_src = (f"{to_metro:g} min off the train (params.toml door.alighting_s) + {TO_TRAIN_MIN:g} min to the "
                          "departing train (assumption: security check, walk to the gate)")
            total = ride + change
            conns.append([stations[a].sid, stations[b].sid, kind, fmt_km(km), f"{total:.1f}", opened,
                          f"derived: {total:.1f} min = {ride_src} + {change:g} min change ({ch_src}) ; "
                          f"{r.req('source')}"])
    conns.sort(key=lambda x: (x[2], x[0], x[1]))

    # ---- connectivity check (roads, from 武汉's seat district)
    zz = poly.containing(float(admin[ORIGIN_CITY]["center_lon_wgs84"]), float(admin[ORIGIN_CITY]["center_lat_wgs84"]))[0]
    check_road_connectivity(codes, road, zz, f["expressways"])

    st_rows = station_rows(stations)

    # ---- network.toml
    toml = network_toml("changjiang", f"长江中游城市群 (Middle Yangtze River urban agglomeration): {len(region_codes)} "
                        "census county-level units of the 31 plan cities of 湖北 湖南 江西 (2020 census; 抚州 and 吉安 "
                        "whole, flagged partial), rail and expressway network, open and planned",
                        ORIGIN_CITY, [p.lon for p in places.values()], [p.lat for p in places.values()])

    output = Output(out, check=args.check)
    city_rows = build_cities(repo_seeds(out, "changjiang"), admin, poly, places, stations, extra=CITY_STATIONS_EXTRA,
                             locate_note=", else nearest seat", stations_note="")
    check_sections(sections, stations, inp.rules, os.path.join(out, "rail_sections.csv"), lines, track.origin)
    add_network_files(output, places, st_rows, city_rows, line_rows, sections, speed_rows, road, conns, toml)
    output.add("rail_length_check.csv", csv_text(LENGTH_REPORT_COLS, length_report(track)))
    log_summary(places, region_codes, stations, line_rows, sections, speed_rows, road, codes, zz,
                f"connectors: {len(conns)}")
    return output


def main(argv=None):
    return region_main(__doc__, build, "changjiang", argv)


if __name__ == "__main__":
    sys.exit(main())
