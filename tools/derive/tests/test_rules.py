"""Tests of the derivation's rules (station positions, section lengths, the checks) and a planted-error run.

    python3 -m unittest discover tools/derive/tests
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DERIVE = os.path.dirname(HERE)
REPO = os.path.normpath(os.path.join(DERIVE, "..", ".."))
SHARED = os.environ.get("RINGSIM_SHARED", os.path.normpath(os.path.join(REPO, "..", "shared", "data")))
sys.path.insert(0, DERIVE)

import check_networks  # noqa: E402
import netbuild  # noqa: E402
import track  # noqa: E402
from common import InputError, haversine_km  # noqa: E402

RULES = {"access_radius_km": 40.0, "trunk_neighbours": 4, "trunk_radius_km": 60.0, "station_osm_agree_km": 1.0,
         "station_city_max_km": 80.0, "track_snap_km": 1.0, "track_join_m": 50.0, "section_max_circuity": 1.6,
         "route_to_track": 1.0, "rail_circuity": 1.05, "split_published_rest": True, "source": "test"}


def km_east(lon, lat, km):
    """A point km kilometres east of (lon, lat)."""
    return (lon + km / (111.32 * 0.8191), lat)  # cos(35°) ≈ 0.8191


class StationRule(unittest.TestCase):
    def test_osm_confirmed_by_one_geocode_wins(self):
        osm = (113.0, 35.0)
        c = {"osm": osm, "baidu2023": km_east(*osm, 0.6), "amap": km_east(*osm, 12.0)}
        lon, lat, check, used = netbuild.sources_agree(c, 1.0, 2.0)
        self.assertEqual((lon, lat), osm)
        self.assertEqual(used, ["osm", "baidu2023"])
        self.assertTrue(check.startswith("osm+baidu2023"))

    def test_geocodes_agree_without_osm(self):
        b = (113.0, 35.0)
        a = km_east(*b, 1.5)
        lon, lat, check, used = netbuild.sources_agree({"baidu2023": b, "amap": a}, 1.0, 2.0)
        self.assertAlmostEqual(lon, (b[0] + a[0]) / 2)
        self.assertEqual(check, "agree<2km")

    def test_no_two_sources_agree(self):
        b = (113.0, 35.0)
        c = {"baidu2023": b, "amap": km_east(*b, 5.0), "osm": km_east(*b, 11.0)}
        self.assertIsNone(netbuild.sources_agree(c, 1.0, 2.0))

    def test_evidence_lists_every_source(self):
        b = (113.0, 35.0)
        ev = netbuild.evidence(*b, {"baidu2023": b, "osm": km_east(*b, 3.0)})
        self.assertEqual(ev, "|baidu2023=0.00km|osm=3.00km")


class FakeGeometry:
    def __init__(self, km=None):
        self.km = km

    def track(self, a, b, cap):
        return None if self.km is None else (self.km, "测试线", 0.1, 0.1)


class FakeRoute:
    def __init__(self, km=None):
        self.km = km

    def between(self, a, b, mode):
        return None if self.km is None else (self.km, "测试线")


def lengths(geo_km=None, route_km=None, published=None, exception="", gc=50.0, mode="hsr", shared=()):
    t = track.TrackLengths(FakeGeometry(geo_km), FakeRoute(route_km), RULES)
    a = (113.0, 35.0)
    return t.section_lengths(["甲", "乙"], [a, km_east(*a, gc)], [gc], mode, published, exception=exception,
                             shared=shared)


class LengthRule(unittest.TestCase):
    def test_osm_track_first(self):
        lens, notes, rule = lengths(geo_km=55.0, route_km=60, published=70.0)
        self.assertEqual((lens[0], rule[0]), (55.0, "osm"))
        self.assertIn("OpenStreetMap", notes[0])

    def test_osm_path_short_by_less_than_the_snapping_takes_the_straight_line(self):
        lens, notes, rule = lengths(geo_km=49.9, gc=50.0)  # FakeGeometry snaps both stations 0.1 km away
        self.assertEqual(rule[0], "osm")
        self.assertGreaterEqual(lens[0], 50.0)
        self.assertIn("straight line", notes[0])
        self.assertEqual(lengths(geo_km=49.7, route_km=52, gc=50.0)[2][0], "route_km")

    def test_osm_path_outside_bounds_is_not_used(self):
        lens, notes, rule = lengths(geo_km=90.0, route_km=52)
        self.assertEqual((lens[0], rule[0]), (52.0, "route_km"))
        self.assertIn("not used", notes[0])

    def test_route_km_below_great_circle_is_rejected(self):
        lens, _notes, rule = lengths(route_km=45, published=60.0)
        self.assertEqual(rule[0], "published")
        self.assertEqual(lens[0], 60.0)

    def test_whole_km_rounding_floors_at_great_circle(self):
        lens, notes, rule = lengths(route_km=50, gc=50.3)
        self.assertEqual(rule[0], "route_km")
        self.assertGreaterEqual(lens[0], 50.3)
        self.assertIn("rounded", notes[0])

    def test_long_route_km_needs_a_stated_reason(self):
        self.assertEqual(lengths(route_km=90)[2][0], "circuity")
        lens, notes, rule = lengths(route_km=90, exception="mountain line")
        self.assertEqual((lens[0], rule[0]), (90.0, "route_km"))
        self.assertIn("length-exception: mountain line", notes[0])

    def test_published_rest_split_can_be_switched_off(self):
        t = track.TrackLengths(FakeGeometry(None), FakeRoute(None), dict(RULES, split_published_rest=False))
        a = (113.0, 35.0)
        lens, _notes, rule = t.section_lengths(["甲", "乙"], [a, km_east(*a, 50.0)], [50.0], "hsr", 60.0)
        self.assertEqual(rule[0], "circuity")

    def test_route_km_of_a_line_measured_off_its_track_are_not_used(self):
        # FakeRoute's line is 测试线; measured 0.92 track / route km: its fare distances are not its track
        a = (113.0, 35.0)
        pts = [a, km_east(*a, 50.0)]
        off = track.TrackLengths(FakeGeometry(None), FakeRoute(58), RULES, line_ratios={"测试线": (8, 0.92)})
        lens, notes, rule = off.section_lengths(["甲", "乙"], pts, [50.0], "hsr", None)
        self.assertEqual(rule[0], "circuity")
        self.assertIn("fare distances are not its track", notes[0])
        # within the tolerance of the median (1.0), and on conventional lines, route km still count
        near = track.TrackLengths(FakeGeometry(None), FakeRoute(58), RULES, line_ratios={"测试线": (8, 0.97)})
        self.assertEqual(near.section_lengths(["甲", "乙"], pts, [50.0], "hsr", None)[2][0], "route_km")
        self.assertEqual(off.section_lengths(["甲", "乙"], pts, [50.0], "conventional", None)[2][0], "route_km")

    def test_shared_track_never_takes_a_published_share(self):
        lens, _notes, rule = lengths(published=60.0, shared={0})
        self.assertEqual(rule[0], "circuity")
        self.assertAlmostEqual(lens[0], 50.0 * 1.05)


class Station:
    def __init__(self, sid, name, lon, lat):
        self.sid, self.name, self.lon, self.lat = sid, name, lon, lat


class Row(dict):
    def req(self, k):
        return self[k]


LINES = {"l": Row(mode="hsr")}


def section(sid, a, b, km, source="derived: test"):
    return [sid, "l", "1", a, b, f"{km:.3f}", "350", "300", "", "", source]


class SectionChecks(unittest.TestCase):
    def setUp(self):
        a = (113.0, 35.0)
        b = km_east(*a, 50.0)
        self.st = {"甲": Station("AAA", "甲", *a), "乙": Station("BBB", "乙", *b)}
        self.gc = haversine_km(*a, *b)

    def test_within_bounds_passes(self):
        netbuild.check_sections([section("l:1", "AAA", "BBB", self.gc * 1.05)], self.st, RULES, "x.csv", LINES)

    def test_shorter_than_great_circle_fails(self):
        with self.assertRaises(InputError) as e:
            netbuild.check_sections([section("l:1", "AAA", "BBB", self.gc - 1)], self.st, RULES, "x.csv", LINES,
                                    {"l:1": "facts/rail_stretches.csv, line 7 (stretch 甲–乙)"})
        self.assertIn("section l:1 length_km", str(e.exception))
        self.assertIn("facts/rail_stretches.csv, line 7", str(e.exception))
        # a stated exception excuses a long track only, as in the engine
        with self.assertRaises(InputError):
            netbuild.check_sections([section("l:1", "AAA", "BBB", self.gc - 1, "length-exception: test")], self.st,
                                    RULES, "x.csv", LINES)

    def test_longer_than_cap_fails_unless_a_reason_is_stated(self):
        with self.assertRaises(InputError):
            netbuild.check_sections([section("l:1", "AAA", "BBB", self.gc * 1.7)], self.st, RULES, "x.csv", LINES)
        netbuild.check_sections([section("l:1", "AAA", "BBB", self.gc * 1.7, "length-exception: test")], self.st,
                                RULES, "x.csv", LINES)

    def test_one_stretch_two_lengths_fails(self):
        secs = [section("l:1", "AAA", "BBB", self.gc * 1.05), section("l:2", "BBB", "AAA", self.gc * 1.06)]
        with self.assertRaises(InputError) as e:
            netbuild.check_sections(secs, self.st, RULES, "x.csv", LINES)
        self.assertIn("one stretch of track needs one length", str(e.exception))


class SectionSpeeds(unittest.TestCase):
    """facts/section_speeds.csv: one section's lower limit, capping design and operating speed; bad rows fail
    naming file, line and field."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.st = {"甲": Station("AAA", "甲", 113.0, 35.0), "乙": Station("BBB", "乙", 113.5, 35.0),
                   "丙": Station("CCC", "丙", 114.0, 35.0)}

    def tearDown(self):
        shutil.rmtree(self.dir)

    def apply(self, row):
        path = os.path.join(self.dir, "section_speeds.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("line_id,from,to,speed_kmh,source\n" + row + "\n")
        secs = [section("l:1", "AAA", "BBB", 50.0), section("l:2", "BBB", "CCC", 50.0)]
        netbuild.apply_section_speeds(path, secs, self.st, LINES)
        return secs

    def test_lowers_one_section_in_either_direction(self):
        secs = self.apply("l,丙,乙,80,evidence: test")
        self.assertEqual(secs[0][6:8], ["350", "300"])
        self.assertEqual(secs[1][6:8], ["80", "80"])
        self.assertIn("speed 80 km/h on this section (facts/section_speeds.csv line 2): evidence: test", secs[1][10])

    def test_bad_rows(self):
        for row, field, msg in [("x,甲,乙,80,s", "line_id", "unknown line"), ("l,甲,丁,80,s", "to", "unknown station"),
                                ("l,甲,丙,80,s", "from", "no section of l joins"),
                                ("l,甲,乙,320,s", "speed_kmh", "only lowers limits"),
                                ("l,甲,乙,-5,s", "speed_kmh", "positive")]:
            with self.assertRaises(InputError) as e:
                self.apply(row)
            self.assertIn("line 2", str(e.exception), row)
            self.assertIn(field, str(e.exception), row)
            self.assertIn(msg, str(e.exception), row)

    def test_one_row_a_section(self):
        path = os.path.join(self.dir, "section_speeds.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("line_id,from,to,speed_kmh,source\nl,甲,乙,80,s\nl,乙,甲,60,s\n")
        with self.assertRaises(InputError) as e:
            netbuild.apply_section_speeds(path, [section("l:1", "AAA", "BBB", 50.0)], self.st, LINES)
        self.assertIn("line 3", str(e.exception))
        self.assertIn("already has a row (line 2)", str(e.exception))

    def test_optional(self):
        netbuild.apply_section_speeds(os.path.join(self.dir, "none.csv"), [], self.st, LINES)


class DeriveParams(unittest.TestCase):
    def test_strict(self):
        netbuild.derive_rules({"derive": dict(RULES)}, "p.toml")
        with self.assertRaises(InputError):
            netbuild.derive_rules({"derive": dict(RULES, typo=1)}, "p.toml")
        with self.assertRaises(InputError):
            netbuild.derive_rules({"derive": {k: v for k, v in RULES.items() if k != "access_radius_km"}}, "p.toml")
        with self.assertRaises(InputError):
            netbuild.derive_rules({"derive": dict(RULES, trunk_neighbours=2.5)}, "p.toml")
        with self.assertRaises(InputError):
            netbuild.derive_rules({"derive": dict(RULES, split_published_rest="yes")}, "p.toml")


class CrossNetwork(unittest.TestCase):
    def write(self, root, net, lon):
        d = os.path.join(root, net)
        os.makedirs(d)
        with open(os.path.join(d, "params.toml"), "w") as fh:
            fh.write("[derive]\nsection_max_circuity = 1.6\n")
        with open(os.path.join(d, "rail_lines.csv"), "w") as fh:
            fh.write("line_id,mode\nl,hsr\n")
        with open(os.path.join(d, "stations.csv"), "w") as fh:
            fh.write(f"station_id,name,lon,lat\nAAA,甲,{lon},35.0\nBBB,乙,113.6,35.0\n")
        with open(os.path.join(d, "rail_sections.csv"), "w") as fh:
            fh.write("section_id,line_id,from_station,to_station,length_km,source\nl:1,l,AAA,BBB,60.000,x\n")

    def test_a_station_with_two_positions_fails(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, "a", 113.0)
            self.write(root, "b", 113.0)
            self.assertEqual(check_networks.check(root), [])
            shutil.rmtree(os.path.join(root, "b"))
            self.write(root, "b", 113.01)
            errors = check_networks.check(root)
            self.assertTrue(any("one station, one position" in e for e in errors), errors)
            self.assertTrue(any("one stretch of track, one length" not in e for e in errors))

    def test_a_road_or_connector_shorter_than_the_straight_line_fails(self):
        """甲 (113.0, 35.0) and 乙 (113.6, 35.0) lie 54.65 km apart: a road or connector between them may not be
        shorter; at the straight line (rounded up to the metre) it passes."""
        import math
        g = check_networks.haversine_km(113.0, 35.0, 113.6, 35.0)
        self.assertAlmostEqual(g, 54.65, places=2)
        for km, ok in ((g - 0.01, False), (math.ceil(g * 1000) / 1000, True), (g * 1.2, True)):
            with tempfile.TemporaryDirectory() as root:
                self.write(root, "a", 113.0)
                d = os.path.join(root, "a")
                with open(os.path.join(d, "places.csv"), "w") as fh:
                    fh.write("place_id,lon,lat\n1,113.0,35.0\n2,113.6,35.0\n")
                with open(os.path.join(d, "road_links.csv"), "w") as fh:
                    fh.write(f"link_id,from_place,to_place,length_km\nr1,1,2,{km:.3f}\n")
                with open(os.path.join(d, "connectors.csv"), "w") as fh:
                    fh.write(f"from_id,to_id,kind,length_km\n1,BBB,access,{km:.3f}\n")
                errors = check_networks.check(root)
                if ok:
                    self.assertEqual(errors, [])
                else:
                    self.assertEqual(len(errors), 2, errors)
                    self.assertIn("road_links.csv, line 2, field 'length_km': r1 is", errors[0])
                    self.assertIn("connectors.csv, line 2, field 'length_km': 1–BBB is", errors[1])


@unittest.skipUnless(os.path.isdir(SHARED), "shared data not found")
class PlantedError(unittest.TestCase):
    """The real derivation, on a copy of networks/zhongyuan with one planted error, must fail (exit 2) and name it."""

    def run_planted(self, edit):
        with tempfile.TemporaryDirectory() as tmp:
            net = os.path.join(tmp, "networks", "zhongyuan")
            shutil.copytree(os.path.join(REPO, "networks", "zhongyuan", "facts"), os.path.join(net, "facts"))
            shutil.copy(os.path.join(REPO, "networks", "zhongyuan", "params.toml"), net)
            shutil.copy(os.path.join(REPO, "networks", "station_fixes.csv"), os.path.join(tmp, "networks"))
            shutil.copytree(os.path.join(REPO, "seeds", "zhongyuan"), os.path.join(tmp, "seeds", "zhongyuan"))
            edit(tmp, net)
            p = subprocess.run([sys.executable, os.path.join(DERIVE, "zhongyuan.py"), "--shared", SHARED, "--out", net],
                               capture_output=True, text=True)
            return p.returncode, p.stderr

    def test_unchanged_copy_builds(self):
        code, err = self.run_planted(lambda tmp, net: None)
        self.assertEqual(code, 0, err)

    def test_planted_station_far_from_its_city_fails(self):
        """All three sources agreeing on a point in 广州 for 许昌东 (a planted copy of the shared station files): the
        position rule takes it, and the 12306-city check must stop the derivation."""
        with tempfile.TemporaryDirectory() as fake:
            for entry in os.listdir(SHARED):
                if entry != "rail-stations":
                    os.symlink(os.path.join(SHARED, entry), os.path.join(fake, entry))
            os.makedirs(os.path.join(fake, "rail-stations"))
            for f in os.listdir(os.path.join(SHARED, "rail-stations")):
                src, dst = os.path.join(SHARED, "rail-stations", f), os.path.join(fake, "rail-stations", f)
                if f not in ("stations_baidu2023_wgs84.csv", "stations_amap_geocoded_wgs84.csv", "stations_osm_wgs84.csv"):
                    os.symlink(src, dst)
                    continue
                lines = open(src, encoding="utf-8").read().split("\n")
                header = lines[0].split(",")
                ilon = header.index("lon_wgs84" if "lon_wgs84" in header else "lon")
                ilat = header.index("lat_wgs84" if "lat_wgs84" in header else "lat")
                for i, line in enumerate(lines):
                    cells = line.split(",")
                    if cells and cells[0] == "许昌东":
                        cells[ilon], cells[ilat] = "113.2644", "23.1291"
                        lines[i] = ",".join(cells)
                open(dst, "w", encoding="utf-8").write("\n".join(lines))
            with tempfile.TemporaryDirectory() as tmp:
                net = os.path.join(tmp, "networks", "zhongyuan")
                shutil.copytree(os.path.join(REPO, "networks", "zhongyuan", "facts"), os.path.join(net, "facts"))
                shutil.copy(os.path.join(REPO, "networks", "zhongyuan", "params.toml"), net)
                shutil.copy(os.path.join(REPO, "networks", "station_fixes.csv"), os.path.join(tmp, "networks"))
                shutil.copytree(os.path.join(REPO, "seeds", "zhongyuan"), os.path.join(tmp, "seeds", "zhongyuan"))
                p = subprocess.run([sys.executable, os.path.join(DERIVE, "zhongyuan.py"), "--shared", fake, "--out", net],
                                   capture_output=True, text=True)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("许昌东", p.stderr)
        self.assertIn("12306 city 许昌", p.stderr)

    def test_planted_second_length_fails_across_networks(self):
        """A stated exception on 郑西 lets 灵宝西–华山北 take its route km (88 km, 1.63 x great-circle) in 中原 only:
        the same track then has two lengths, 中原's and 关中's, and check_networks fails."""
        def edit(tmp, net):
            p = os.path.join(net, "facts", "rail_stretches.csv")
            lines = open(p, encoding="utf-8").read().split("\n")
            for i, line in enumerate(lines):
                if line.startswith("zhengxi-hsr-zhengzhou-xian,"):
                    lines[i] = line + "planted exception"
            open(p, "w", encoding="utf-8").write("\n".join(lines))
            g = os.path.join(tmp, "networks", "guanzhong")
            os.makedirs(g)
            for f in ("params.toml", "rail_lines.csv", "stations.csv", "rail_sections.csv"):
                shutil.copy(os.path.join(REPO, "networks", "guanzhong", f), g)
            self.tmp = tmp
        with tempfile.TemporaryDirectory() as keep:
            def edit_keep(tmp, net):
                edit(tmp, net)
                shutil.copytree(os.path.join(tmp, "networks"), os.path.join(keep, "networks"))
            code, err = self.run_planted(edit_keep)
            self.assertEqual(code, 0, err)
            shutil.rmtree(os.path.join(keep, "networks"))
        # run again keeping the outputs
        with tempfile.TemporaryDirectory() as tmp:
            net = os.path.join(tmp, "networks", "zhongyuan")
            shutil.copytree(os.path.join(REPO, "networks", "zhongyuan", "facts"), os.path.join(net, "facts"))
            shutil.copy(os.path.join(REPO, "networks", "zhongyuan", "params.toml"), net)
            shutil.copy(os.path.join(REPO, "networks", "station_fixes.csv"), os.path.join(tmp, "networks"))
            shutil.copytree(os.path.join(REPO, "seeds", "zhongyuan"), os.path.join(tmp, "seeds", "zhongyuan"))
            edit(tmp, net)
            p = subprocess.run([sys.executable, os.path.join(DERIVE, "zhongyuan.py"), "--shared", SHARED, "--out", net],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            errors = check_networks.check(os.path.join(tmp, "networks"))
            self.assertTrue(any("灵宝西" in e or "LPF" in e for e in errors), errors)
            self.assertTrue(any("one stretch of track, one length" in e for e in errors), errors)

    def test_planted_wrong_measured_ratio_fails(self):
        def edit(tmp, net):
            p = os.path.join(net, "params.toml")
            text = open(p, encoding="utf-8").read().replace("route_to_track = 1.000", "route_to_track = 0.900")
            open(p, "w", encoding="utf-8").write(text)
        code, err = self.run_planted(edit)
        self.assertEqual(code, 2, err)
        self.assertIn("derive.route_to_track", err)


def build_services(stations, lines, sections, board):
    """services.build on a network of the given stations.csv, rail_lines.csv and rail_sections.csv bodies (after
    their header) and departure-board rows: (groups, unknown_of, anchor_of, arrivals_of)."""
    import services
    with tempfile.TemporaryDirectory() as tmp:
        net, shared = os.path.join(tmp, "net"), os.path.join(tmp, "shared")
        os.makedirs(net)
        os.makedirs(os.path.join(shared, "rail-timetable-2021"))

        def write(path, text):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        write(os.path.join(net, "stations.csv"), "station_id,name,telecode\n" + stations)
        write(os.path.join(net, "rail_lines.csv"), "line_id,mode\n" + lines)
        write(os.path.join(net, "speed_changes.csv"), "line_id,effective,operating_speed_kmh\n")
        write(os.path.join(net, "rail_sections.csv"),
              "section_id,line_id,from_station,to_station,length_km,design_speed_kmh,operating_speed_kmh,opened\n"
              + sections)
        write(os.path.join(shared, services.SCHED),
              "station,train_type,status_at_station,train_code,origin,terminus,arr,dep\n" + board)
        groups, unknown_of, _stats, _below, anchor_of, arrivals_of = services.build(shared, net)
    return groups, unknown_of, anchor_of, arrivals_of


class ServicesRule(unittest.TestCase):
    """services.py: a route station without a board is unknown, unless it has no 12306 telecode (no tickets)."""

    def build(self, telecode_of_j):
        import services
        groups, unknown_of, anchor_of, arrivals_of = build_services(
            "AAA,甲,AAA\n" + f"J,丙,{telecode_of_j}\n" + "BBB,乙,BBB\n", "l,hsr\n",
            "l:1,l,AAA,J,50,350,300,2012-01-01\nl:2,l,J,BBB,50,350,300,2012-01-01\n",
            "甲,高速动车,始,G1,甲,乙,-,08:00\n乙,高速动车,终,G1,甲,乙,08:30,-\n")
        self.text = services.render(groups, unknown_of, anchor_of, arrivals_of)
        (key,) = groups
        return key, unknown_of[key]

    def test_a_station_without_a_board_is_unknown(self):
        key, unknown = self.build("JJJ")
        self.assertEqual(key[2], ("AAA", "J", "BBB"))
        self.assertEqual(unknown, ("J",))

    def test_the_train_keeps_its_clock_time(self):
        self.build("JJJ")
        header, row = self.text.splitlines()[:2]
        col = header.split(",").index("departures")
        self.assertEqual(row.split(",")[col], "dep@AAA=08:00")

    def test_the_train_keeps_its_arrival(self):
        # the arrival at the terminus, so that 08:00 → 08:30 is the train's scheduled time
        self.build("JJJ")
        header, row = self.text.splitlines()[:2]
        col = header.split(",").index("arrivals")
        self.assertEqual(row.split(",")[col], "BBB=08:30")

    def test_a_station_without_a_telecode_is_passed(self):
        _key, unknown = self.build("")
        self.assertEqual(unknown, ())


class TurnBanRule(unittest.TestCase):
    """services.py: the 石济 trains keep off 京沪 between 德州东 and 济南西 (TURN_BANS), the 京沪 trains do not."""

    def routes(self, board):
        # 京沪 德州东–济南西 92 km at 300 (18.4 min) beats 石济's 48 + 45 km at 250 (22.3 min)
        groups, _unknown_of, _anchor_of, _arrivals_of = build_services(
            "JEP,景州,JEP\nDIP,德州东,DIP\nPUK,平原东,PUK\nJGK,济南西,JGK\nCZP,沧州西,CZP\n", "sj,hsr\njh,hsr\n",
            "sj:1,sj,JEP,DIP,45,250,250,2017-12-28\nsj:2,sj,DIP,PUK,48,250,250,2017-12-28\n"
            "sj:3,sj,PUK,JGK,45,250,250,2017-12-28\njh:1,jh,CZP,DIP,104,350,300,2011-06-30\n"
            "jh:2,jh,DIP,JGK,92,350,300,2011-06-30\n", board)
        return {codes[0]: key[2] for key, codes in groups.items()}

    def test_a_shiji_train_runs_by_pingyuandong(self):
        r = self.routes("景州,高速动车,始,G1,景州,济南西,-,08:00\n济南西,高速动车,终,G1,景州,济南西,08:50,-\n"
                        "景州,高速动车,始,G2,景州,济南西,-,09:00\n德州东,高速动车,过,G2,景州,济南西,09:12,09:14\n"
                        "济南西,高速动车,终,G2,景州,济南西,09:50,-\n"
                        "济南西,高速动车,始,G3,济南西,景州,-,10:00\n德州东,高速动车,过,G3,济南西,景州,10:36,10:38\n"
                        "景州,高速动车,终,G3,济南西,景州,10:50,-\n")
        self.assertEqual(r["G1"], ("JEP", "DIP", "PUK", "JGK"))
        self.assertEqual(r["G2"], ("JEP", "DIP", "PUK", "JGK"))
        self.assertEqual(r["G3"], ("JGK", "PUK", "DIP", "JEP"))

    def test_a_jinghu_train_keeps_to_jinghu(self):
        r = self.routes("沧州西,高速动车,始,G4,沧州西,济南西,-,08:00\n济南西,高速动车,终,G4,沧州西,济南西,08:45,-\n"
                        "德州东,高速动车,始,G5,德州东,济南西,-,08:00\n济南西,高速动车,终,G5,德州东,济南西,08:25,-\n")
        self.assertEqual(r["G4"], ("CZP", "DIP", "JGK"))
        self.assertEqual(r["G5"], ("DIP", "JGK"))


if __name__ == "__main__":
    unittest.main()
