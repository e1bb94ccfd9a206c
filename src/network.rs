//! Stage 1 of the pipeline: the network folder on disk → a validated, typed [`Network`].
//!
//! Files use stable external ids (census codes, 12306 telecodes, project ids); here they become dense newtype
//! indices ([`PlaceIx`], [`StationIx`], [`LineIx`]) into `Vec`s. Every reference is checked on load (unknown ids,
//! duplicates, non-positive lengths or speeds, missing sources) with an error naming file, line and field.
//! The network holds every element ever open or planned; a scenario (stage 2) decides which are in use.

use crate::error::{Error, Result};
use crate::params::Params;
use crate::seeds::Seeds;
use crate::schema;
use crate::table::Table;
use crate::units::{great_circle, Date, Km, Kmh};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

macro_rules! ix {
    ($name:ident) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            pub fn i(self) -> usize {
                self.0 as usize
            }
        }
    };
}
ix!(PlaceIx);
ix!(StationIx);
ix!(LineIx);
ix!(CityIx);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    District,
    County,
    Devzone,
    /// A place outside the region (a neighbouring capital), reachable but not counted in the region's rings.
    Outside,
    /// A named point inside a census unit (a commute end such as a business district), with population 0: the unit
    /// it lies in keeps the people. Reachable and queryable, but not counted as a unit in rings or tallies.
    Point,
}

impl PlaceKind {
    /// A census unit of the region (district, county or development zone): what rings and indicators count.
    pub fn is_unit(self) -> bool {
        matches!(self, PlaceKind::District | PlaceKind::County | PlaceKind::Devzone)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::District => "district",
            PlaceKind::County => "county",
            PlaceKind::Devzone => "devzone",
            PlaceKind::Outside => "outside",
            PlaceKind::Point => "point",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub kind: PlaceKind,
    pub prefecture_id: String,
    pub prefecture: String,
    pub province: String,
    pub lon: f64,
    pub lat: f64,
    pub population: u64,
    pub area_km2: f64,
}

#[derive(Clone, Debug)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub place: PlaceIx,
    pub city: String,
    pub lon: f64,
    pub lat: f64,
    /// When trains started to stop here (derived: the first section through it). With a `project` it is a
    /// station-level opening: before it (and unless the scenario adds the project) trains pass without stopping,
    /// as at 郑州航空港 before 2022-06-20.
    pub opened: Option<Date>,
    pub project: Option<String>,
    /// Whether 12306 sells tickets here (a telecode in stations.csv, or a planned station that will have one): a
    /// junction without one (横店东) is never a stop of a timetable train.
    pub telecode: bool,
    /// Whether the station is named after its prefecture city (`name` begins with `city`: 许昌东, 鹤壁东, 郑州航空港),
    /// rather than after a county, a town or a district (明港东, 渑池南, 定远, 黄河景区); a station with a blank `city`
    /// is not. Where the boards cannot tell whether a train stops, an EMU stops at the others less often
    /// (`rail.county_stop_weight`, fitted). 合肥北城, a small station in 长丰县 named after 合肥, counts as the city's:
    /// the rule reads names, not sizes.
    pub city_named: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RailMode {
    Hsr,
    Intercity,
    Suburban,
    Conventional,
}

impl RailMode {
    pub fn parse(s: &str) -> Option<RailMode> {
        Some(match s {
            "hsr" => RailMode::Hsr,
            "intercity" => RailMode::Intercity,
            "suburban" => RailMode::Suburban,
            "conventional" => RailMode::Conventional,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RailMode::Hsr => "hsr",
            RailMode::Intercity => "intercity",
            RailMode::Suburban => "suburban",
            RailMode::Conventional => "conventional",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Line {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub mode: RailMode,
    pub design_speed: Kmh,
}

#[derive(Clone, Debug)]
pub struct Section {
    pub id: String,
    pub line: LineIx,
    pub seq: u64,
    pub from: StationIx,
    pub to: StationIx,
    pub length: Km,
    pub design_speed: Kmh,
    pub operating_speed: Kmh,
    pub opened: Option<Date>,
    pub project: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SpeedChange {
    pub line: LineIx,
    pub effective: Date,
    pub speed: Kmh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    Expressway,
    Trunk,
}

impl RoadClass {
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Expressway => "expressway",
            RoadClass::Trunk => "trunk",
        }
    }
}

#[derive(Clone, Debug)]
pub struct RoadLink {
    pub id: String,
    pub from: PlaceIx,
    pub to: PlaceIx,
    pub class: RoadClass,
    pub route: String,
    pub length: Km,
    /// A link's own mean speed (optional column `speed_kmh`), overriding its class speed from params.toml: for
    /// roads whose design speed is published (a provincial road built to 100 km/h, a planned viaduct).
    pub speed: Option<Kmh>,
    pub opened: Option<Date>,
    pub project: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeRef {
    Place(PlaceIx),
    Station(StationIx),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConnectorKind {
    Access,
    Metro,
    Walk,
}

impl ConnectorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorKind::Access => "access",
            ConnectorKind::Metro => "metro",
            ConnectorKind::Walk => "walk",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Connector {
    pub from: NodeRef,
    pub to: NodeRef,
    pub kind: ConnectorKind,
    pub length: Km,
    pub minutes: Option<f64>,
    pub opened: Option<Date>,
}

/// A plan city as a node of this network: the seat place (door measure) and the stations that serve the city
/// itself (station measure).
#[derive(Clone, Debug)]
pub struct City {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub role: String,
    pub seat: PlaceIx,
    pub stations: Vec<StationIx>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkToml {
    /// Checked by the schema (only format 1 exists).
    #[allow(dead_code)]
    format: u32,
    name: String,
    description: String,
    seeds: String,
    default_origin: String,
    bbox: [f64; 4],
}

#[derive(Clone, Debug)]
pub struct Network {
    pub dir: PathBuf,
    pub name: String,
    pub description: String,
    pub default_origin: String,
    pub bbox: [f64; 4],
    pub places: Vec<Place>,
    pub stations: Vec<Station>,
    pub lines: Vec<Line>,
    pub sections: Vec<Section>,
    pub speed_changes: Vec<SpeedChange>,
    pub roads: Vec<RoadLink>,
    pub connectors: Vec<Connector>,
    pub cities: Vec<City>,
    /// The as-built train services of `services.csv` (default services are added per scenario, see
    /// [`crate::services`]).
    pub services: Vec<crate::services::Service>,
    /// The through services of `project_services.csv`, projects' and on lines as built (both directions; run by a scenario only while
    /// every section of the route is open, see [`crate::services::load_project_services`]).
    pub project_services: Vec<crate::services::Service>,
    /// For each default and project service (by id), the legs on stretches the boards time where it would be
    /// faster than the timetable's fastest train at the boards' date, and by how much
    /// ([`crate::services::attach_timetable`]): it is charged that, so that it is not.
    pub timetable_others: BTreeMap<String, BTreeMap<(StationIx, StationIx), crate::services::Timed>>,
    /// How many legs of the timetable's patterns the boards time faster than their modelled route allows at its
    /// speed limits (the network lacks the train's way): those keep the physics ([`crate::services::attach_timetable`]).
    pub timetable_below_floor: usize,
    pub seeds: Seeds,
    pub params: Params,
    /// The raw params table, so that scenario overrides can be merged into it.
    pub params_value: toml::Value,
    /// The parameters of params.toml without its calibration file: where `ringsim calibrate` starts from.
    pub params_start: Params,
    /// What the calibration file lacks, when it was read for a fit ([`Network::load_with`]).
    pub calibration_lacks: Option<String>,
    place_by_id: HashMap<String, PlaceIx>,
    station_by_id: HashMap<String, StationIx>,
}

/// The runs of a line: its sections (indices into `sections`) in `seq` order, cut where a section does not start
/// at the station where the one before it ends. Each run is a way a train runs the line end to end; a line with
/// a branch has a run per branch (郑西's 郑州东 branch). The line's default services run each run
/// ([`crate::services::defaults`]).
pub fn line_runs(sections: &[Section], line: LineIx) -> Vec<Vec<usize>> {
    let mut secs: Vec<usize> = (0..sections.len()).filter(|&i| sections[i].line == line).collect();
    secs.sort_by_key(|&i| sections[i].seq);
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for i in secs {
        match runs.last_mut() {
            Some(c) if sections[*c.last().expect("a run is never empty")].to == sections[i].from => c.push(i),
            _ => runs.push(vec![i]),
        }
    }
    runs
}

/// A line's `seq` must put its sections in running order: where one run of the line ends at the station where
/// another begins, the two are one way cut in two by a `seq` out of order (or a section written the wrong way
/// round), which would silently give the line's trains a change of trains there; and a run between two others
/// that ends where the one before it ends and starts where the one after it starts is a stretch written the wrong
/// way round. `rows` are the sections' lines in `path`.
fn check_section_order(path: &Path, sections: &[Section], rows: &[u64], stations: &[Station], lines: &[Line]) -> Result<()> {
    for (li, line) in lines.iter().enumerate() {
        let runs = line_runs(sections, LineIx(li as u32));
        // first the more particular shape: a stretch written the wrong way round in the middle of a line ([A→B],
        // [C→B], [C→D] in seq order): the run before it ends where it ends and the run after it starts where it
        // starts. (At a line's ends the same shapes are a branch that merges into the line or leaves it, so they are
        // left alone.)
        for w in runs.windows(3) {
            let (before, mid, after) = (&w[0], &w[1], &w[2]);
            let (first, last) = (&sections[mid[0]], &sections[*mid.last().expect("a run is never empty")]);
            if sections[*before.last().expect("a run is never empty")].to == last.to && sections[after[0]].from == first.from {
                return Err(Error::field(
                    path,
                    rows[mid[0]],
                    "from_station",
                    format!(
                        "section {} (seq {}) of line '{}' runs from {} towards {}{}, but the line's sections before it in seq order end at {} and those after it start at {}: it looks written the wrong way round, which would cut the line in three and give its trains a change at both stations; swap from_station and to_station of {} (or in a derived network write the stretch in running order in facts/rail_stretches.csv and rederive)",
                        first.id,
                        first.seq,
                        line.id,
                        stations[first.from.i()].name,
                        stations[last.to.i()].name,
                        if mid.len() > 1 { format!(" (with the {} sections after it)", mid.len() - 1) } else { String::new() },
                        stations[last.to.i()].name,
                        stations[first.from.i()].name,
                        if mid.len() > 1 { "each of these sections, and reverse their seq" } else { "this section" }
                    ),
                ));
            }
        }
        for a in &runs {
            let end = &sections[*a.last().expect("a run is never empty")];
            for b in runs.iter().filter(|b| !std::ptr::eq(*b, a)) {
                let start = &sections[b[0]];
                if start.from == end.to {
                    return Err(Error::field(
                        path,
                        rows[b[0]],
                        "seq",
                        format!(
                            "section {} (seq {}) of line '{}' starts at {} where section {} (seq {}) ends, but does not follow it in seq order, so the line's trains would stop and change there; renumber the line's seq in the order a train runs its sections, or in a derived network reorder the line's stretches in facts/rail_stretches.csv and rederive (a branch starts at a station inside another run, not at its end)",
                            start.id, start.seq, line.id, stations[start.from.i()].name, end.id, end.seq
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn require_source(t: &Table) -> Result<()> {
    for r in t.rows() {
        r.req("source")?;
    }
    Ok(())
}

fn check_lonlat(r: &crate::table::Row, bbox: &[f64; 4], what: &str) -> Result<(f64, f64)> {
    let lon = r.f64("lon")?;
    let lat = r.f64("lat")?;
    if !(bbox[0]..=bbox[2]).contains(&lon) {
        return Err(r.err("lon", format!("{lon} is outside the network's bounding box {:?} ({what}); WGS84 longitude expected", bbox)));
    }
    if !(bbox[1]..=bbox[3]).contains(&lat) {
        return Err(r.err("lat", format!("{lat} is outside the network's bounding box {:?} ({what}); WGS84 latitude expected", bbox)));
    }
    Ok((lon, lat))
}

/// A length may fall short of the straight line between its ends by this much: lengths are given to the metre, the
/// great circle is computed from positions to 1e-6° (about 0.1 m); the same tolerance as tools/derive/check_networks.py.
const LENGTH_TOLERANCE_KM: f64 = 0.0005;

/// A track, road or connector is never shorter than the great circle between its ends: a shorter length is a wrong
/// length or a wrong position of an end, and would make the trip faster than the ground allows.
/// `positions` names the file(s) holding the ends' positions.
fn no_shorter_than_straight(r: &crate::table::Row, length: f64, straight: f64, ends: &str, positions: &str) -> Result<()> {
    if length < straight - LENGTH_TOLERANCE_KM {
        return Err(r.err(
            "length_km",
            format!("{length} km is shorter than the {straight:.3} km between {ends} in a straight line; correct the length, or the position of an end ({positions})"),
        ));
    }
    Ok(())
}

/// The files every network folder holds ([`Network::load`] reads each).
pub const NETWORK_FILES: [&str; 10] = ["network.toml", "params.toml", "places.csv", "stations.csv", "cities.csv", "rail_lines.csv", "rail_sections.csv", "speed_changes.csv", "road_links.csv", "connectors.csv"];

impl Network {
    /// The calibration file params.toml names (`rail.calibration`, relative to the network folder), if any.
    pub fn calibration_file(&self) -> Option<PathBuf> {
        self.params.rail.calibration.as_ref().map(|c| self.dir.join(c))
    }

    /// Registers the network as an input of the running command ([`crate::outputs`]): its folder and its seeds
    /// folder, inside which no output may go, and its calibration file, which may lie outside both. `of` says whose
    /// network it is, for messages ("the scenario s.toml").
    pub fn register_input(&self, of: &str) {
        crate::outputs::input(&format!("the network folder of {of}"), &self.dir);
        if let Some(seeds) = self.seeds.projects_path.parent() {
            crate::outputs::input(&format!("the seeds folder of the network of {of}"), seeds);
        }
        if let Some(c) = self.calibration_file() {
            crate::outputs::input(&format!("the calibration file of the network of {of}"), &c);
        }
    }

    /// The opening dates of every element of project `id` (rail sections, stations, roads; `None` for one with no
    /// date): empty when the network models none of it.
    pub fn project_openings(&self, id: &str) -> Vec<Option<Date>> {
        let of = |p: &Option<String>| p.as_deref() == Some(id);
        self.sections.iter().filter(|x| of(&x.project)).map(|x| x.opened).chain(self.stations.iter().filter(|x| of(&x.project)).map(|x| x.opened)).chain(self.roads.iter().filter(|x| of(&x.project)).map(|x| x.opened)).collect()
    }

    /// Loads and validates the network folder `dir`.
    pub fn load(dir: &Path) -> Result<Network> {
        Network::load_with(dir, false)
    }

    /// [`Network::load`]; with `for_fit` (`ringsim calibrate`), a calibration file from before a fitted parameter
    /// was added is read without the values it lacks ([`Params::load_with`]), which are noted in
    /// [`Network::calibration_lacks`].
    pub fn load_with(dir: &Path, for_fit: bool) -> Result<Network> {
        let tpath = dir.join("network.toml");
        if !dir.is_dir() {
            return Err(Error::Io { path: dir.to_path_buf(), source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such network folder") });
        }
        // every file a network is made of, said at once (not as an unreadable path that looks like a typo)
        let missing: Vec<&str> = NETWORK_FILES.iter().copied().filter(|f| !dir.join(f).exists()).collect();
        if !missing.is_empty() {
            return Err(Error::Toml {
                path: dir.to_path_buf(),
                message: format!(
                    "this network folder lacks {}: a network folder holds {} (networks/README.md describes each; tools/derive writes the bundled ones), and services.csv and project_services.csv where it has trains; or the scenario's `network` names the wrong folder",
                    missing.join(", "),
                    NETWORK_FILES.join(", ")
                ),
            });
        }
        let text = crate::table::read_text(&tpath)?;
        let value = crate::tomlfile::read(&tpath, &text, &schema::NETWORK_TOML)?;
        let meta: NetworkToml = value.try_into().map_err(|e| crate::tomlfile::serde_error(&tpath, &text, e))?;
        let bbox = meta.bbox;
        if !(bbox[0] < bbox[2] && bbox[1] < bbox[3]) || !(-90.0..=90.0).contains(&bbox[1]) || !(-90.0..=90.0).contains(&bbox[3]) {
            return Err(Error::config(&tpath, "bbox", "must be [min_lon, min_lat, max_lon, max_lat] with min < max, longitudes in [-180, 180] and latitudes in [-90, 90]"));
        }
        let seeds_dir = dir.join(&meta.seeds);
        if !seeds_dir.join("projects.csv").is_file() || !seeds_dir.join("cities.csv").is_file() {
            return Err(Error::config(&tpath, "seeds", format!("'{}' is not a seeds folder ({} has no projects.csv and cities.csv); give the path of the seeds folder, relative to network.toml", meta.seeds, seeds_dir.display())));
        }
        let seeds = Seeds::load(&seeds_dir)?;
        let (params, params_value, params_start, calibration_lacks) = Params::load_with(&dir.join("params.toml"), for_fit)?;
        // the derivation's cap on a section's length against its great-circle distance, checked here too so that a
        // hand-edited network is held to it (tools/derive/check_networks.py checks the derived files the same way)
        let section_max_circuity = params.derive.as_ref().map(|d| d.section_max_circuity);

        // places
        let path = dir.join("places.csv");
        let t = Table::read_schema(&path, &schema::PLACES)?;
        require_source(&t)?;
        let mut places = Vec::new();
        let mut place_by_id = HashMap::new();
        // the first place naming each prefecture id, for the one-name check
        let mut prefecture_first: HashMap<String, usize> = HashMap::new();
        for r in t.rows() {
            let id = r.req("place_id")?.to_string();
            let kind = match r.req("kind")? {
                "district" => PlaceKind::District,
                "county" => PlaceKind::County,
                "devzone" => PlaceKind::Devzone,
                "outside" => PlaceKind::Outside,
                "point" => PlaceKind::Point,
                k => return Err(r.err("kind", format!("unknown kind '{k}'; use district, county, devzone, outside or point"))),
            };
            if kind == PlaceKind::Point && r.get("population") != "0" {
                return Err(r.err("population", "a `point` place must have population 0 (the census unit it lies in keeps the people)"));
            }
            let (lon, lat) = check_lonlat(&r, &bbox, "place")?;
            let area = r.f64("area_km2")?;
            if area < 0.0 {
                return Err(r.err("area_km2", "must not be negative"));
            }
            if place_by_id.insert(id.clone(), PlaceIx(places.len() as u32)).is_some() {
                return Err(r.err("place_id", format!("duplicate id '{id}'; every place id must be unique")));
            }
            let prefecture_id = r.req("prefecture_id")?.to_string();
            let prefecture = r.req("prefecture")?.to_string();
            // A place of the region lies in one of the plan's cities: a prefecture id of none of them would drop its
            // people from every city's total while the region's total keeps them (a `point` counts nobody).
            if !matches!(kind, PlaceKind::Outside | PlaceKind::Point) && seeds.city(&prefecture_id).is_none() {
                let ids: Vec<&str> = seeds.cities.iter().map(|c| c.id.as_str()).collect();
                return Err(r.err(
                    "prefecture_id",
                    format!(
                        "'{prefecture_id}' is none of the plan's cities ({}: {}); give the id of the city the place lies in, or kind `outside` for a place beyond the region",
                        seeds.dir.join("cities.csv").display(),
                        ids.join(", ")
                    ),
                ));
            }
            // one prefecture, one name: some outputs group by the id, others (report) by the name
            let first = *prefecture_first.entry(prefecture_id.clone()).or_insert(places.len());
            if let Some(other) = places.get(first).filter(|p: &&Place| p.prefecture != prefecture) {
                return Err(r.err(
                    "prefecture",
                    format!("'{prefecture}', but {} ({}) names prefecture {prefecture_id} '{}'; give one prefecture one name", other.name, other.id, other.prefecture),
                ));
            }
            places.push(Place {
                id,
                name: r.req("name")?.to_string(),
                kind,
                prefecture_id,
                prefecture,
                province: r.req("province")?.to_string(),
                lon,
                lat,
                population: r.u64("population")?,
                area_km2: area,
            });
        }

        // stations
        let path = dir.join("stations.csv");
        let t = Table::read_schema(&path, &schema::STATIONS)?;
        require_source(&t)?;
        let mut stations = Vec::new();
        let mut station_by_id = HashMap::new();
        let mut station_names = HashMap::new();
        for r in t.rows() {
            let id = r.req("station_id")?.to_string();
            let name = r.req("name")?.to_string();
            let pid = r.req("place_id")?;
            let place = *place_by_id.get(pid).ok_or_else(|| r.err("place_id", format!("unknown place '{pid}'; it must be a place_id in places.csv")))?;
            let (lon, lat) = check_lonlat(&r, &bbox, "station")?;
            if station_by_id.insert(id.clone(), StationIx(stations.len() as u32)).is_some() {
                return Err(r.err("station_id", format!("duplicate id '{id}'; every station id must be unique")));
            }
            if station_names.insert(name.clone(), ()).is_some() {
                return Err(r.err("name", format!("duplicate station name '{name}'; names must be unique")));
            }
            let opened = r.opt_date("opened")?;
            let project = match r.get("project_id") {
                "" => None,
                p if seeds.has_project(p) => Some(p.to_string()),
                p => return Err(r.err("project_id", format!("unknown project '{p}'; it must be a project_id in {}", seeds.projects_path.display()))),
            };
            // a planned station (on no open line yet: no opening date) or one a project opens will sell tickets
            let telecode = !r.get("telecode").trim().is_empty() || project.is_some() || opened.is_none();
            let city = r.get("city").to_string();
            let city_named = !city.is_empty() && name.starts_with(city.as_str());
            stations.push(Station { id, name, place, city, lon, lat, opened, project, telecode, city_named });
        }

        // lines
        let path = dir.join("rail_lines.csv");
        let t = Table::read_schema(&path, &schema::RAIL_LINES)?;
        require_source(&t)?;
        let mut lines = Vec::new();
        let mut line_by_id = HashMap::new();
        for r in t.rows() {
            let id = r.req("line_id")?.to_string();
            let m = r.req("mode")?;
            let mode = RailMode::parse(m).ok_or_else(|| r.err("mode", format!("unknown mode '{m}'; use hsr, intercity, suburban or conventional")))?;
            if line_by_id.insert(id.clone(), LineIx(lines.len() as u32)).is_some() {
                return Err(r.err("line_id", format!("duplicate id '{id}'")));
            }
            lines.push(Line { id, name_zh: r.req("name_zh")?.into(), name_en: r.get("name_en").into(), mode, design_speed: Kmh(r.positive("design_speed_kmh")?) });
        }

        let project_ref = |r: &crate::table::Row| -> Result<Option<String>> {
            let p = r.get("project_id");
            if p.is_empty() {
                return Ok(None);
            }
            if !seeds.has_project(p) {
                return Err(r.err("project_id", format!("unknown project '{p}'; it must be a project_id in {}", seeds.projects_path.display())));
            }
            Ok(Some(p.to_string()))
        };
        let station_ref = |r: &crate::table::Row, f: &str| -> Result<StationIx> {
            let s = r.req(f)?;
            station_by_id.get(s).copied().ok_or_else(|| r.err(f, format!("unknown station '{s}'; it must be a station_id in stations.csv")))
        };
        let place_ref = |r: &crate::table::Row, f: &str| -> Result<PlaceIx> {
            let s = r.req(f)?;
            place_by_id.get(s).copied().ok_or_else(|| r.err(f, format!("unknown place '{s}'; it must be a place_id in places.csv")))
        };

        // sections
        let path = dir.join("rail_sections.csv");
        let t = Table::read_schema(&path, &schema::RAIL_SECTIONS)?;
        require_source(&t)?;
        let mut sections: Vec<Section> = Vec::new();
        let mut section_ids = HashMap::new();
        // each section's row, and each (line, seq)'s first row: a line's seq orders its sections into runs
        let mut section_rows: Vec<u64> = Vec::new();
        let mut seq_rows: HashMap<(LineIx, u64), (u64, String)> = HashMap::new();
        for r in t.rows() {
            let id = r.req("section_id")?.to_string();
            if section_ids.insert(id.clone(), ()).is_some() {
                return Err(r.err("section_id", format!("duplicate id '{id}'")));
            }
            let l = r.req("line_id")?;
            let line = *line_by_id.get(l).ok_or_else(|| r.err("line_id", format!("unknown line '{l}'; it must be a line_id in rail_lines.csv")))?;
            let seq = r.u64("seq")?;
            if let Some((first, other)) = seq_rows.insert((line, seq), (r.line, id.clone())) {
                return Err(r.err(
                    "seq",
                    format!("line '{l}' already has a section with seq {seq} ({other}, line {first}); give each section of a line its own seq, in the order a train runs them"),
                ));
            }
            section_rows.push(r.line);
            let from = station_ref(&r, "from_station")?;
            let to = station_ref(&r, "to_station")?;
            if from == to {
                return Err(r.err("to_station", "a section must join two different stations"));
            }
            let design = r.positive("design_speed_kmh")?;
            let operating = r.positive("operating_speed_kmh")?;
            if operating > design {
                return Err(r.err("operating_speed_kmh", format!("{operating} is above the design speed {design}")));
            }
            let opened = r.opt_date("opened")?;
            let project = project_ref(&r)?;
            if opened.is_none() && project.is_none() {
                return Err(r.err("project_id", "a section that has not opened needs the project_id of the plan item that builds it"));
            }
            let length = r.positive("length_km")?;
            let (sa, sb) = (&stations[from.i()], &stations[to.i()]);
            let straight = great_circle(sa.lon, sa.lat, sb.lon, sb.lat).0;
            no_shorter_than_straight(&r, length, straight, &format!("{} and {}", sa.name, sb.name), "stations.csv")?;
            if let Some(cap) = section_max_circuity {
                if length > cap * straight + LENGTH_TOLERANCE_KM && !r.get("source").contains("length-exception:") {
                    if straight < LENGTH_TOLERANCE_KM {
                        return Err(r.err(
                            "length_km",
                            format!(
                                "{} and {} are at the same position (stations.csv), so no length of track between them is within params.toml's derive.section_max_circuity ({cap}); give one of them its own position, or state why with 'length-exception: …' in `source`",
                                sa.name, sb.name
                            ),
                        ));
                    }
                    return Err(r.err(
                        "length_km",
                        format!(
                            "{length} km is {:.2} times the {straight:.3} km between {} and {} in a straight line, more than params.toml's derive.section_max_circuity ({cap}); check the length and the two stations' positions, or state why the track is that long with 'length-exception: …' in `source`",
                            length / straight,
                            sa.name,
                            sb.name
                        ),
                    ));
                }
            }
            sections.push(Section { id, line, seq, from, to, length: Km(length), design_speed: Kmh(design), operating_speed: Kmh(operating), opened, project });
        }
        check_section_order(&path, &sections, &section_rows, &stations, &lines)?;

        // speed changes
        let path = dir.join("speed_changes.csv");
        let t = Table::read_schema(&path, &schema::SPEED_CHANGES)?;
        require_source(&t)?;
        let mut speed_changes = Vec::new();
        for r in t.rows() {
            let l = r.req("line_id")?;
            let line = *line_by_id.get(l).ok_or_else(|| r.err("line_id", format!("unknown line '{l}'")))?;
            let effective = r.opt_date("effective")?.ok_or_else(|| r.err("effective", "is empty; give the date the speed took effect"))?;
            speed_changes.push(SpeedChange { line, effective, speed: Kmh(r.positive("operating_speed_kmh")?) });
        }
        speed_changes.sort_by_key(|c| (c.line, c.effective));

        // roads
        let path = dir.join("road_links.csv");
        let t = Table::read_schema(&path, &schema::ROAD_LINKS)?;
        require_source(&t)?;
        let mut roads = Vec::new();
        let mut road_ids = HashMap::new();
        for r in t.rows() {
            let id = r.req("link_id")?.to_string();
            if road_ids.insert(id.clone(), ()).is_some() {
                return Err(r.err("link_id", format!("duplicate id '{id}'")));
            }
            let class = match r.req("class")? {
                "expressway" => RoadClass::Expressway,
                "trunk" => RoadClass::Trunk,
                c => return Err(r.err("class", format!("unknown road class '{c}'; use expressway or trunk"))),
            };
            let from = place_ref(&r, "from_place")?;
            let to = place_ref(&r, "to_place")?;
            if from == to {
                return Err(r.err("to_place", "a road link must join two different places"));
            }
            let length = r.positive("length_km")?;
            let (pa, pb) = (&places[from.i()], &places[to.i()]);
            no_shorter_than_straight(&r, length, great_circle(pa.lon, pa.lat, pb.lon, pb.lat).0, &format!("{} and {}", pa.name, pb.name), "places.csv")?;
            roads.push(RoadLink { id, from, to, class, route: r.get("route").into(), length: Km(length), speed: r.opt_positive("speed_kmh")?.map(Kmh), opened: r.opt_date("opened")?, project: project_ref(&r)? });
        }

        // connectors
        let path = dir.join("connectors.csv");
        let t = Table::read_schema(&path, &schema::CONNECTORS)?;
        require_source(&t)?;
        let node_ref = |r: &crate::table::Row, f: &str| -> Result<NodeRef> {
            let s = r.req(f)?;
            if let Some(&p) = place_by_id.get(s) {
                Ok(NodeRef::Place(p))
            } else if let Some(&st) = station_by_id.get(s) {
                Ok(NodeRef::Station(st))
            } else {
                Err(r.err(f, format!("unknown node '{s}'; it must be a place_id or a station_id")))
            }
        };
        let mut connectors = Vec::new();
        // each pair of nodes joined once per kind (either way round): a second row is a copy or a conflicting length
        let mut joined: HashMap<(NodeRef, NodeRef, ConnectorKind), u64> = HashMap::new();
        for r in t.rows() {
            let kind = match r.req("kind")? {
                "access" => ConnectorKind::Access,
                "metro" => ConnectorKind::Metro,
                "walk" => ConnectorKind::Walk,
                k => return Err(r.err("kind", format!("unknown connector kind '{k}'; use access, metro or walk"))),
            };
            let from = node_ref(&r, "from_id")?;
            let to = node_ref(&r, "to_id")?;
            if from == to {
                return Err(r.err("to_id", "a connector must join two different nodes"));
            }
            if kind == ConnectorKind::Access && !matches!((from, to), (NodeRef::Place(_), NodeRef::Station(_)) | (NodeRef::Station(_), NodeRef::Place(_))) {
                return Err(r.err("kind", "an access connector joins a place and a station"));
            }
            if let Some(first) = joined.insert((from.min(to), from.max(to), kind), r.line) {
                return Err(r.err("to_id", format!("line {first} already joins {} and {} by a connector of kind {}; give each pair one connector of a kind (delete one row)", r.get("from_id"), r.get("to_id"), r.get("kind"))));
            }
            let minutes = r.opt_positive("minutes")?;
            let length = r.positive("length_km")?;
            let at = |n: NodeRef| match n {
                NodeRef::Place(p) => (places[p.i()].lon, places[p.i()].lat, places[p.i()].name.as_str(), "places.csv"),
                NodeRef::Station(st) => (stations[st.i()].lon, stations[st.i()].lat, stations[st.i()].name.as_str(), "stations.csv"),
            };
            let ((xa, ya, na, fa), (xb, yb, nb, fb)) = (at(from), at(to));
            let files = if fa == fb { fa.to_string() } else { format!("{fa}, {fb}") };
            no_shorter_than_straight(&r, length, great_circle(xa, ya, xb, yb).0, &format!("{na} and {nb}"), &files)?;
            connectors.push(Connector { from, to, kind, length: Km(length), minutes, opened: r.opt_date("opened")? });
        }

        // cities
        let path = dir.join("cities.csv");
        let t = Table::read_schema(&path, &schema::CITIES)?;
        require_source(&t)?;
        let mut cities = Vec::new();
        for r in t.rows() {
            let id = r.req("city_id")?;
            let seed = seeds.city(id).ok_or_else(|| r.err("city_id", format!("unknown city '{id}'; it must be a city_id in the seeds' cities.csv")))?;
            let seat = place_ref(&r, "seat_place_id")?;
            let nm = r.req("name")?;
            if nm.trim_end_matches('市') != seed.name_zh.trim_end_matches('市') {
                return Err(r.err("name", format!("'{nm}' is not the seeds' name of city {id} ('{}'); use that name", seed.name_zh)));
            }
            let mut st = Vec::new();
            for s in r.get("stations").split('|').map(str::trim).filter(|s| !s.is_empty()) {
                let ix = *station_by_id.get(s).ok_or_else(|| r.err("stations", format!("unknown station '{s}'")))?;
                if st.contains(&ix) {
                    return Err(r.err("stations", format!("station '{s}' is listed twice; list it once")));
                }
                // A city's station lies in the city: in one of its prefecture's units, or (a county-level city
                // such as 侯马市) in the city's own unit. Another city's station here would make that city the
                // origin (time 0) or reach it through a station it does not have.
                let station = &stations[ix.i()];
                let pl = &places[station.place.i()];
                if pl.prefecture_id != id && pl.id != id {
                    return Err(r.err(
                        "stations",
                        format!(
                            "station '{s}' ({}) lies in {} ({}, prefecture {}), not in city {id} ({}); list only the city's own stations",
                            station.name, pl.name, pl.id, pl.prefecture, seed.name_zh
                        ),
                    ));
                }
                st.push(ix);
            }
            if cities.iter().any(|c: &City| c.id == id) {
                return Err(r.err("city_id", format!("duplicate city '{id}'; give each city one row")));
            }
            cities.push(City { id: id.to_string(), name: seed.name_zh.clone(), name_en: seed.name_en.clone(), role: seed.role.clone(), seat, stations: st });
        }
        let have: std::collections::HashSet<&str> = cities.iter().map(|c| c.id.as_str()).collect();
        for c in &seeds.cities {
            if !have.contains(c.id.as_str()) {
                return Err(Error::Csv {
                    path: path.clone(),
                    line: t.end_line(),
                    message: format!("field `city_id`: plan city {} ({}) has no row; add a row for it (every city in the seeds' cities.csv needs one)", c.id, c.name_zh),
                });
            }
        }

        places.iter().try_fold(0u64, |a, p| a.checked_add(p.population)).ok_or_else(|| Error::Csv {
            path: dir.join("places.csv"),
            line: 1,
            message: "field `population`: the populations add up to more than a 64-bit count; correct the populations".into(),
        })?;
        let mut net = Network {
            dir: dir.to_path_buf(),
            name: meta.name,
            description: meta.description,
            default_origin: meta.default_origin,
            bbox,
            places,
            stations,
            lines,
            sections,
            speed_changes,
            roads,
            connectors,
            cities,
            services: Vec::new(),
            project_services: Vec::new(),
            timetable_others: BTreeMap::new(),
            timetable_below_floor: 0,
            seeds,
            params,
            params_value,
            params_start,
            calibration_lacks,
            place_by_id,
            station_by_id,
        };
        if net.city_by_key(&net.default_origin).is_none() {
            let ids: Vec<&str> = net.cities.iter().map(|c| c.id.as_str()).collect();
            return Err(Error::config(&tpath, "default_origin", format!("'{}' is not a city of this network; use a city_id of cities.csv: {}", net.default_origin, ids.join(" "))));
        }
        net.services = crate::services::load(dir, &net)?;
        net.project_services = crate::services::load_project_services(dir, &net)?;
        crate::services::attach_timetable(&mut net);
        Ok(net)
    }

    pub fn place(&self, id: &str) -> Option<PlaceIx> {
        self.place_by_id.get(id).copied()
    }

    pub fn station(&self, id: &str) -> Option<StationIx> {
        self.station_by_id.get(id).copied()
    }

    /// A city by id, Chinese name (郑州 or 郑州市) or English name.
    pub fn city_by_key(&self, key: &str) -> Option<CityIx> {
        let k = key.trim();
        self.cities
            .iter()
            .position(|c| c.id == k || c.name == k || c.name.trim_end_matches('市') == k.trim_end_matches('市') || c.name_en.eq_ignore_ascii_case(k))
            .map(|i| CityIx(i as u32))
    }

    /// The population of the region (every place but those outside it).
    pub fn region_population(&self) -> u64 {
        // cannot overflow: populations are at most 5e7 per place and places at most 20,000 (src/schema.rs); the
        // load checks the total anyway
        self.places.iter().filter(|p| p.kind != PlaceKind::Outside).map(|p| p.population).fold(0u64, |a, b| a.saturating_add(b))
    }
}
