//! Do the plan cities land in the ring of their fastest scheduled time? (`ringsim validate --rings-from 郑州东`)
//!
//! Issue 11 asks that every plan city other than the origin land in the ring (the band between two cutoffs) of its
//! fastest scheduled time from the origin's main station. This module checks that against an observed file of
//! station pairs (`networks/zhongyuan/observed/timetable-2021.csv`, the January 2021 departure boards).
//!
//! **The city's fastest scheduled time** from a station F is the minimum, over the city's stations (the `stations`
//! of `cities.csv`, the same stations `run` measures the city by) that are open in the scenario, of the observed
//! time F→station: the fastest single train, dwell at intermediate stops included. The station where the minimum
//! is reached is the city's *scheduled station*. County stations of the city's 12306 prefecture are not the city's
//! own stations, as in `run`: on the 2021 boards the only one with a train from 郑州东 is 宋城路 (开封, 32 min),
//! slower than 开封北 (20 min). Stations of the file that the network lacks (商丘南 and 蚌埠 in the 2021 file) cannot
//! be given a city and are not used; neither has a train from 郑州东 there.
//!
//! The boards only show stations that have a board of their own, so many cities cannot be checked. Every city is
//! listed, with a status:
//! - `agrees`: the model's time from F to the city (the station measure as `run` measures a city — the fastest of
//!   rail to its stations and, from any station, on by road to its seat — but from F alone) falls in the same
//!   band as its fastest scheduled time from F. That is the definition, like for like with the boards: the ring of the city's time from
//!   F, both sides from the same station;
//! - `disagrees`: it does not (both minutes are given);
//! - `uncheckable`: no open station of the city has a train from F in the file, with the reason per station:
//!   "no board at X" (X is in no row of the file: for the derived 2021 file the stations in its rows are exactly
//!   the study-area stations with a board, 39 of them), "no train F→X on the boards" (X has a board but no common
//!   train with F), or that the city has no station open on the scenario's date.
//!
//! When some open station of a checkable city has no board, its scheduled time is an upper bound (a train to
//! the station without a board could be faster): the note says so.
//!
//! Beside it are given the model's station-measure time F→scheduled station and its band (`station_agrees`), and
//! the city's time as `run` reports it: `run` starts from every open station of the origin city (郑州西 and
//! 郑州航空港 as well as 郑州东), so a city can be in a nearer ring of `run` than of F (洛阳 from 郑州西); the note
//! says where `run`'s time starts. A scenario whose `origin_stations` is F alone makes the two the same. All times come from the one measure engine ([`crate::rings`], through
//! [`crate::od::times_measured`] and [`crate::rings::Reach`]); nothing here searches a graph.

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::network::{CityIx, Network, StationIx};
use crate::od::{resolve_station_first, Endpoint};
use crate::report::band_label;
use crate::rings::{band_index, fmt_cutoff, Reach};
use crate::scenario::{Bound, Measure};
use crate::table::{CsvOut, Table};
use crate::units::{Minutes, Seconds};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// An observed fastest time between two stations.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled {
    pub minutes: f64,
    pub train: String,
}

impl Scheduled {
    pub fn seconds(&self) -> Seconds {
        Minutes(self.minutes).seconds()
    }
}

/// The station pairs of an observed file resolved to the network's stations, and the stations that appear in it
/// (taken to be the stations with a board).
pub struct Boards {
    pub pairs: BTreeMap<(StationIx, StationIx), Scheduled>,
    pub with_board: BTreeSet<StationIx>,
    /// The file's name, for messages.
    pub file: String,
}

/// Reads an observed file (`from,to,minutes[,train_code]`, the schema of `--observed`). Names that are not
/// stations of the network are skipped (`validate` lists them as unmatched); a repeated pair keeps its fastest time.
pub fn read_boards(net: &Network, path: &Path) -> Result<Boards> {
    let t = Table::read_schema(path, &crate::schema::OBSERVED)?;
    let mut pairs: BTreeMap<(StationIx, StationIx), Scheduled> = BTreeMap::new();
    let mut with_board = BTreeSet::new();
    let station = |k: &str| match resolve_station_first(net, k) {
        Ok(Endpoint::Station(s)) => Some(s),
        _ => None,
    };
    for r in t.rows() {
        let (f, to) = (station(r.req("from")?), station(r.req("to")?));
        let minutes = r.positive("minutes")?;
        with_board.extend(f);
        with_board.extend(to);
        if let (Some(a), Some(b)) = (f, to) {
            let s = Scheduled { minutes, train: r.get("train_code").to_string() };
            match pairs.get(&(a, b)) {
                Some(old) if old.minutes <= minutes => {}
                _ => {
                    pairs.insert((a, b), s);
                }
            }
        }
    }
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    Ok(Boards { pairs, with_board, file })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Disagrees,
    Agrees,
    Uncheckable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Agrees => "agrees",
            Status::Disagrees => "disagrees",
            Status::Uncheckable => "uncheckable",
        }
    }
}

/// Why a city cannot be checked (one kind per city, the most telling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Uncheckable {
    /// No station of the city is open on the scenario's date.
    NoOpenStation,
    /// None of the city's open stations has a board.
    NoBoard,
    /// Some have a board, but no train from the station on the boards goes there.
    NoTrain,
}

impl Uncheckable {
    pub fn as_str(self) -> &'static str {
        match self {
            Uncheckable::NoOpenStation => "no station open",
            Uncheckable::NoBoard => "no board at any open station",
            Uncheckable::NoTrain => "no train from the origin station to a station with a board",
        }
    }
}

/// One plan city's check.
#[derive(Clone, Debug)]
pub struct CityCheck {
    pub city: CityIx,
    /// The city's scheduled station and its fastest scheduled time from the origin station.
    pub scheduled: Option<(StationIx, Scheduled)>,
    /// The model's station-measure time from the origin station to the scheduled station.
    pub model_station: Option<Seconds>,
    /// The city's time as `run` reports it (scenario origin and measure).
    pub city_time: Option<Seconds>,
    /// Under the station measure: the origin city's station `run`'s time starts from (the origin station itself
    /// when it is as fast), and the model's city time from the origin station alone.
    pub city_time_from: Option<StationIx>,
    pub city_time_from_origin_station: Option<Seconds>,
    /// The fastest scheduled time from any station of the origin city with a board (e.g. 郑州 as well as 郑州东) to
    /// any open station of the city: (from, to, time). For information: `run` starts from every such station.
    pub scheduled_from_city: Option<(StationIx, StationIx, Scheduled)>,
    pub status: Status,
    pub why: Option<Uncheckable>,
    /// Reasons (uncheckable) or caveats (an upper bound), "; "-separated.
    pub note: String,
}

/// The result of the check for every plan city but the origin, in the network's city order.
pub struct RingCheck {
    pub scenario: String,
    pub as_of: String,
    pub measure: Measure,
    pub cutoffs: Vec<Minutes>,
    pub from: StationIx,
    pub from_name: String,
    pub origin_city: String,
    pub file: String,
    pub cities: Vec<CityCheck>,
}

/// Resolves `--rings-from`: a station (id or exact 12306 name) of the scenario's origin city, open in the scenario.
pub fn resolve_from(b: &Bound, g: &Graph, key: &str) -> Result<StationIx> {
    let s = crate::od::station_of_city(b.net, b.origin, key).map_err(|m| Error::Usage(format!("--rings-from {m}")))?;
    if !g.station_open[s.i()] {
        return Err(Error::Usage(format!("--rings-from '{key}': the station is not open on {} in scenario '{}'", b.sc.as_of, b.sc.name)));
    }
    Ok(s)
}

/// Checks every plan city but the origin against `boards` from station `from`.
pub fn check(b: &Bound, g: &Graph, boards: &Boards, from: StationIx) -> RingCheck {
    let net = b.net;
    let cutoffs = b.sc.cutoffs.clone();
    let reach = Reach::compute(b, g);
    let fname = &net.stations[from.i()].name;
    let mut cities = Vec::new();
    let mut model_pairs = Vec::new();
    let origin_open: Vec<StationIx> = net.cities[b.origin.i()].stations.iter().copied().filter(|s| g.station_open[s.i()]).collect();
    for (ci, c) in net.cities.iter().enumerate() {
        if ci == b.origin.i() {
            continue;
        }
        let open: Vec<StationIx> = c.stations.iter().copied().filter(|s| g.station_open[s.i()]).collect();
        let mut best: Option<(StationIx, Scheduled)> = None;
        let (mut no_board, mut no_train) = (Vec::new(), Vec::new());
        for &s in &open {
            if s == from {
                continue;
            }
            match boards.pairs.get(&(from, s)) {
                Some(t) => {
                    if best.as_ref().is_none_or(|(_, b)| t.minutes < b.minutes) {
                        best = Some((s, t.clone()));
                    }
                }
                None if boards.with_board.contains(&s) => no_train.push(net.stations[s.i()].name.clone()),
                None => no_board.push(net.stations[s.i()].name.clone()),
            }
        }
        let closed: Vec<String> = c.stations.iter().filter(|s| !g.station_open[s.i()]).map(|s| net.stations[s.i()].name.clone()).collect();
        let mut note = Vec::new();
        let why = if best.is_some() {
            if !no_board.is_empty() {
                note.push(format!("an upper bound: no board at {} (a train there could be faster)", no_board.join(", ")));
            }
            None
        } else if open.is_empty() {
            note.push(if closed.is_empty() {
                "the city has no station in the network".to_string()
            } else {
                format!("no station of the city is open on {} ({} not yet)", b.sc.as_of, closed.join(", "))
            });
            Some(Uncheckable::NoOpenStation)
        } else {
            if !no_board.is_empty() {
                note.push(format!("no board at {}", no_board.join(", ")));
            }
            if !no_train.is_empty() {
                note.push(format!("no train {fname}→{} on the boards", no_train.join("/")));
            }
            Some(if no_train.is_empty() { Uncheckable::NoBoard } else { Uncheckable::NoTrain })
        };
        if let Some((s, _)) = &best {
            model_pairs.push((cities.len(), (Endpoint::Station(from), Endpoint::Station(*s))));
        }
        let mut from_city: Option<(StationIx, StationIx, Scheduled)> = None;
        for &o in &origin_open {
            for &s in &open {
                if let Some(t) = boards.pairs.get(&(o, s)) {
                    if from_city.as_ref().is_none_or(|x| t.minutes < x.2.minutes) {
                        from_city = Some((o, s, t.clone()));
                    }
                }
            }
        }
        let city_time = reach.cities[ci].get(b.sc.measure);
        cities.push(CityCheck {
            city: CityIx(ci as u32),
            scheduled: best,
            model_station: None,
            city_time,
            city_time_from: None,
            city_time_from_origin_station: None,
            scheduled_from_city: from_city,
            status: Status::Uncheckable,
            why,
            note: note.join("; "),
        });
    }
    let q: Vec<(Endpoint, Endpoint)> = model_pairs.iter().map(|p| p.1).collect();
    let times = crate::od::times_measured(net, g, &q, Some(Measure::Station));
    for ((i, _), (t, _)) in model_pairs.iter().zip(times) {
        cities[*i].model_station = t;
    }
    // the city's time from each open origin station alone, by the same engine: the one `run`'s time comes from
    // (the origin station first on a tie) and the time from the origin station
    let mut starts: Vec<StationIx> = b.origin_stations.iter().copied().filter(|s| g.station_open[s.i()]).collect();
    starts.sort_by_key(|s| (*s != from, s.0));
    if !starts.contains(&from) {
        starts.insert(0, from);
    }
    let q: Vec<(Endpoint, Endpoint)> =
        starts.iter().flat_map(|&o| cities.iter().map(move |c| (Endpoint::Station(o), Endpoint::City(c.city)))).collect();
    let times = crate::od::times_measured(net, g, &q, Some(Measure::Station));
    let n = cities.len();
    for (k, c) in cities.iter_mut().enumerate() {
        c.city_time_from_origin_station = times[k].0;
        if b.sc.measure == Measure::Station {
            // only the scenario's origin stations count: `run` does not start at the check station unless it is one
            c.city_time_from = starts
                .iter()
                .enumerate()
                .filter(|(j, s)| b.origin_stations.contains(s) && times[j * n + k].0.is_some() && times[j * n + k].0 == c.city_time)
                .map(|(_, s)| *s)
                .next();
        }
    }
    let band = |t: Option<Seconds>| t.map(|t| band_index(&cutoffs, t));
    for c in &mut cities {
        if let Some((_, s)) = &c.scheduled {
            c.status = if band(c.city_time_from_origin_station) == Some(band_index(&cutoffs, s.seconds())) { Status::Agrees } else { Status::Disagrees };
            if let Some(o) = c.city_time_from.filter(|&o| o != from) {
                let alone = c.city_time_from_origin_station.map(|t| format!("{} min, {}", t.minutes(), band_label(&cutoffs, Some(t)))).unwrap_or_else(|| "unreached".into());
                let run_time = c.city_time.map(|t| format!("{} min, {}", t.minutes(), band_label(&cutoffs, Some(t)))).unwrap_or_else(|| "unreached".into());
                let extra = format!("`run`'s time ({run_time}) starts at {}; from {fname} alone the model gives {alone}", net.stations[o.i()].name);
                c.note = if c.note.is_empty() { extra } else { format!("{}; {extra}", c.note) };
            }
        }
    }
    RingCheck {
        scenario: b.sc.name.clone(),
        as_of: b.sc.as_of.to_string(),
        measure: b.sc.measure,
        cutoffs,
        from,
        from_name: fname.clone(),
        origin_city: net.cities[b.origin.i()].name.clone(),
        file: boards.file.clone(),
        cities,
    }
}

fn mins(t: Option<Seconds>) -> String {
    t.map(|t| t.minutes().to_string()).unwrap_or_default()
}

impl CityCheck {
    /// Whether the model's time from the origin station to the scheduled station falls in the scheduled band.
    pub fn station_agrees(&self, cutoffs: &[Minutes]) -> Option<bool> {
        self.in_band(cutoffs, self.model_station)
    }

    /// Whether the city's time as `run` reports it (from every station of the origin city) falls in the scheduled
    /// band.
    pub fn run_agrees(&self, cutoffs: &[Minutes]) -> Option<bool> {
        self.in_band(cutoffs, self.city_time)
    }

    fn in_band(&self, cutoffs: &[Minutes], t: Option<Seconds>) -> Option<bool> {
        let (_, s) = self.scheduled.as_ref()?;
        Some(t.map(|t| band_index(cutoffs, t)) == Some(band_index(cutoffs, s.seconds())))
    }
}

impl RingCheck {
    fn band(&self, t: Option<Seconds>) -> String {
        band_label(&self.cutoffs, t)
    }

    /// Checkable cities first (disagreements, then agreements, by scheduled time), then the uncheckable ones by the
    /// city's model time; ties by city id.
    fn order(&self) -> Vec<&CityCheck> {
        let mut v: Vec<&CityCheck> = self.cities.iter().collect();
        v.sort_by_key(|c| (c.status, c.scheduled.as_ref().map(|s| s.1.seconds().0), c.city_time_from_origin_station.map_or(u32::MAX, |t| t.0), c.city.0));
        v
    }

    /// `plan_city_rings.csv`: one row per plan city but the origin, in the printed order.
    pub fn csv(&self, net: &Network) -> Vec<u8> {
        let mut w = CsvOut::new(&[
            "city_id",
            "city",
            "status",
            "from_station",
            "scheduled_station",
            "scheduled_minutes",
            "scheduled_train",
            "scheduled_band",
            "model_station_minutes",
            "model_station_band",
            "station_agrees",
            "city_minutes",
            "city_band",
            "city_starts_at",
            "city_minutes_from_station",
            "city_band_from_station",
            "scheduled_from_city_pair",
            "scheduled_from_city_minutes",
            "scheduled_from_city_train",
            "uncheckable_because",
            "note",
        ]);
        let from = &net.stations[self.from.i()].name;
        for c in self.order() {
            let city = &net.cities[c.city.i()];
            let (st, sm, tr, sb) = match &c.scheduled {
                Some((s, t)) => (net.stations[s.i()].name.clone(), format!("{}", t.minutes), t.train.clone(), self.band(Some(t.seconds()))),
                None => Default::default(),
            };
            let yes_no = |x: Option<bool>| match x {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let model_band = if c.scheduled.is_some() { self.band(c.model_station) } else { String::new() };
            w.row([
                city.id.clone(),
                city.name.clone(),
                c.status.as_str().to_string(),
                from.clone(),
                st,
                sm,
                tr,
                sb,
                mins(c.model_station),
                model_band,
                yes_no(c.station_agrees(&self.cutoffs)).to_string(),
                mins(c.city_time),
                self.band(c.city_time),
                c.city_time_from.map(|s| net.stations[s.i()].name.clone()).unwrap_or_default(),
                mins(c.city_time_from_origin_station),
                self.band(c.city_time_from_origin_station),
                c.scheduled_from_city.as_ref().map(|(a, z, _)| format!("{}→{}", net.stations[a.i()].name, net.stations[z.i()].name)).unwrap_or_default(),
                c.scheduled_from_city.as_ref().map(|x| x.2.minutes.to_string()).unwrap_or_default(),
                c.scheduled_from_city.as_ref().map(|x| x.2.train.clone()).unwrap_or_default(),
                c.why.map(|w| w.as_str()).unwrap_or("").to_string(),
                c.note.clone(),
            ]);
        }
        w.into_bytes()
    }

    /// The summary line: "N of C checkable cities land in their scheduled band; M cannot be checked (…)".
    pub fn summary(&self) -> String {
        let checkable: Vec<&CityCheck> = self.cities.iter().filter(|c| c.status != Status::Uncheckable).collect();
        let agree = checkable.iter().filter(|c| c.status == Status::Agrees).count();
        let station_agree = checkable.iter().filter(|c| c.station_agrees(&self.cutoffs) == Some(true)).count();
        let run_agree = checkable.iter().filter(|c| c.run_agrees(&self.cutoffs) == Some(true)).count();
        let from = &self.from_name;
        let mut why: BTreeMap<Uncheckable, usize> = BTreeMap::new();
        for c in &self.cities {
            if let Some(w) = c.why {
                *why.entry(w).or_default() += 1;
            }
        }
        let n_un = self.cities.len() - checkable.len();
        let reasons: Vec<String> = why.iter().map(|(w, n)| format!("{n} {}", w.as_str())).collect();
        format!(
            "{agree} of {} checkable cities land in the band of their fastest scheduled time from {from} ({station_agree} by the model's time to the same station, {run_agree} by `run`'s time from every station of {}); {n_un} of {} cannot be checked from {} ({})",
            checkable.len(),
            self.origin_city,
            self.cities.len(),
            self.file,
            reasons.join(", ")
        )
    }

    /// The printed report: a heading, a Markdown table (one row per city, pasteable into the README) and the summary.
    pub fn text(&self, net: &Network) -> String {
        let from = &net.stations[self.from.i()].name;
        let cut: Vec<String> = self.cutoffs.iter().map(|c| fmt_cutoff(*c)).collect();
        let mut t = format!(
            "== plan cities against the band of their fastest scheduled time from {from} ({}; scenario {}, as of {}, {} measure, cutoffs {} min) ==\n",
            self.file,
            self.scenario,
            self.as_of,
            self.measure.as_str(),
            cut.join("/")
        );
        t.push_str(&format!(
            "| city | fastest scheduled from {from} | band | model {from} → city | band | status | model {from} → that station | model city time (`run`, from every station of {}) | note |\n",
            self.origin_city
        ));
        t.push_str("|---|---|---|---|---|---|---|---|---|\n");
        let with_band = |t: Option<Seconds>| t.map(|t| format!("{} min ({})", t.minutes(), self.band(Some(t)))).unwrap_or_else(|| "unreached".into());
        for c in self.order() {
            let city = &net.cities[c.city.i()];
            let (sched, sband, mst) = match &c.scheduled {
                Some((s, tt)) => (format!("{} min to {} ({})", tt.minutes, net.stations[s.i()].name, tt.train), self.band(Some(tt.seconds())), with_band(c.model_station)),
                None => ("—".into(), String::new(), String::new()),
            };
            let status = match c.status {
                Status::Disagrees => "**disagrees**",
                s => s.as_str(),
            };
            t.push_str(&format!(
                "| {} | {sched} | {sband} | {} | {} | {status} | {mst} | {} | {} |\n",
                city.name,
                c.city_time_from_origin_station.map(|t| format!("{} min", t.minutes())).unwrap_or_else(|| "unreached".into()),
                self.band(c.city_time_from_origin_station),
                with_band(c.city_time),
                c.note
            ));
        }
        t.push_str(&self.summary());
        t.push('\n');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut() -> Vec<Minutes> {
        vec![Minutes(30.0), Minutes(60.0), Minutes(90.0)]
    }

    #[test]
    fn a_time_equal_to_a_cutoff_is_within_it() {
        let c = cut();
        assert_eq!(band_index(&c, Seconds(0)), 0);
        assert_eq!(band_index(&c, Seconds(1800)), 0, "30.0 min is within 30");
        assert_eq!(band_index(&c, Seconds(1801)), 1, "30 min 1 s is not");
        assert_eq!(band_index(&c, Seconds(3600)), 1);
        assert_eq!(band_index(&c, Seconds(3601)), 2);
        assert_eq!(band_index(&c, Seconds(5400)), 2, "90.0 min is within 90");
        assert_eq!(band_index(&c, Seconds(5401)), 3, "beyond the last cutoff");
        assert_eq!(band_index(&c, Seconds(u32::MAX)), 3);
    }

    #[test]
    fn observed_whole_minutes_at_the_boundary() {
        let c = cut();
        let s = |m: f64| Scheduled { minutes: m, train: "G1".into() }.seconds();
        assert_eq!(band_index(&c, s(30.0)), 0);
        assert_eq!(band_index(&c, s(31.0)), 1);
        assert_eq!(band_index(&c, s(60.0)), 1);
        assert_eq!(band_index(&c, s(90.0)), 2);
        assert_eq!(band_index(&c, s(91.0)), 3);
    }

    #[test]
    fn same_rule_as_the_bands_and_rings_run_prints() {
        let c = cut();
        let labels = ["0–30 min", "30–60 min", "60–90 min", "over 90 min"];
        let reach = Reach { measure: Measure::Station, origin: CityIx(0), cutoffs: c.clone(), places: vec![], stations: vec![], cities: vec![] };
        for secs in [0u32, 1799, 1800, 1801, 3599, 3600, 3601, 5399, 5400, 5401, 100_000] {
            let k = band_index(&c, Seconds(secs));
            assert_eq!(band_label(&c, Some(Seconds(secs))), labels[k], "{secs} s");
            assert_eq!(reach.ring_of(Some(Seconds(secs))), if k < c.len() { Some(k) } else { None }, "{secs} s: the ring `run` gives");
        }
    }

    #[test]
    fn odd_cutoffs() {
        let c = vec![Minutes(45.0), Minutes(120.0)];
        assert_eq!(band_index(&c, Seconds(2700)), 0);
        assert_eq!(band_index(&c, Seconds(2701)), 1);
        assert_eq!(band_index(&c, Seconds(7200)), 1);
        assert_eq!(band_index(&c, Seconds(7201)), 2);
        assert_eq!(band_index(&[], Seconds(1)), 0, "no cutoffs: everything is beyond");
    }
}
