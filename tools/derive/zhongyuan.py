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

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import csv_text, Output, fmt_km  # noqa: E402
from netbuild import (  # noqa: E402
    LENGTH_REPORT_COLS, check_sections, length_report, track_lengths,
    Inputs, access_connectors, add_capital_places, add_network_files, add_station_places, alias_resolver,
    apply_section_speeds, apply_station_openings, build_cities, build_stations, capital_seat_units, check_road_connectivity, log_summary,
    network_toml, outside_adder, place_maker, rail_line_rows, rail_sections, read_planned_and_fixes, read_rail_lines,
    read_stretches, region_main, region_places, repo_seeds, road_links, speed_change_rows, station_rows,
)

# ------------------------------------------------------------------------------------------------ constants

EXPECTED_UNITS = 305
EXPECTED_POPULATION = 164_576_876
ORIGIN_CITY = "410100"  # roads must reach every place from 郑州's seat district

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


# Sourced station-to-station transfers (both directions). minutes blank = computed from length and kind speed.
TRANSFERS = [
    # from, to, kind, length_km, minutes, opened, source
    ("郑州", "郑州东", "metro", 12.0, 25, "",
     "shared:rail-lines/README.md#D 郑州站 ↔ 郑州东 (12 km, Metro Line 1, fastest about 25 min)"),
    ("新郑机场", "郑州航空港", "metro", 9.0, None, "2022-06-20",
     "shared:rail-lines/README.md#D 郑州航空港站 (Metro 城郊线 extended 9 km to it on 2022-06-20)"),
]

resolve_name = alias_resolver(STATION_ALIASES)


# ------------------------------------------------------------------------------------------------ main build

def build(args):
    inp = Inputs(args)
    shared, out, facts, f, params, params_path, circ = (inp.shared, inp.out, inp.facts, inp.f, inp.params,
                                                        inp.params_path, inp.circ)
    census, census_path, admin = inp.census, inp.census_path, inp.admin
    poly = inp.polygons()
    make_place = place_maker(census, inp.pops, census_path, inp.pop_path, admin, poly, NAME_FIXES)
    region_codes = sorted(c for c, r in census.items() if r["in_cpua"].strip() == "1")
    places = region_places(region_codes, make_place, census_path, EXPECTED_UNITS, EXPECTED_POPULATION)
    capital_units = capital_seat_units(admin, poly, CAPITALS)

    # ---- facts
    lines = read_rail_lines(f["lines"])
    stretches = read_stretches(f["stretches"], lines, resolve_name)
    planned_rows, fixes = read_planned_and_fixes(f, resolve_name)
    stations = build_stations(shared, stretches, planned_rows, fixes, places, census, admin, poly,
                              {c for c, _ in CAPITALS}, inp.rules)
    add_capital_places(places, stations, admin, make_place, CAPITALS, capital_units)
    add_station_places(places, stations, census, make_place)

    # ---- rail
    track = track_lengths(shared, inp.rules, inp.params_path)
    sections = rail_sections(stretches, lines, stations, track, resolve_name=resolve_name)
    apply_section_speeds(f["section_speeds"], sections, stations, lines)
    apply_station_openings(facts, stations, resolve_name)
    speed_rows = speed_change_rows(f["speeds"], lines)
    line_rows = rail_line_rows(lines)

    # ---- roads
    add_outside = outside_adder(places, census, census_path, make_place)
    road, codes = road_links(f["expressways"], places, census, circ, add_outside, inp.rules)

    # ---- connectors
    conns = access_connectors(stations, places, codes, circ, f["stretches"], inp.rules)
    for a, b, kind, km, minutes, opened, src in TRANSFERS:
        if a in stations and b in stations:
            conns.append([stations[a].sid, stations[b].sid, kind, fmt_km(km), "" if minutes is None else str(minutes),
                          opened, src])
    conns.sort(key=lambda x: (x[2], x[0], x[1]))

    # ---- connectivity check (roads, from Zhengzhou's seat district)
    zz = poly.containing(float(admin[ORIGIN_CITY]["center_lon_wgs84"]),
                         float(admin[ORIGIN_CITY]["center_lat_wgs84"]))[0]
    check_road_connectivity(codes, road, zz, f["expressways"])

    # ---- station rows: only stations that appear in a section or in planned_stations
    st_rows = station_rows(stations)

    # ---- network.toml
    toml = network_toml("zhongyuan", "中原城市群 (Central Plains Urban Agglomeration): 305 census county-level units "
                        "of 河南 山西 河北 山东 安徽 (2020 census), rail and expressway network, open and planned",
                        ORIGIN_CITY, [p.lon for p in places.values()], [p.lat for p in places.values()])

    output = Output(out, check=args.check)
    city_rows = build_cities(repo_seeds(out, "zhongyuan"), admin, poly, places, stations)
    check_sections(sections, stations, inp.rules, os.path.join(out, "rail_sections.csv"), lines, track.origin)
    add_network_files(output, places, st_rows, city_rows, line_rows, sections, speed_rows, road, conns, toml)
    output.add("rail_length_check.csv", csv_text(LENGTH_REPORT_COLS, length_report(track)))
    log_summary(places, region_codes, stations, line_rows, sections, speed_rows, road, codes, zz,
                f"connectors: {len(conns)}")
    return output


def main(argv=None):
    return region_main(__doc__, build, "zhongyuan", argv)


if __name__ == "__main__":
    sys.exit(main())
