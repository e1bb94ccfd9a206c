//! `ringsim indicators`: WATT, daily and potential accessibility, and their choropleth map.

use crate::error::{Error, Result};
use crate::rings::fmt_cutoff;
use crate::scenario::Bound;

use super::{load, measure_or, stage_or_print};
use crate::table::Batch;
use std::path::Path;

/// Options of `ringsim indicators`.
pub struct IndicatorArgs<'a> {
    pub scenario: &'a Path,
    pub compare: Option<&'a Path>,
    pub nodes: &'a str,
    pub measure: Option<&'a str>,
    pub alpha: f64,
    pub daily: Vec<f64>,
    pub out: Option<&'a Path>,
    /// Draw a choropleth of one indicator (PNG or SVG).
    pub map: Option<&'a Path>,
    /// Which indicator the map shows: watt, daily_<T> or potential.
    pub show: &'a str,
}

/// `ringsim indicators`: WATT, daily and potential accessibility per city or county, optionally against a second
/// scenario.
pub fn indicators(a: &IndicatorArgs) -> Result<String> {
    let set = crate::matrix::NodeSet::parse(a.nodes)?;
    let mut paths = vec![a.scenario.to_path_buf()];
    if let Some(c) = a.compare {
        paths.push(c.to_path_buf());
    }
    let loaded = load(&paths)?;
    let bound = loaded.bind_all()?;
    if bound.len() == 2 && !std::ptr::eq(bound[0].net, bound[1].net) {
        return Err(Error::Usage(format!("'{}' and '{}' use different networks; indicators compare scenarios of one network", bound[0].sc.name, bound[1].sc.name)));
    }
    let cfg = crate::indicators::Config::new(measure_or(a.measure, &bound[0])?, a.alpha, a.daily.clone())?;
    // the map's options are checked before any work, so that a wrong one leaves no file behind
    if let Some(path) = a.map {
        crate::plot::Format::of_option("--map", path)?;
        check_show(a.show, &cfg)?;
    }
    let results: Vec<Vec<crate::indicators::Indicators>> = bound
        .iter()
        .map(|b| crate::indicators::compute(b.net, &super::build_graph(b)?, set, &cfg))
        .collect::<Result<_>>()?;
    // a node that reaches no other unit has no value (empty watt_min, zeros beside it): said, not silent
    for (b, res) in bound.iter().zip(&results) {
        let none: Vec<&str> = res.iter().filter(|i| i.watt.is_none()).map(|i| i.name.as_str()).collect();
        if !none.is_empty() {
            let why = if cfg.measure == crate::scenario::Measure::Station {
                "; the station measure starts at a node's own open stations (a city's in cities.csv, a county's in its unit), which these lack on the scenario's date: --measure door gives them values"
            } else {
                ""
            };
            let mut names = none.iter().take(8).copied().collect::<Vec<_>>().join(", ");
            if none.len() > 8 {
                names.push_str(&format!(" and {} more", none.len() - 8));
            }
            crate::note!(
                "note: {}: {} of {} {} reach no other unit by the {} measure ({}): their watt_min is empty and the zeros beside it mean no value, not nobody{why}",
                b.sc.name,
                none.len(),
                res.len(),
                a.nodes,
                cfg.measure.as_str(),
                names
            );
        }
    }
    let bytes = crate::indicators::csv(&cfg, &results[0], results.get(1).map(|v| v.as_slice()));
    // the table and the map are written together: both or neither
    let mut batch = Batch::new();
    let mut text = if a.out.is_some() || a.map.is_none() { stage_or_print(&mut batch, a.out, bytes, &format!("indicators of {} {}", results[0].len(), a.nodes))? } else { String::new() };
    if let Some(path) = a.map {
        text.push_str(&indicator_map(a, &bound, &cfg, set, &results, path, &mut batch)?);
    }
    batch.commit()?;
    Ok(text)
}

/// The daily-accessibility columns' names, `daily_<minutes>`, one per threshold.
fn daily_names(cfg: &crate::indicators::Config) -> Vec<String> {
    cfg.daily.iter().map(|d| format!("daily_{}", fmt_cutoff(*d))).collect()
}

/// Refuses a `--show` that names no indicator of the table.
fn check_show(show: &str, cfg: &crate::indicators::Config) -> Result<()> {
    let names = daily_names(cfg);
    if show != "watt" && show != "potential" && !names.iter().any(|d| d == show) {
        return Err(Error::Usage(format!("--show '{show}': choose watt, potential or one of {}", names.join(", "))));
    }
    Ok(())
}

/// The choropleth of `ringsim indicators --map`: counties on the basemap's census units, cities on their
/// prefectures, in five quantile classes; with `--compare`, the change towards the second scenario.
fn indicator_map(a: &IndicatorArgs, bound: &[Bound], cfg: &crate::indicators::Config, set: crate::matrix::NodeSet, results: &[Vec<crate::indicators::Indicators>], path: &Path, batch: &mut Batch) -> Result<String> {
    use crate::map::{Band, Basemap, MapFigure};
    use plotters::style::RGBColor;
    let b = &bound[0];
    let daily_names = daily_names(cfg);
    let pick = |r: &crate::indicators::Indicators| -> Option<f64> {
        match a.show {
            "watt" => r.watt.map(|w| w.0),
            // an origin that reaches no other unit (under the station measure: one without a station) has no
            // value, not "0 people"
            "potential" => r.watt.map(|_| r.potential),
            s => r.watt.and_then(|_| daily_names.iter().position(|d| d == s).map(|k| r.daily[k] as f64 / 1e6)),
        }
    };
    // lower WATT is better; with a comparison the map shows the improvement (this − other for WATT).
    let values: Vec<Option<f64>> = match results.get(1) {
        None => results[0].iter().map(pick).collect(),
        Some(o) => results[0]
            .iter()
            .zip(o)
            .map(|(x, y)| match (pick(x), pick(y)) {
                (Some(p), Some(q)) => Some(if a.show == "watt" { p - q } else { q - p }),
                _ => None,
            })
            .collect(),
    };
    let unit = match a.show {
        "watt" => "min",
        "potential" => "",
        _ => "M people",
    };
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_by(|x, y| x.partial_cmp(y).unwrap());
    if sorted.is_empty() {
        return Err(Error::Usage("no origin has a value to map (under the station measure, origins without a station have none)".into()));
    }
    let q = |f: f64| sorted[((sorted.len() - 1) as f64 * f).round() as usize];
    let breaks: Vec<f64> = (1..5).map(|k| q(k as f64 / 5.0)).collect();
    // Higher is better for every mapped quantity except plain WATT: darker = better (ColorBrewer YlGnBu).
    let palette = [RGBColor(255, 255, 204), RGBColor(161, 218, 180), RGBColor(65, 182, 196), RGBColor(44, 127, 184), RGBColor(37, 52, 148)];
    let worse_high = a.show == "watt" && results.len() == 1;
    let class = |v: f64| breaks.iter().position(|&x| v <= x).unwrap_or(4);
    let colour = |k: usize| if worse_high { palette[4 - k] } else { palette[k] };
    let (basemap, have) = Basemap::read(&b.sc.network_dir)?;
    let layer = if set == crate::matrix::NodeSet::Counties { &basemap.units } else { &basemap.prefectures };
    if !have || layer.is_empty() {
        return Err(Error::Usage(format!("{}: no basemap layer for {}; run tools/derive/basemap.py for this network", b.sc.network_dir.join("basemap").display(), a.nodes)));
    }
    let mut fills = Vec::new();
    let mut counts = [0usize; 6];
    let mut no_polygon = Vec::new();
    for (r, v) in results[0].iter().zip(&values) {
        let Some(f) = layer.iter().find(|f| f.code == r.id) else {
            no_polygon.push(r.name.clone());
            continue;
        };
        let c = match v {
            Some(v) => {
                counts[class(*v)] += 1;
                colour(class(*v))
            }
            None => {
                counts[5] += 1;
                RGBColor(200, 200, 200)
            }
        };
        for p in &f.polygons {
            fills.push((p.clone(), c));
        }
    }
    let lo = sorted[0];
    let hi = *sorted.last().unwrap();
    let mut bands = Vec::new();
    for k in 0..5 {
        let from = if k == 0 { lo } else { breaks[k - 1] };
        let to = if k == 4 { hi } else { breaks[k] };
        bands.push(Band { polygons: Vec::new(), colour: colour(k), label: format!("{from:.1} – {to:.1} {unit}  ({} {})", counts[k], a.nodes) });
    }
    if counts[5] > 0 {
        let why = if cfg.measure == crate::scenario::Measure::Station { "no station: reaches no other unit by rail" } else { "reaches no other unit" };
        bands.push(Band { polygons: Vec::new(), colour: RGBColor(200, 200, 200), label: format!("无值 no value, {why} ({} {})", counts[5], a.nodes) });
    }
    let what = match a.show {
        "watt" => "weighted average travel time (WATT)".to_string(),
        "potential" => format!("potential accessibility (α = {})", cfg.alpha),
        s => format!("population within {} min", s.trim_start_matches("daily_")),
    };
    let title = match bound.get(1) {
        None => format!("可达性 {what}, {}", super::maps::network_wording(b)),
        Some(o) => format!("可达性变化 change in {what} ({}): {} → {}", if a.show == "watt" { "minutes saved" } else { "gain" }, super::maps::network_wording(b), super::maps::network_wording(o)),
    };
    let subtitle = format!("per {} · destinations: the region's census units weighted by 2020 population · {} measure · classes are quintiles", if set == crate::matrix::NodeSet::Counties { "county-level unit" } else { "plan city (its prefecture)" }, cfg.measure.as_str());
    let (proj, rect) = crate::surface::region_frame(b.net, 30.0);
    // the network drawn is the one the values end in: the compared (later) scenario's on a change map
    let shown = bound.get(1).unwrap_or(b);
    let labels: Vec<crate::map::CityMark> = b
        .net
        .cities
        .iter()
        .map(|c| {
            let seat = &b.net.places[c.seat.i()];
            crate::map::CityMark { name: c.name.trim_end_matches('市').to_string(), lon: seat.lon, lat: seat.lat, colour: RGBColor(255, 255, 255) }
        })
        .collect();
    let mut fig = MapFigure::over(shown, proj, rect, bands, labels, basemap, title, subtitle, "五分位 quintile classes".into());
    fig.fills = fills;
    fig.source = super::maps::source_line(b);
    batch.file("--map", path, &crate::plot::encode(&fig, path)?)?;
    let mut t = format!("wrote {}\n", path.display());
    if lo == hi {
        t.push_str(&format!("  NOTE: every mapped {} has the same value ({lo:.1}{}): the map cannot tell them apart\n", a.nodes, if unit.is_empty() { String::new() } else { format!(" {unit}") }));
    }
    if counts[5] > 0 {
        t.push_str(&format!("  note: {} {} have no value (grey): they reach no other unit under the {} measure\n", counts[5], a.nodes, cfg.measure.as_str()));
    }
    if !no_polygon.is_empty() {
        t.push_str(&format!("  note: {} {} have no polygon in the basemap and are not drawn: {}\n", no_polygon.len(), a.nodes, no_polygon.join(" ")));
    }
    Ok(t)
}
