//! `ringsim plot`: the isochrone map of a scenario, or the minutes saved against another, and the bands as GeoJSON.

use crate::error::{Error, Result};
use crate::rings::{fmt_cutoff, Reach};
use crate::scenario::Bound;
use crate::scenario::Measure;
use crate::table::Batch;
use super::{load, measure_or};
use std::path::Path;

/// Options of `ringsim plot`.
pub struct PlotArgs<'a> {
    pub scenario: &'a Path,
    pub out: &'a Path,
    pub measure: Option<&'a str>,
    pub diff: Option<&'a Path>,
    pub geojson: Option<&'a Path>,
    pub cell_km: f64,
}

/// Sequential fills for ring bands, fastest first (ColorBrewer YlGnBu, Brewer 2003), and light grey beyond the
/// last cutoff.
const RING_FILLS: [plotters::style::RGBColor; 6] = [
    plotters::style::RGBColor(37, 52, 148),
    plotters::style::RGBColor(44, 127, 184),
    plotters::style::RGBColor(65, 182, 196),
    plotters::style::RGBColor(127, 205, 187),
    plotters::style::RGBColor(199, 233, 180),
    plotters::style::RGBColor(237, 248, 177),
];
const BEYOND_FILL: plotters::style::RGBColor = plotters::style::RGBColor(236, 236, 236);
/// Fills for minutes saved, most first (ColorBrewer Purples), and the saving bands of a difference map.
const SAVED_FILLS: [plotters::style::RGBColor; 5] = [
    plotters::style::RGBColor(84, 39, 143),
    plotters::style::RGBColor(117, 107, 177),
    plotters::style::RGBColor(158, 154, 200),
    plotters::style::RGBColor(203, 201, 226),
    plotters::style::RGBColor(242, 240, 247),
];
/// A value beyond every saving in seconds: ±NEWLY bound the newly reached and the unreached bands of a
/// difference map.
const NEWLY: f64 = 1e11;
/// Fill of the newly reached band (Okabe–Ito orange, apart from the purples of minutes saved).
const NEWLY_FILL: plotters::style::RGBColor = plotters::style::RGBColor(230, 159, 0);
/// Presentation classes of minutes saved (not a sourced quantity): an hour, half an hour, a quarter, five minutes.
const SAVED_LEVELS_MIN: [f64; 4] = [60.0, 30.0, 15.0, 5.0];

pub(crate) fn millions(p: u64) -> String {
    format!("{:.2} M", p as f64 / 1e6)
}

/// How a scenario's network is described in a title: "as built on DATE", or the date's network plus or minus
/// projects, so that a build-out is not called "as of" a date it goes beyond.
pub fn network_wording(b: &Bound) -> String {
    // count only the added projects that change the network: modelled, and not open by the date anyway
    let net = b.net;
    let changes = |id: &String| {
        let closed = |opened: Option<crate::units::Date>| opened.is_none_or(|d| d > b.sc.as_of);
        net.sections.iter().any(|s| s.project.as_ref() == Some(id) && closed(s.opened))
            || net.stations.iter().any(|s| s.project.as_ref() == Some(id) && closed(s.opened))
            || net.roads.iter().any(|r| r.project.as_ref() == Some(id) && closed(r.opened))
    };
    let a = b.sc.added.iter().filter(|id| changes(id)).count();
    let r = b.sc.removed.len();
    match (a, r) {
        (0, 0) => format!("as built on {}", b.sc.as_of),
        (a, 0) => format!("network of {} plus {}", b.sc.as_of, crate::report::count(a, "planned project", "planned projects")),
        (0, r) => format!("network of {} less {}", b.sc.as_of, crate::report::count(r, "project", "projects")),
        (a, r) => format!("network of {} plus {a}, less {r} projects", b.sc.as_of),
    }
}

/// The source line every map carries.
pub fn source_line(b: &Bound) -> String {
    format!(
        "来源 Source: ringsim model of network '{}' (networks/{}/, rows cite their sources) · population: 2020 census · boundaries: census 2020 and DataV GeoAtlas",
        b.net.name,
        b.sc.network_dir.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default()
    )
}

/// Per grid point of `surface`: whether the nearest place (county seat) belongs to the plan region, i.e. is not
/// of kind `outside`. None when the network has no outside places.
fn region_mask(surface: &crate::surface::Surface, net: &crate::network::Network) -> Option<Vec<bool>> {
    use crate::network::PlaceKind;
    if !net.places.iter().any(|p| p.kind == PlaceKind::Outside) {
        return None;
    }
    let pts: Vec<(f64, f64, bool)> = net
        .places
        .iter()
        .map(|p| {
            let (x, y) = surface.proj.xy(p.lon, p.lat);
            (x, y, p.kind != PlaceKind::Outside)
        })
        .collect();
    let mut mask = vec![false; surface.nx * surface.ny];
    for j in 0..surface.ny {
        for i in 0..surface.nx {
            let (x, y) = (surface.x0 + i as f64 * surface.h, surface.y0 + j as f64 * surface.h);
            let mut best = (f64::INFINITY, false);
            for &(px, py, inside) in &pts {
                let d = (px - x).powi(2) + (py - y).powi(2);
                if d < best.0 {
                    best = (d, inside);
                }
            }
            mask[j * surface.nx + i] = best.1;
        }
    }
    Some(mask)
}

/// A map ready to draw, with what `plot` prints and writes beside it.
pub struct MapOut {
    pub fig: crate::map::MapFigure,
    /// Per band: label, lower and upper minutes, colour.
    pub bands_meta: Vec<(String, Option<f64>, Option<f64>, plotters::style::RGBColor)>,
    pub pops: Vec<u64>,
    pub polys: Vec<Vec<crate::contour::Polygon>>,
    pub proj: crate::surface::Projection,
    pub grid: (usize, usize),
    pub have_basemap: bool,
    /// With a difference map: the county-level units this scenario reaches later than the other (count, people,
    /// the largest loss in seconds). The map shows savings only, so they fall in its lowest band.
    pub slower: Option<(usize, u64, f64)>,
    /// With a difference map: the county-level units the other scenario reaches and this one does not (count,
    /// people): they are in the map's "unreached" band.
    pub lost: Option<(usize, u64)>,
}

/// The isochrone map of `b` (or, with `other`, the minutes `b` saves against it) under measure `m`.
pub fn map_figure(b: &Bound, other: Option<&Bound>, m: Measure, cell_km: f64) -> Result<MapOut> {
    use crate::contour;
    use crate::map::{Band, Basemap, CityMark, MapFigure};
    use crate::surface::{Config, Surface};
    let net = b.net;
    let cfg = Config { cell_km, ..Config::default() };
    let g = super::build_graph(b)?;
    let reach = Reach::compute(b, &g);
    let surface = Surface::compute(net, &b.params, &reach, m, cfg);
    let (basemap, have_basemap) = Basemap::read(&b.sc.network_dir)?;
    let origin = &net.cities[b.origin.i()];
    let oname = origin.name.trim_end_matches('市');
    let units: Vec<usize> = (0..net.places.len()).filter(|&i| net.places[i].kind.is_unit()).collect();
    let (levels, bands_meta, values, city_vals, place_vals, title, legend_title): (Vec<f64>, Vec<(String, Option<f64>, Option<f64>, plotters::style::RGBColor)>, Vec<f64>, Vec<Option<f64>>, Vec<Option<f64>>, String, String);
    let mut slower = None;
    let mut lost_units = None;
    if let Some(other) = other {
        // Minutes saved by this scenario against the other: t_other − t_this. The contoured value is the negated
        // saving, so band 0 holds the largest savings. A point this scenario does not reach is NaN (no band);
        // one only this scenario reaches saves "everything" (−∞).
        let g2 = super::build_graph(other)?;
        let r2 = Reach::compute(other, &g2);
        let s2 = Surface::like(net, &other.params, &r2, m, &surface);
        let neg_saved = |this: f64, that: f64| -> f64 {
            match (this.is_nan(), that.is_nan()) {
                (true, _) => f64::NAN,
                (false, true) => f64::NEG_INFINITY,
                (false, false) => this - that,
            }
        };
        // only inside the plan region (points nearest to one of its seats): outside it the savings of neighbouring regions, cut off
        // straight at the grid's edge, would read as the largest gains of the plan
        let mask = region_mask(&surface, net);
        values = surface.values.iter().zip(&s2.values).enumerate().map(|(k, (&x, &y))| if mask.as_ref().is_some_and(|m| !m[k]) { f64::NAN } else { neg_saved(x, y) }).collect();
        let secs = |t: Option<crate::units::Seconds>| t.map_or(f64::NAN, |t| t.0 as f64);
        let saved_of = |x: Option<crate::units::Seconds>, y: Option<crate::units::Seconds>| {
            let v = neg_saved(secs(x), secs(y));
            if v.is_nan() { None } else { Some(v) }
        };
        city_vals = reach.cities.iter().zip(&r2.cities).map(|(x, y)| saved_of(x.get(m), y.get(m))).collect();
        place_vals = reach.places.iter().zip(&r2.places).map(|(x, y)| saved_of(x.get(m), y.get(m))).collect();
        // a unit reached later here than in the other scenario (more than a second: not a rounding)
        let lost: Vec<usize> = units.iter().copied().filter(|&i| place_vals[i].is_some_and(|v| v.is_finite() && v > 1.0)).collect();
        slower = Some((lost.len(), lost.iter().map(|&i| net.places[i].population).sum(), lost.iter().map(|&i| place_vals[i].unwrap_or(0.0)).fold(0.0, f64::max)));
        let gone: Vec<usize> = units.iter().copied().filter(|&i| reach.places[i].get(m).is_none() && r2.places[i].get(m).is_some()).collect();
        lost_units = Some((gone.len(), gone.iter().map(|&i| net.places[i].population).sum()));
        // the last level separates "under 5 minutes saved" (any reached point) from the unreached (NaN, no band)
        // Band 0 holds the newly reached points (−∞: not reached by the other scenario), which are no measure of
        // minutes saved and so are not merged with the largest savings.
        levels = std::iter::once(-NEWLY).chain(SAVED_LEVELS_MIN.iter().map(|l| -l * 60.0)).chain(std::iter::once(NEWLY)).collect();
        let mut meta = vec![(format!("newly reached (not reached by {})", other.sc.name), None, None, NEWLY_FILL)];
        for (k, l) in SAVED_LEVELS_MIN.iter().enumerate() {
            let label = if k == 0 { format!("≥ {l} min saved") } else { format!("{l}–{} min saved", SAVED_LEVELS_MIN[k - 1]) };
            meta.push((label, Some(*l), if k == 0 { None } else { Some(SAVED_LEVELS_MIN[k - 1]) }, SAVED_FILLS[k]));
        }
        meta.push((format!("< {} min saved (or none)", SAVED_LEVELS_MIN[3]), None, Some(SAVED_LEVELS_MIN[3]), SAVED_FILLS[4]));
        meta.push(("unreached, or outside the plan region".to_string(), None, None, plotters::style::RGBColor(255, 255, 255)));
        bands_meta = meta;
        title = format!("{oname}: 节省时间 minutes saved, {} against {}", network_wording(b), network_wording(other));
        legend_title = format!("节省时间 minutes saved ({} → {}) · population in band", other.sc.name, b.sc.name);
    } else {
        values = surface.values.clone();
        city_vals = reach.cities.iter().map(|t| t.get(m).map(|s| s.0 as f64)).collect();
        place_vals = reach.places.iter().map(|t| t.get(m).map(|s| s.0 as f64)).collect();
        levels = b.sc.cutoffs.iter().map(|c| c.0 * 60.0).collect();
        let mut meta = Vec::new();
        for (k, c) in b.sc.cutoffs.iter().enumerate() {
            let lo = if k == 0 { 0.0 } else { b.sc.cutoffs[k - 1].0 };
            meta.push((format!("{}–{} min (band)", fmt_cutoff(crate::units::Minutes(lo)), fmt_cutoff(*c)), Some(lo), Some(c.0), RING_FILLS[k.min(RING_FILLS.len() - 1)]));
        }
        let last = b.sc.cutoffs.last().map(|c| c.0).unwrap_or(0.0);
        meta.push((format!("over {} min or unreached", fmt_cutoff(crate::units::Minutes(last))), Some(last), None, BEYOND_FILL));
        bands_meta = meta;
        title = format!("{oname}交通圈 Travel time to {oname}, {}", network_wording(b));
        legend_title = format!("到{oname}时间 time band (between two cutoffs) · population in the band");
    }
    let band_of = |v: Option<f64>| -> usize { v.map_or(bands_meta.len() - 1, |v| levels.iter().position(|&l| v <= l).unwrap_or(levels.len())) };
    let mut pops = vec![0u64; bands_meta.len()];
    for &i in &units {
        pops[band_of(place_vals[i])] += net.places[i].population;
    }
    let grid = contour::Grid { nx: surface.nx, ny: surface.ny, x0: surface.x0, y0: surface.y0, h: surface.h, v: &values };
    let mut polys = contour::bands(&grid, &levels);
    polys.resize(bands_meta.len(), Vec::new());
    let mut bands: Vec<Band> = polys
        .iter()
        .zip(&bands_meta)
        .zip(&pops)
        .map(|((p, (label, _, _, colour)), pop)| Band { polygons: p.clone(), colour: *colour, label: format!("{label}: {}", millions(*pop)) })
        .collect();
    if other.is_none() {
        // cumulative totals beside the bands, so the two are never confused
        let mut cum = 0u64;
        for (k, c) in b.sc.cutoffs.iter().enumerate() {
            cum += pops[k];
            bands[k].label.push_str(&format!("  (within {} min: {})", fmt_cutoff(*c), millions(cum)));
        }
    }
    let cities: Vec<CityMark> = net
        .cities
        .iter()
        .zip(&city_vals)
        .enumerate()
        .map(|(i, (c, v))| {
            let (lon, lat) = crate::map::city_anchor(net, &reach, crate::network::CityIx(i as u32), m);
            CityMark { name: c.name.trim_end_matches('市').to_string(), lon, lat, colour: bands_meta[band_of(*v)].3 }
        })
        .collect();
    let mut subtitle = format!("{} measure · {} · grid {} km", m.as_str(), if b.sc.description.is_empty() { b.sc.name.as_str() } else { b.sc.description.as_str() }, cell_km);
    if !have_basemap {
        subtitle.push_str(" · no basemap (run tools/derive/basemap.py)");
    }
    let mut fig = MapFigure::new(b, &surface, bands, cities, basemap, title, subtitle, legend_title);
    fig.source = source_line(b);
    Ok(MapOut { fig, bands_meta, pops, polys, proj: surface.proj, grid: (surface.nx, surface.ny), have_basemap, slower, lost: lost_units })
}

/// `ringsim plot`: the isochrone map of a scenario (or the minutes saved against another), PNG or SVG, and
/// optionally the bands as GeoJSON.
pub fn plot(a: &PlotArgs) -> Result<String> {
    crate::plot::Format::of_option("--out", a.out)?;
    if !(a.cell_km.is_finite() && a.cell_km >= 0.25 && a.cell_km <= 20.0) {
        return Err(Error::Usage(format!("--cell-km {}: use a cell size between 0.25 and 20 km (2 is the default)", a.cell_km)));
    }
    let mut paths = vec![a.scenario.to_path_buf()];
    if let Some(d) = a.diff {
        paths.push(d.to_path_buf());
    }
    let loaded = load(&paths)?;
    let bound = loaded.bind_all()?;
    let b = &bound[0];
    if bound.len() == 2 && (!std::ptr::eq(b.net, bound[1].net) || b.origin != bound[1].origin) {
        return Err(Error::Usage(format!(
            "'{}' and '{}' differ in network or origin; a difference map compares times to one origin on one network",
            b.sc.name, bound[1].sc.name
        )));
    }
    let m = measure_or(a.measure, b)?;
    let mo = map_figure(b, bound.get(1), m, a.cell_km)?;
    // the map and its GeoJSON are written together at the end: both or neither
    let mut batch = Batch::new();
    batch.file("--out", a.out, &crate::plot::encode(&mo.fig, a.out)?)?;
    let mut text = format!("== map of {} ({} measure, {} × {} grid of {} km) ==\n", b.sc.name, m.as_str(), mo.grid.0, mo.grid.1, a.cell_km);
    for (k, ((label, _, _, _), pop)) in mo.bands_meta.iter().zip(&mo.pops).enumerate() {
        let area = crate::contour::total_area(&mo.polys[k]);
        text.push_str(&format!("  {label:<32} {:>10} people, {:>9.0} km² of the map\n", pop, area));
    }
    if let (Some((n, people, worst)), Some(o)) = (mo.slower, bound.get(1)) {
        if n > 0 {
            text.push_str(&format!(
                "  note: {} ({people} people) {} reached later in {} than in {} (by up to {:.1} min); the map shows minutes saved only, so {} in its lowest band: to map the other way, swap the two (`ringsim plot {} --diff {}`)\n",
                crate::report::count(n, "county-level unit", "county-level units"),
                if n == 1 { "is" } else { "are" },
                b.sc.name,
                o.sc.name,
                worst / 60.0,
                if n == 1 { "it lies" } else { "they lie" },
                o.sc.path.display(),
                b.sc.path.display()
            ));
        }
    }
    if let (Some((n, people)), Some(o)) = (mo.lost, bound.get(1)) {
        if n > 0 {
            text.push_str(&format!(
                "  note: {} ({people} people) {} reached in {} but not in {}: {} in the map's unreached band\n",
                crate::report::count(n, "county-level unit", "county-level units"),
                if n == 1 { "is" } else { "are" },
                o.sc.name,
                b.sc.name,
                if n == 1 { "it lies" } else { "they lie" }
            ));
        }
    }
    if !mo.have_basemap {
        text.push_str(&format!("  note: {} has no basemap folder; the map has no boundaries\n", b.sc.network_dir.display()));
    }
    text.push_str(&format!("wrote {}\n", a.out.display()));
    if let Some(gj) = a.geojson {
        let diff = bound.len() == 2;
        let rows: Vec<crate::map::GeoBand> = mo
            .bands_meta
            .iter()
            .zip(&mo.pops)
            .zip(&mo.polys)
            .map(|(((l, lo, hi, _), p), poly)| crate::map::GeoBand {
                label: l.clone(),
                minutes: if diff { *lo } else { *hi },
                min_minutes: *lo,
                max_minutes: *hi,
                population: *p,
                polygons: poly.as_slice(),
            })
            .collect();
        batch.file("--geojson", gj, &crate::map::geojson(&mo.proj, &rows))?;
        text.push_str(&format!("wrote {}\n", gj.display()));
    }
    batch.commit()?;
    Ok(text)
}
