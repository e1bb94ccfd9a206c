//! The schemas of every input file, in one place: the columns of each CSV file (required or optional) with the
//! plausible range of every numeric field and the row limit, and the keys of each TOML file with their ranges.
//! Readers use them through [`crate::table::Table::read_schema`] and [`crate::tomlfile::check`]; a new input
//! file adds its schema here. README § Reliability lists the limits.

use crate::table::{Col, Kind, Schema};
use crate::tomlfile::{Key, TKind, TomlSchema};

const T: Kind = Kind::Text;
const D: Kind = Kind::Date;
/// Longitudes and latitudes (WGS84 degrees); the network's bbox narrows them further.
const LON: Kind = Kind::Num { min: -180.0, max: 180.0, unit: "degrees of longitude" };
const LAT: Kind = Kind::Num { min: -90.0, max: 90.0, unit: "degrees of latitude" };
/// A section, road or connector length: 1 m to 3,000 km.
const LEN: Kind = Kind::Num { min: 0.001, max: 3000.0, unit: "km" };
/// A rail speed: 5 to 600 km/h (maglev tops the range).
const RAIL_KMH: Kind = Kind::Num { min: 5.0, max: 600.0, unit: "km/h" };
/// A road link's own speed: the range of a road speed in params.toml ([`crate::params::ROAD_SPEED_KMH`]).
const ROAD_KMH: Kind = Kind::Num { min: crate::params::ROAD_SPEED_KMH.0, max: crate::params::ROAD_SPEED_KMH.1, unit: "km/h" };
/// The population of one census unit: up to 50 million (the largest county-level unit has a few million).
const POP: Kind = Kind::Int { min: 0, max: 50_000_000 };

// Row limits: ten to a hundred times the largest bundled network, so that a wrong file is refused before any
// work (a matrix over 245,000 places, a 1,000,000-row seed list).
pub const PLACES: Schema = Schema {
    what: "places.csv of a network folder",
    cols: &[
        Col::req("place_id", T),
        Col::req("name", T),
        Col::req("kind", T),
        Col::req("prefecture_id", T),
        Col::req("prefecture", T),
        Col::req("province", T),
        Col::req("lon", LON),
        Col::req("lat", LAT),
        Col::req("population", POP),
        Col::req("area_km2", Kind::Num { min: 0.0, max: 100_000.0, unit: "km²" }),
        Col::req("source", T),
    ],
    max_rows: 20_000,
};

pub const STATIONS: Schema = Schema {
    what: "stations.csv of a network folder",
    cols: &[
        Col::req("station_id", T),
        Col::req("name", T),
        Col::opt("telecode", T),
        Col::req("place_id", T),
        Col::req("city", T),
        Col::req("lon", LON),
        Col::req("lat", LAT),
        Col::opt("opened", D),
        Col::opt("project_id", T),
        Col::opt("coord_check", T),
        Col::req("source", T),
    ],
    max_rows: 20_000,
};

pub const RAIL_LINES: Schema = Schema {
    what: "rail_lines.csv of a network folder",
    cols: &[Col::req("line_id", T), Col::req("name_zh", T), Col::req("name_en", T), Col::req("mode", T), Col::req("design_speed_kmh", RAIL_KMH), Col::req("source", T)],
    max_rows: 5_000,
};

pub const RAIL_SECTIONS: Schema = Schema {
    what: "rail_sections.csv of a network folder",
    cols: &[
        Col::req("section_id", T),
        Col::req("line_id", T),
        Col::req("seq", Kind::Int { min: 0, max: 100_000 }),
        Col::req("from_station", T),
        Col::req("to_station", T),
        Col::req("length_km", LEN),
        Col::req("design_speed_kmh", RAIL_KMH),
        Col::req("operating_speed_kmh", RAIL_KMH),
        Col::req("opened", D),
        Col::req("project_id", T),
        Col::req("source", T),
    ],
    max_rows: 50_000,
};

/// `services.csv` (optional; the train services of the timetable, see [`crate::services`]).
pub const SERVICES: Schema = Schema {
    what: "services.csv of a network folder",
    cols: &[
        Col::req("service_id", T),
        Col::req("class", T),
        Col::req("max_kmh", Kind::Num { min: 40.0, max: 450.0, unit: "km/h" }),
        Col::req("trains_per_day", Kind::Num { min: 0.01, max: 500.0, unit: "trains a day" }),
        Col::req("route", T),
        Col::req("stops", T),
        Col::opt("unknown", T),
        Col::opt("reverses", T),
        Col::opt("stands", T),
        Col::opt("example_trains", T),
        Col::opt("departures", T),
        Col::opt("arrivals", T),
        Col::req("source", T),
    ],
    max_rows: 100_000,
};

pub const PROJECT_SERVICES: Schema = Schema {
    what: "project_services.csv of a network folder",
    cols: &[
        Col::req("service_id", T),
        Col::req("project_id", T),
        Col::req("class", T),
        Col::req("pattern", T),
        Col::req("trains_per_day", Kind::Num { min: 0.01, max: 500.0, unit: "trains a day" }),
        Col::req("route", T),
        Col::opt("stops", T),
        Col::req("source", T),
    ],
    // the order search pools a leg once for every set of the through services sharing it (2^n, `graph::build_traced`)
    max_rows: 8,
};

pub const SPEED_CHANGES: Schema = Schema {
    what: "speed_changes.csv of a network folder",
    cols: &[Col::req("line_id", T), Col::req("effective", D), Col::req("operating_speed_kmh", RAIL_KMH), Col::req("source", T)],
    max_rows: 10_000,
};

pub const ROAD_LINKS: Schema = Schema {
    what: "road_links.csv of a network folder",
    cols: &[
        Col::req("link_id", T),
        Col::req("from_place", T),
        Col::req("to_place", T),
        Col::req("class", T),
        Col::req("route", T),
        Col::req("length_km", LEN),
        Col::opt("speed_kmh", ROAD_KMH),
        Col::req("opened", D),
        Col::req("project_id", T),
        Col::req("source", T),
    ],
    max_rows: 100_000,
};

pub const CONNECTORS: Schema = Schema {
    what: "connectors.csv of a network folder",
    cols: &[
        Col::req("from_id", T),
        Col::req("to_id", T),
        Col::req("kind", T),
        Col::req("length_km", LEN),
        Col::req("minutes", Kind::Num { min: 0.0, max: 600.0, unit: "minutes" }),
        Col::req("opened", D),
        Col::req("source", T),
    ],
    max_rows: 100_000,
};

pub const CITIES: Schema = Schema {
    what: "cities.csv of a network folder",
    cols: &[Col::req("city_id", T), Col::req("name", T), Col::req("seat_place_id", T), Col::req("stations", T), Col::req("source", T)],
    max_rows: 1_000,
};

pub const SEED_PROJECTS: Schema = Schema {
    what: "projects.csv of a seeds folder",
    cols: &[
        Col::req("project_id", T),
        Col::req("name_zh", T),
        Col::opt("name_en", T),
        Col::req("mode", T),
        Col::opt("category", T),
        Col::req("status_zh", T),
        Col::req("status_horizon", T),
        Col::opt("endpoints", T),
        Col::opt("via", T),
        Col::req("opened", D),
        Col::opt("opened_source", T),
        Col::req("doc", T),
        Col::req("section", T),
        Col::opt("notes", T),
    ],
    max_rows: 5_000,
};

pub const SEED_CITIES: Schema = Schema {
    what: "cities.csv of a seeds folder",
    cols: &[
        Col::req("city_id", T),
        Col::req("name_zh", T),
        Col::req("name_en", T),
        Col::req("province", T),
        Col::req("role", T),
        Col::req("doc", T),
        Col::req("section", T),
        Col::opt("notes", T),
    ],
    max_rows: 1_000,
};

/// `ringsim od --pairs`.
pub const PAIRS: Schema = Schema { what: "a pairs file (ringsim od --pairs)", cols: &[Col::req("from", T), Col::req("to", T)], max_rows: 200_000 };

/// Observed station-to-station times (`ringsim validate/calibrate --observed`).
pub const OBSERVED: Schema = Schema {
    what: "an observed-times file (--observed)",
    cols: &[
        Col::req("from", T),
        Col::req("to", T),
        Col::req("minutes", Kind::Num { min: 0.5, max: 2880.0, unit: "minutes" }),
        Col::opt("train_code", T),
        Col::opt("train_type", T),
        Col::opt("n_trains", Kind::Int { min: 1, max: 100_000 }),
        Col::opt("as_of", D),
        Col::opt("source", T),
        Col::opt("notes", T),
    ],
    max_rows: 200_000,
};

// ---- TOML files ----

const fn k(path: &'static str, kind: TKind) -> Key {
    Key { path, kind, required: true }
}
const fn o(path: &'static str, kind: TKind) -> Key {
    Key { path, kind, required: false }
}
/// Cutoffs and metric minutes: up to a week (a cutoff of 1e308 minutes is an error, not "≤9223372036854775807").
const CUT_MIN: TKind = TKind::Num { min: 0.5, max: 10_080.0, unit: "minutes" };
const NAME: TKind = TKind::Str { nonempty: true };
const TEXT: TKind = TKind::Str { nonempty: false };

pub const NETWORK_TOML: TomlSchema = TomlSchema {
    what: "network.toml of a network folder",
    keys: &[
        k("format", TKind::Int { min: 1, max: 1 }),
        k("name", NAME),
        k("description", TEXT),
        k("seeds", NAME),
        k("default_origin", NAME),
        k("bbox", TKind::NumList { min: -180.0, max: 180.0, len_min: 4, len_max: 4, unit: "degrees" }),
    ],
};

/// Speeds in params.toml, by group: roads, urban access and metro, walking ([`crate::params::plausible_speed`]);
/// circuity 1 to 3; seconds up to an hour.
const P_ROAD_KMH: TKind = TKind::Num { min: crate::params::ROAD_SPEED_KMH.0, max: crate::params::ROAD_SPEED_KMH.1, unit: "km/h" };
const P_ACCESS_KMH: TKind = TKind::Num { min: crate::params::ACCESS_SPEED_KMH.0, max: crate::params::ACCESS_SPEED_KMH.1, unit: "km/h" };
const P_WALK_KMH: TKind = TKind::Num { min: crate::params::WALK_SPEED_KMH.0, max: crate::params::WALK_SPEED_KMH.1, unit: "km/h" };
const P_CIRC: TKind = TKind::Num { min: 1.0, max: 3.0, unit: "" };
const P_SECS: TKind = TKind::Num { min: 0.0, max: 3600.0, unit: "seconds" };

pub const PARAMS_TOML: TomlSchema = TomlSchema {
    what: "params.toml of a network folder (or a scenario's [params])",
    keys: &[
        k("format", TKind::Int { min: 1, max: 1 }),
        k("road.expressway.speed_kmh", P_ROAD_KMH),
        o("road.expressway.circuity", P_CIRC),
        k("road.expressway.source", NAME),
        k("road.trunk.speed_kmh", P_ROAD_KMH),
        o("road.trunk.circuity", P_CIRC),
        k("road.trunk.source", NAME),
        k("connector.access.speed_kmh", P_ACCESS_KMH),
        o("connector.access.circuity", P_CIRC),
        k("connector.access.source", NAME),
        k("connector.metro.speed_kmh", P_ACCESS_KMH),
        o("connector.metro.circuity", P_CIRC),
        k("connector.metro.source", NAME),
        k("connector.walk.speed_kmh", P_WALK_KMH),
        o("connector.walk.circuity", P_CIRC),
        k("connector.walk.source", NAME),
        // the rail model (src/services.rs); the bounds are those of params::CLASS_BOUNDS
        o("rail.calibration", NAME),
        k("rail.change_s", TKind::Num { min: 0.0, max: 3600.0, unit: "s" }),
        k("rail.service_hours", TKind::Num { min: 1.0, max: 24.0, unit: "hours" }),
        o("rail.hub_lines_as_of", TKind::Date),
        k("rail.unknown_stop_ratio", TKind::Num { min: 0.0, max: 3.0, unit: "× the train's stop rate" }),
        k("rail.county_stop_weight", TKind::Num { min: 0.0, max: 1.0, unit: "× the probability at a station named after its city" }),
        k("rail.source", NAME),
        k("rail.defaults.stopping_per_day", TKind::Num { min: 0.1, max: 500.0, unit: "trains a day" }),
        k("rail.defaults.express_per_day", TKind::Num { min: 0.1, max: 500.0, unit: "trains a day" }),
        k("rail.defaults.source", NAME),
        k("rail.hsr.max_kmh", TKind::Num { min: 40.0, max: 450.0, unit: "km/h" }),
        k("rail.hsr.accel_ms2", TKind::Num { min: 0.05, max: 1.2, unit: "m/s²" }),
        k("rail.hsr.brake_ms2", TKind::Num { min: 0.1, max: 1.5, unit: "m/s²" }),
        k("rail.hsr.dwell_s", TKind::Num { min: 0.0, max: 1200.0, unit: "s" }),
        k("rail.hsr.hub_dwell_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.hsr.hub_throat_s", TKind::Num { min: 0.0, max: 600.0, unit: "s" }),
        k("rail.hsr.reverse_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.hsr.stand_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.hsr.margin", TKind::Num { min: 0.0, max: 0.3, unit: "share of the running time" }),
        k("rail.hsr.source", NAME),
        k("rail.intercity.max_kmh", TKind::Num { min: 40.0, max: 450.0, unit: "km/h" }),
        k("rail.intercity.accel_ms2", TKind::Num { min: 0.05, max: 1.2, unit: "m/s²" }),
        k("rail.intercity.brake_ms2", TKind::Num { min: 0.1, max: 1.5, unit: "m/s²" }),
        k("rail.intercity.dwell_s", TKind::Num { min: 0.0, max: 1200.0, unit: "s" }),
        k("rail.intercity.hub_dwell_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.intercity.hub_throat_s", TKind::Num { min: 0.0, max: 600.0, unit: "s" }),
        k("rail.intercity.reverse_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.intercity.stand_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.intercity.margin", TKind::Num { min: 0.0, max: 0.3, unit: "share of the running time" }),
        k("rail.intercity.source", NAME),
        k("rail.suburban.max_kmh", TKind::Num { min: 40.0, max: 450.0, unit: "km/h" }),
        k("rail.suburban.accel_ms2", TKind::Num { min: 0.05, max: 1.2, unit: "m/s²" }),
        k("rail.suburban.brake_ms2", TKind::Num { min: 0.1, max: 1.5, unit: "m/s²" }),
        k("rail.suburban.dwell_s", TKind::Num { min: 0.0, max: 1200.0, unit: "s" }),
        k("rail.suburban.hub_dwell_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.suburban.hub_throat_s", TKind::Num { min: 0.0, max: 600.0, unit: "s" }),
        k("rail.suburban.reverse_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.suburban.stand_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.suburban.margin", TKind::Num { min: 0.0, max: 0.3, unit: "share of the running time" }),
        k("rail.suburban.source", NAME),
        k("rail.conventional.max_kmh", TKind::Num { min: 40.0, max: 450.0, unit: "km/h" }),
        k("rail.conventional.accel_ms2", TKind::Num { min: 0.05, max: 1.2, unit: "m/s²" }),
        k("rail.conventional.brake_ms2", TKind::Num { min: 0.1, max: 1.5, unit: "m/s²" }),
        k("rail.conventional.dwell_s", TKind::Num { min: 0.0, max: 1200.0, unit: "s" }),
        k("rail.conventional.hub_dwell_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.conventional.hub_throat_s", TKind::Num { min: 0.0, max: 600.0, unit: "s" }),
        k("rail.conventional.reverse_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.conventional.stand_s", TKind::Num { min: 0.0, max: 1800.0, unit: "s" }),
        k("rail.conventional.margin", TKind::Num { min: 0.0, max: 0.3, unit: "share of the running time" }),
        k("rail.conventional.source", NAME),
        k("door.boarding_s", P_SECS),
        k("door.alighting_s", P_SECS),
        k("door.source", NAME),
        // tools/derive's own settings (issue 12); ringsim reads only derive.section_max_circuity (network.rs)
        o("derive", TKind::Any),
    ],
};

pub const SCENARIO_TOML: TomlSchema = TomlSchema {
    what: "a scenario file",
    keys: &[
        k("format", TKind::Int { min: 1, max: 1 }),
        k("name", NAME),
        o("description", TEXT),
        k("network", NAME),
        o("origin", NAME),
        o("origin_stations", TKind::StrList { len_min: 1, len_max: 100 }),
        k("as_of", TKind::Date),
        o("cutoffs", TKind::NumList { min: 0.5, max: 10_080.0, len_min: 1, len_max: 20, unit: "minutes" }),
        o("measure", NAME),
        o("projects.add", TKind::StrList { len_min: 0, len_max: 5_000 }),
        o("projects.remove", TKind::StrList { len_min: 0, len_max: 5_000 }),
        o("projects.add_status", TKind::StrList { len_min: 0, len_max: 100 }),
        o("projects.add_horizon", TKind::StrList { len_min: 0, len_max: 100 }),
        // checked against PARAMS_TOML once merged into the network's params
        o("params", TKind::Any),
        // service modifications (services::Modifications; README "Scenario modifications")
        o("services.remove", TKind::StrList { len_min: 0, len_max: 10_000 }),
        o("services.add", TKind::Tables { keys: SERVICE_ADD, what: "a `[[services.add]]` entry (a service the scenario adds)", len_max: 1_000 }),
        o("services.adjust", TKind::Tables { keys: SERVICE_ADJUST, what: "a `[[services.adjust]]` entry (a change to existing services)", len_max: 1_000 }),
    ],
};

/// A train service's frequency and maximum speed: the ranges of services.csv's columns.
const SVC_PER_DAY: TKind = TKind::Num { min: 0.01, max: 500.0, unit: "trains a day" };
const SVC_KMH: TKind = TKind::Num { min: 40.0, max: 450.0, unit: "km/h" };

/// The keys of a `[[services.add]]` entry of a scenario ([`crate::services::NewService`]).
const SERVICE_ADD: &[Key] = &[
    k("id", NAME),
    k("class", NAME),
    o("max_kmh", SVC_KMH),
    k("trains_per_day", SVC_PER_DAY),
    k("route", TKind::StrList { len_min: 2, len_max: 1_000 }),
    o("stops", TKind::StrList { len_min: 2, len_max: 1_000 }),
    o("both_directions", TKind::Bool),
    k("source", NAME),
];

/// The keys of a `[[services.adjust]]` entry of a scenario ([`crate::services::Adjust`]).
const SERVICE_ADJUST: &[Key] = &[
    k("services", TKind::StrList { len_min: 1, len_max: 10_000 }),
    o("trains_per_day", SVC_PER_DAY),
    o("max_kmh", SVC_KMH),
    o("add_stops", TKind::StrList { len_min: 0, len_max: 1_000 }),
    o("remove_stops", TKind::StrList { len_min: 0, len_max: 1_000 }),
    k("source", NAME),
];

/// Projects an orders file may order: the sets are 64-bit masks, and the order search is bounded by
/// `search.exact_max` and the memory estimate.
pub const ORDERS_TOML: TomlSchema = TomlSchema {
    what: "an orders file (ringsim order)",
    keys: &[
        k("format", TKind::Int { min: 1, max: 1 }),
        k("name", NAME),
        o("description", TEXT),
        k("base", NAME),
        k("projects", TKind::StrList { len_min: 1, len_max: 60 }),
        o("metric.kind", NAME),
        o("metric.measure", NAME),
        o("metric.cutoff", CUT_MIN),
        o("metric.cutoffs", TKind::NumList { min: 0.5, max: 10_080.0, len_min: 1, len_max: 20, unit: "minutes" }),
        o("metric.weights", TKind::NumList { min: 0.0, max: 1e6, len_min: 1, len_max: 20, unit: "" }),
        o("metric.cap", CUT_MIN),
        o("precedence.derive", TKind::Bool),
        o("precedence.rules", TKind::Any),
        o("axis.x", NAME),
        o("axis.discount", TKind::Num { min: 0.0, max: 0.99, unit: "per x unit" }),
        o("durations.*", TKind::Num { min: 0.01, max: 100.0, unit: "years" }),
        o("costs.*", TKind::Num { min: 1e-6, max: 1e9, unit: "" }),
        o("orders.*", TKind::Any),
        o("search.exact_max", TKind::Int { min: 0, max: 24 }),
        o("search.shapley_exact_max", TKind::Int { min: 0, max: 22 }),
        o("search.shapley_samples", TKind::Int { min: 1, max: 1_000_000 }),
        o("search.beam_width", TKind::Int { min: 1, max: 10_000 }),
        o("search.seed", TKind::Int { min: 0, max: i64::MAX }),
    ],
};
