#!/usr/bin/env python3
"""Derive the 郑开 (Zhengzhou–Kaifeng) network folder from the derived 中原 network plus hand-curated facts.

    python3 tools/derive/zhengkai.py --zhongyuan networks/zhongyuan --shared ../shared/data \
        --out networks/zhengkai [--check]

Reads the DERIVED 中原 files (networks/zhongyuan/*.csv, params.toml), keeps the part inside the prefectures of
郑州 (410100) and 开封 (410200), and adds the finer elements of networks/zhengkai/facts/ (commute-end points,
corridor roads, metro links). Observed station-to-station times come from
shared:regions/zhengkai/reported_times.csv. Standard library only; deterministic; --check compares with the
files on disk, writes nothing and exits 1 on any difference. Exit code 2 on bad input (file, line, field named).

Rules (networks/zhengkai/README.md explains them):
- places: every 中原 place whose prefecture is 郑州 or 开封; plus the points of facts/points.csv (population 0,
  kind `point`, coordinate copied from the settled 中原 station named in `coord_station`);
- rail: 中原 sections with both stations kept and an opening date (planned 中原 sections are dropped: the zhengkai
  scenarios add only seed-004 projects); the 中原 project ids of kept elements are dropped (their dates decide);
  stations served by no kept section are dropped;
- roads: 中原 links between kept places (planned ones dropped, project ids of opened ones dropped), plus
  facts/roads.csv (optional `speed_kmh`), plus street links from each point to its 3 nearest kept census seats
  (great-circle x trunk circuity, present at all dates);
- connectors: 中原 connectors between kept nodes, an access connector from each point to its `access_to` station,
  plus facts/connectors.csv.
"""
from __future__ import annotations

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402
    Output, csv_text, derive_parser, fail, fmt_coord, fmt_km, haversine_km, log, read_csv, read_toml, run_cli,
)

KEEP_PREFECTURES = ("410100", "410200")  # 郑州市, 开封市: the two cities seed 004 names
STREET_NEIGHBOURS = 3
MIN_KM = 0.1
SEED_CITIES = ("410100", "410200")

# reported_times.csv names → 12306 station names (rail rows only)
REPORTED_STATION = {"郑州东(郑东新区)": "郑州东", "宋城路(开封)": "宋城路", "开封站": "开封"}

PLACE_COLS = ["place_id", "name", "kind", "prefecture_id", "prefecture", "province", "lon", "lat", "population",
              "area_km2", "source"]
STATION_COLS = ["station_id", "name", "telecode", "place_id", "city", "lon", "lat", "opened", "project_id",
                "coord_check", "source"]
SECTION_COLS = ["section_id", "line_id", "seq", "from_station", "to_station", "length_km", "design_speed_kmh",
                "operating_speed_kmh", "opened", "project_id", "source"]
ROAD_COLS = ["link_id", "from_place", "to_place", "class", "route", "length_km", "speed_kmh", "opened",
             "project_id", "source"]
CONN_COLS = ["from_id", "to_id", "kind", "length_km", "minutes", "opened", "source"]


def kept_note(fname, key):
    return f"derived: kept from networks/zhongyuan/{fname}#{key} by tools/derive/zhengkai.py"


def drop_project_note(pid, opened):
    return f"derived: 中原 project_id {pid} dropped (opened {opened}; the zhengkai seeds hold only seed-004 projects)"


def build(args):
    zy = args.zhongyuan
    facts = os.path.join(args.out, "facts")
    shared = args.shared
    j = os.path.join

    places = read_csv(j(zy, "places.csv"), PLACE_COLS)
    stations = read_csv(j(zy, "stations.csv"), STATION_COLS)
    cities = read_csv(j(zy, "cities.csv"), ["city_id", "name", "seat_place_id", "stations", "source"])
    lines = read_csv(j(zy, "rail_lines.csv"), ["line_id", "name_zh", "name_en", "mode", "design_speed_kmh", "source"])
    sections = read_csv(j(zy, "rail_sections.csv"), SECTION_COLS)
    speeds = read_csv(j(zy, "speed_changes.csv"), ["line_id", "effective", "operating_speed_kmh", "source"])
    roads = read_csv(j(zy, "road_links.csv"), [c for c in ROAD_COLS if c != "speed_kmh"])
    conns = read_csv(j(zy, "connectors.csv"), CONN_COLS)
    params = read_toml(j(zy, "params.toml"))
    with open(j(zy, "params.toml"), encoding="utf-8") as fh:
        params_text = fh.read()
    trunk_circ = params["road"]["trunk"]["circuity"]
    access_circ = params["connector"]["access"]["circuity"]
    access_radius_km = float(params["derive"]["access_radius_km"])  # the 中原 rule (params.toml derive)

    f_points = read_csv(j(facts, "points.csv"), ["place_id", "name", "prefecture_id", "coord_station", "access_to",
                                                  "stands_for", "source"])
    f_roads = read_csv(j(facts, "roads.csv"), ROAD_COLS + ["notes"])
    f_conns = read_csv(j(facts, "connectors.csv"), CONN_COLS)
    f_fixes = read_csv(j(facts, "station_fixes.csv"), ["station_id", "name", "lon", "lat", "how", "source"])
    reported = read_csv(j(shared, "regions/zhengkai/reported_times.csv"), ["from", "to", "mode", "time_min", "year",
                                                                             "source_url"])

    # ---- places
    place = {}
    for r in places:
        if r["prefecture_id"] in KEEP_PREFECTURES:
            row = {c: r[c] for c in PLACE_COLS}
            row["source"] = r["source"] + " ; " + kept_note("places.csv", r["place_id"])
            place[r["place_id"]] = row
    census_ids = sorted(place)
    if not census_ids:
        fail(j(zy, "places.csv"), None, "prefecture_id", "no place of 郑州/开封 found")
    st_by_id = {r["station_id"]: r for r in stations}
    fixed = {}
    for r in f_fixes:
        sid = r.req("station_id")
        s = st_by_id.get(sid)
        if s is None or s["name"] != r.req("name"):
            fail(r.path, r.line, "station_id", f"no 中原 station {sid} named {r['name']}")
        old = (s["lon"], s["lat"])
        s["lon"], s["lat"] = fmt_coord(r.num("lon")), fmt_coord(r.num("lat"))
        s["coord_check"] = r.req("how")
        s["source"] = (s["source"] + f" ; derived: coordinate replaced by facts/station_fixes.csv (was {old[0]}, "
                       f"{old[1]}) ; " + r.req("source"))
        fixed[sid] = r
    pref_name = {place[c]["prefecture_id"]: (place[c]["prefecture"], place[c]["province"]) for c in census_ids}
    points = []
    for r in f_points:
        pid = r.req("place_id")
        if pid in place:
            fail(r.path, r.line, "place_id", f"duplicate place id {pid}")
        s = st_by_id.get(r.req("coord_station"))
        if s is None:
            fail(r.path, r.line, "coord_station", f"unknown 中原 station {r['coord_station']}")
        pref = r.req("prefecture_id")
        if pref not in pref_name:
            fail(r.path, r.line, "prefecture_id", f"{pref} is not a kept prefecture")
        place[pid] = {
            "place_id": pid, "name": r.req("name"), "kind": "point", "prefecture_id": pref,
            "prefecture": pref_name[pref][0], "province": pref_name[pref][1], "lon": s["lon"], "lat": s["lat"],
            "population": "0", "area_km2": "0.00",
            "source": (r.req("source") + f" ; derived: point = {r['stands_for']}; coordinate of station "
                       f"{s['station_id']} {s['name']}; population 0 because it is a point inside a census unit "
                       f"({s['place_id']}) that keeps the people"),
        }
        points.append(r)

    # ---- rail sections, lines, stations
    kept_st_candidates = {sid for sid, s in st_by_id.items() if s["place_id"] in place}
    sec_rows, dropped_planned = [], []
    for r in sections:
        if r["from_station"] not in kept_st_candidates or r["to_station"] not in kept_st_candidates:
            continue
        if not r["opened"]:
            dropped_planned.append(r["section_id"])
            continue
        row = {c: r[c] for c in SECTION_COLS}
        src = r["source"] + " ; " + kept_note("rail_sections.csv", r["section_id"])
        if r["project_id"]:
            src += " ; " + drop_project_note(r["project_id"], r["opened"])
            row["project_id"] = ""
        row["source"] = src
        sec_rows.append(row)
    used_st = {x for r in sec_rows for x in (r["from_station"], r["to_station"])}
    used_lines = {r["line_id"] for r in sec_rows}
    st_rows = []
    for sid in sorted(used_st):
        r = st_by_id[sid]
        row = {c: r[c] for c in STATION_COLS}
        src = r["source"] + " ; " + kept_note("stations.csv", sid)
        if r["project_id"]:
            src += (" ; " + drop_project_note(r["project_id"], r["opened"]) +
                    " (station-level opening; no kept scenario date falls between the line and the station opening)")
            row["project_id"] = ""
        row["source"] = src
        st_rows.append(row)
    line_rows = [[r[c] for c in ["line_id", "name_zh", "name_en", "mode", "design_speed_kmh"]]
                 + [r["source"] + " ; " + kept_note("rail_lines.csv", r["line_id"])]
                 for r in lines if r["line_id"] in used_lines]
    speed_rows = [[r["line_id"], r["effective"], r["operating_speed_kmh"],
                   r["source"] + " ; " + kept_note("speed_changes.csv", r["line_id"])]
                  for r in speeds if r["line_id"] in used_lines]

    # ---- roads
    road_rows = []
    dropped_roads = []
    for r in roads:
        if r["from_place"] not in place or r["to_place"] not in place:
            continue
        if r["project_id"] and not r["opened"]:
            dropped_roads.append(r["link_id"])
            continue
        row = {c: r.get(c, "") for c in ROAD_COLS}
        row["speed_kmh"] = ""
        src = r["source"] + " ; " + kept_note("road_links.csv", r["link_id"])
        if r["project_id"]:
            src += " ; " + drop_project_note(r["project_id"], r["opened"])
            row["project_id"] = ""
        row["source"] = src
        road_rows.append(row)
    link_ids = {r["link_id"] for r in road_rows}
    census_seats = [c for c in census_ids if place[c]["kind"] != "devzone"]
    for p in points:
        pid = p["place_id"]
        lon, lat = float(place[pid]["lon"]), float(place[pid]["lat"])
        near = sorted(census_seats, key=lambda c: (haversine_km(lon, lat, float(place[c]["lon"]),
                                                                float(place[c]["lat"])), c))[:STREET_NEIGHBOURS]
        for c in near:
            gc = haversine_km(lon, lat, float(place[c]["lon"]), float(place[c]["lat"]))
            lid = f"zk-street:{pid}-{c}"
            road_rows.append({
                "link_id": lid, "from_place": pid, "to_place": c, "class": "trunk", "route": "",
                "length_km": fmt_km(max(gc * trunk_circ, MIN_KM)), "speed_kmh": "", "opened": "", "project_id": "",
                "source": (f"derived: great-circle {gc:.3f} km x trunk circuity {trunk_circ} (params.toml "
                           f"road.trunk.circuity) ; assumption: city streets from the point to one of its "
                           f"{STREET_NEIGHBOURS} nearest census seats, present at all dates, at the trunk class "
                           f"speed"),
            })
            link_ids.add(lid)
    for r in f_roads:
        lid = r.req("link_id")
        if lid in link_ids:
            fail(r.path, r.line, "link_id", f"duplicate link id {lid}")
        for f in ("from_place", "to_place"):
            if r.req(f) not in place:
                fail(r.path, r.line, f, f"unknown place {r[f]}")
        if r.req("class") not in ("expressway", "trunk"):
            fail(r.path, r.line, "class", "use expressway or trunk")
        length = r.num("length_km", positive=True)
        speed = r.num("speed_kmh", required=False, positive=True)
        if not r.opt("opened") and not r.opt("project_id"):
            fail(r.path, r.line, "opened", "a corridor road needs an opening date or a project id")
        src = r.req("source") + " ; derived: facts/roads.csv#" + lid
        if r.opt("notes"):
            src += " (conflict/notes: " + r["notes"] + ")"
        fp, tp = place[r["from_place"]], place[r["to_place"]]
        gc = haversine_km(float(fp["lon"]), float(fp["lat"]), float(tp["lon"]), float(tp["lat"]))
        if length < gc:
            # The published length runs between the road's own ends; the model's end points stand in for them and
            # lie farther apart. A road cannot be shorter than the straight line between the ends it joins.
            floor = math.ceil(gc * 1000.0) / 1000.0
            src += (f" ; assumption: the published {length:g} km ends short of the modelled end points "
                    f"{r['from_place']} and {r['to_place']}, which lie {gc:.3f} km apart in a straight line; the "
                    f"link is taken at {floor:.3f} km, the least length its ends allow (the road beyond its "
                    f"published ends is not measured)")
            length = floor
        road_rows.append({
            "link_id": lid, "from_place": r["from_place"], "to_place": r["to_place"], "class": r["class"],
            "route": r.opt("route"), "length_km": fmt_km(length), "speed_kmh": "" if speed is None else f"{speed:g}",
            "opened": r.opt("opened"), "project_id": r.opt("project_id"), "source": src,
        })
        link_ids.add(lid)
    road_rows.sort(key=lambda x: x["link_id"])

    # connectivity by road from 郑州's seat (all dates)
    adj = {c: set() for c in place}
    for r in road_rows:
        adj[r["from_place"]].add(r["to_place"])
        adj[r["to_place"]].add(r["from_place"])
    zz_seat = next(r["seat_place_id"] for r in cities if r["city_id"] == "410100")
    seen, todo = {zz_seat}, [zz_seat]
    while todo:
        for n in adj[todo.pop()]:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    if seen != set(place):
        fail(j(zy, "road_links.csv"), None, None,
             f"places not reachable by road from {zz_seat}: {sorted(set(place) - seen)}")

    # ---- connectors
    nodes = set(place) | used_st
    conn_rows = []
    for r in conns:
        if r["from_id"] in nodes and r["to_id"] in nodes:
            row = {c: r[c] for c in CONN_COLS}
            row["source"] = r["source"] + " ; " + kept_note("connectors.csv", f"{r['from_id']}-{r['to_id']}")
            fs = [x for x in (r["from_id"], r["to_id"]) if x in fixed]
            if r["kind"] == "access" and fs:
                pid = r["to_id"] if fs[0] == r["from_id"] else r["from_id"]
                s = st_by_id[fs[0]]
                gc = haversine_km(float(place[pid]["lon"]), float(place[pid]["lat"]), float(s["lon"]), float(s["lat"]))
                if gc > access_radius_km and place[pid]["place_id"] != s["place_id"]:
                    continue  # the 中原 rule: access only from seats within 40 km of the station
                row["length_km"] = fmt_km(max(gc * access_circ, MIN_KM))
                row["source"] = (f"derived: great-circle {gc:.3f} km x access circuity {access_circ} (params.toml "
                                 f"connector.access.circuity) from the station position of facts/station_fixes.csv "
                                 f"(中原 length {r['length_km']} km replaced) ; " + row["source"])
            conn_rows.append(row)
    for p in points:
        sid = p.req("access_to")
        if sid not in used_st:
            fail(p.path, p.line, "access_to", f"station {sid} is not in the kept network")
        s = st_by_id[sid]
        gc = haversine_km(float(place[p["place_id"]]["lon"]), float(place[p["place_id"]]["lat"]),
                          float(s["lon"]), float(s["lat"]))
        conn_rows.append({
            "from_id": p["place_id"], "to_id": sid, "kind": "access",
            "length_km": fmt_km(max(gc * access_circ, MIN_KM)), "minutes": "", "opened": "",
            "source": (f"derived: great-circle {gc:.3f} km x access circuity {access_circ} (params.toml "
                       f"connector.access.circuity), minimum {MIN_KM} km ; assumption: the point lies at the "
                       f"station square (facts/points.csv)"),
        })
    for r in f_conns:
        for f in ("from_id", "to_id"):
            if r.req(f) not in nodes:
                fail(r.path, r.line, f, f"unknown node {r[f]}")
        if r.req("kind") not in ("access", "metro", "walk"):
            fail(r.path, r.line, "kind", "use access, metro or walk")
        r.num("length_km", positive=True)
        r.num("minutes", required=False, positive=True)
        row = {c: r.opt(c) for c in CONN_COLS}
        row["source"] = r.req("source") + " ; derived: facts/connectors.csv"
        conn_rows.append(row)
    conn_rows.sort(key=lambda x: (x["from_id"], x["to_id"], x["kind"]))

    # ---- cities
    city_rows = []
    for r in cities:
        if r["city_id"] not in SEED_CITIES:
            continue
        sts = [s for s in r["stations"].split("|") if s in used_st]
        city_rows.append([r["city_id"], r["name"], r["seat_place_id"], "|".join(sts),
                          r["source"] + " ; " + kept_note("cities.csv", r["city_id"])
                          + " (stations limited to the kept network)"])
    if len(city_rows) != len(SEED_CITIES):
        fail(j(zy, "cities.csv"), None, "city_id", "郑州 or 开封 missing")

    # ---- observed (reported times between stations)
    name_ok = {st_by_id[s]["name"] for s in used_st}
    obs = []
    for r in reported:
        if not r["mode"].startswith("intercity rail"):
            continue
        a, b = REPORTED_STATION.get(r["from"]), REPORTED_STATION.get(r["to"])
        if a is None or b is None:
            fail(r.path, r.line, "from", f"no station mapping for {r['from']} / {r['to']}")
        if a not in name_ok or b not in name_ok:
            fail(r.path, r.line, "from", f"station {a} or {b} not in the kept network")
        year = r.req("year")
        if not (len(year) == 4 and year.isdigit()):
            fail(r.path, r.line, "year", f"{year!r} is not a year (YYYY)")
        # the report gives a year: the time is measured on the network as built at that year's end
        obs.append([a, b, f"{float(r.req('time_min')):g}", "", f"{year}-12-31",
                    f"shared:regions/zhengkai/reported_times.csv#{r['from']}|{r['to']} ({r['basis']}, {r['year']}; "
                    f"url:{r['source_url']}) ; as_of: the last day of the report's year"])

    # ---- network.toml, params.toml
    lons = [float(place[c]["lon"]) for c in place] + [float(st_by_id[s]["lon"]) for s in used_st]
    lats = [float(place[c]["lat"]) for c in place] + [float(st_by_id[s]["lat"]) for s in used_st]
    bbox = (min(lons) - 0.5, min(lats) - 0.5, max(lons) + 0.5, max(lats) + 0.5)
    toml = (
        "# derived by tools/derive/zhengkai.py; do not edit\n"
        "format = 1\n"
        'name = "zhengkai"\n'
        'description = "郑开同城化 (seed 004): the 郑州 and 开封 prefectures cut from the derived 中原 network, '
        'with commute-end points (郑东新区, central 郑州), the Zheng–Kai corridor roads and metro links"\n'
        'seeds = "../../seeds/zhengkai"\n'
        'default_origin = "410100"\n'
        f"bbox = [{bbox[0]:.2f}, {bbox[1]:.2f}, {bbox[2]:.2f}, {bbox[3]:.2f}]\n"
    )
    params_out = ("# copied by tools/derive/zhengkai.py from networks/zhongyuan/params.toml (the 中原 calibration); "
                  "do not edit\n" + params_text)

    output = Output(args.out, check=args.check)
    output.add("places.csv", csv_text(PLACE_COLS, [[place[c][k] for k in PLACE_COLS] for c in sorted(place)]))
    output.add("stations.csv", csv_text(STATION_COLS, [[r[k] for k in STATION_COLS] for r in st_rows]))
    output.add("cities.csv", csv_text(["city_id", "name", "seat_place_id", "stations", "source"], city_rows))
    output.add("rail_lines.csv", csv_text(["line_id", "name_zh", "name_en", "mode", "design_speed_kmh", "source"],
                                          line_rows))
    output.add("rail_sections.csv", csv_text(SECTION_COLS, [[r[k] for k in SECTION_COLS] for r in sec_rows]))
    output.add("speed_changes.csv", csv_text(["line_id", "effective", "operating_speed_kmh", "source"], speed_rows))
    output.add("road_links.csv", csv_text(ROAD_COLS, [[r[k] for k in ROAD_COLS] for r in road_rows]))
    output.add("connectors.csv", csv_text(CONN_COLS, [[r[k] for k in CONN_COLS] for r in conn_rows]))
    output.add("network.toml", toml)
    output.add("params.toml", params_out)
    observed = Output(j(args.out, "observed"), check=args.check)
    observed.add("reported-times.csv", csv_text(["from", "to", "minutes", "train_code", "as_of", "source"], obs))

    log(f"places: {len(place)} ({len(census_ids)} census units of 郑州/开封, {len(points)} points)")
    log(f"stations: {len(st_rows)}; rail: {len(line_rows)} lines, {len(sec_rows)} sections "
        f"(planned 中原 sections dropped: {' '.join(dropped_planned) or 'none'})")
    log(f"roads: {len(road_rows)} links (planned 中原 links dropped: {' '.join(dropped_roads) or 'none'}); "
        f"all places reachable by road from {zz_seat}")
    log(f"connectors: {len(conn_rows)}; observed: {len(obs)}")
    return [output, observed]


def main(argv=None):
    ap = derive_parser(__doc__, out_help="the network folder (networks/zhengkai)",
                       before=[("--zhongyuan", "the derived 中原 network folder (networks/zhongyuan)")])
    args = ap.parse_args(argv)
    return run_cli(lambda: build(args), base=args.out)


if __name__ == "__main__":
    sys.exit(main())
