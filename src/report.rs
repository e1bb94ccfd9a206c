//! Stage 6 of the pipeline: results → files and text. `reach.csv` (every place and station), `cities.csv` (the
//! plan cities), `rings.csv` (one row per cutoff) and the printed summary. All numbers are formatted the same way
//! on every machine (minutes with one decimal, areas with one decimal), so outputs compare byte for byte.

use crate::network::Network;
use crate::rings::{fmt_cutoff, Reach, RingSummary};
use crate::scenario::{Bound, Measure};
use crate::table::CsvOut;
use crate::units::{Minutes, Seconds};
use std::fmt::Write;

fn mins(t: Option<Seconds>) -> String {
    t.map(|t| t.minutes().to_string()).unwrap_or_default()
}

/// The label of a cumulative ring: "within 60 min" (everything up to the cutoff, the inner rings included).
pub fn within_label(c: Minutes) -> String {
    format!("within {} min", fmt_cutoff(c))
}

/// The label of the band a time falls in, between two cutoffs: "0–30 min", "30–60 min", "over 90 min", or
/// "unreached".
pub fn band_label(cutoffs: &[Minutes], t: Option<Seconds>) -> String {
    let Some(t) = t else { return "unreached".into() };
    match crate::rings::band_index(cutoffs, t) {
        k if k == cutoffs.len() => format!("over {} min", fmt_cutoff(*cutoffs.last().expect("at least one cutoff"))),
        0 => format!("0–{} min", fmt_cutoff(cutoffs[0])),
        k => format!("{}–{} min", fmt_cutoff(cutoffs[k - 1]), fmt_cutoff(cutoffs[k])),
    }
}

/// "1 city", "2 cities": a count with its noun, singular or plural.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Excel on Chinese Windows reads a CSV as the system code page unless it starts with a UTF-8 byte-order mark;
/// `--bom` (or RINGSIM_CSV_BOM=1) writes one before every CSV.
static BOM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_csv_bom(on: bool) {
    BOM.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub fn csv_bom() -> bool {
    BOM.load(std::sync::atomic::Ordering::Relaxed) || std::env::var_os("RINGSIM_CSV_BOM").is_some_and(|v| v == "1")
}

pub fn reach_csv(net: &Network, r: &Reach) -> Vec<u8> {
    let mut w = CsvOut::new(&["node_id", "name", "kind", "prefecture", "population", "minutes", "ring", "mode", "station_minutes", "door_minutes", "band", "lon", "lat"]);
    for (p, t) in net.places.iter().zip(&r.places) {
        let m = t.get(r.measure);
        w.row([
            p.id.as_str(),
            &p.name,
            p.kind.as_str(),
            &p.prefecture,
            &p.population.to_string(),
            &mins(m),
            &r.ring_label(m),
            t.mode(r.measure),
            &mins(t.station),
            &mins(t.door),
            &band_label(&r.cutoffs, m),
            &format!("{:.5}", p.lon),
            &format!("{:.5}", p.lat),
        ]);
    }
    for (s, t) in net.stations.iter().zip(&r.stations) {
        let m = t.get(r.measure);
        let p = &net.places[s.place.i()];
        w.row([s.id.as_str(), &s.name, "station", &p.prefecture, "", &mins(m), &r.ring_label(m), t.mode(r.measure), &mins(t.station), &mins(t.door), &band_label(&r.cutoffs, m), &format!("{:.5}", s.lon), &format!("{:.5}", s.lat)]);
    }
    w.into_bytes()
}

pub fn cities_csv(net: &Network, r: &Reach) -> Vec<u8> {
    let mut w = CsvOut::new(&["city_id", "name", "role", "minutes", "ring", "mode", "station_minutes", "door_minutes", "station_mode", "door_mode", "band"]);
    for (c, t) in net.cities.iter().zip(&r.cities) {
        let m = t.get(r.measure);
        w.row([c.id.as_str(), &c.name, &c.role, &mins(m), &r.ring_label(m), t.mode(r.measure), &mins(t.station), &mins(t.door), &t.station_mode, &t.door_mode, &band_label(&r.cutoffs, m)]);
    }
    w.into_bytes()
}

pub fn rings_csv(rings: &[RingSummary]) -> Vec<u8> {
    // cumulative: each row counts everything within its cutoff, the inner rings included
    let mut w = CsvOut::new(&["cutoff_min", "ring", "cities", "counties", "population", "area_km2", "city_names"]);
    for s in rings {
        w.row([fmt_cutoff(s.cutoff), within_label(s.cutoff), s.cities.len().to_string(), s.counties.to_string(), s.population.to_string(), format!("{:.1}", s.area_km2), s.cities.join(";")]);
    }
    w.into_bytes()
}

/// The readable summary printed by `ringsim run`: the other plan cities by ring, and population per ring.
pub fn summary(b: &Bound, r: &Reach, rings: &[RingSummary]) -> String {
    let net = b.net;
    let mut s = String::new();
    let origin = &net.cities[r.origin.i()];
    let _ = writeln!(
        s,
        "== {} (network {}, as of {}, origin {}, measure {}) ==",
        b.sc.name,
        net.name,
        b.sc.as_of,
        origin.name,
        r.measure.as_str()
    );
    let mut order: Vec<usize> = (0..net.cities.len()).filter(|&i| i != r.origin.i()).collect();
    order.sort_by_key(|&i| (r.cities[i].get(r.measure).map_or(u32::MAX, |t| t.0), net.cities[i].id.clone()));
    let mut bands: Vec<String> = r.cutoffs.iter().map(|c| band_label(&r.cutoffs, Some(c.seconds()))).collect();
    bands.push(format!("over {} min", fmt_cutoff(*r.cutoffs.last().unwrap())));
    let _ = writeln!(s, "  plan cities by band (between two cutoffs):");
    for (bi, band) in bands.iter().enumerate() {
        let names: Vec<String> = order
            .iter()
            .filter(|&&i| {
                let ring = r.ring_of(r.cities[i].get(r.measure));
                match ring {
                    Some(k) => k == bi,
                    None => bi == r.cutoffs.len(),
                }
            })
            .map(|&i| match r.cities[i].get(r.measure) {
                Some(t) => format!("{} {}", net.cities[i].name, t.minutes()),
                None => format!("{} unreachable", net.cities[i].name),
            })
            .collect();
        let _ = writeln!(s, "  {:>13}  {:>9}: {}", band, count(names.len(), "city", "cities"), names.join(", "));
    }
    let total = net.region_population();
    let _ = writeln!(s, "  rings (cumulative: each includes the inner ones):");
    for ring in rings {
        let _ = writeln!(
            s,
            "  {:>14}: {:>15}, {:>23}, {:>11} people ({:.1}% of {}), {:.0} km²",
            within_label(ring.cutoff),
            count(ring.cities.len(), "plan city", "plan cities"),
            count(ring.counties, "county/district", "counties/districts"),
            ring.population,
            100.0 * ring.population as f64 / total.max(1) as f64,
            total,
            ring.area_km2
        );
    }
    if r.measure == Measure::Station && origin.stations.is_empty() {
        let _ = writeln!(s, "  note: the origin city has no station; the station measure is empty");
    }
    s
}
