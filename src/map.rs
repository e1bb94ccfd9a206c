//! Isochrone maps (`ringsim plot`): the last stage of the pipeline. Takes a [`Surface`], its contour bands
//! ([`crate::contour`]), the network and the basemap, and draws a map (PNG or SVG through [`crate::plot`]) or
//! writes the bands as GeoJSON.
//!
//! Layers, bottom to top: the bands (filled, painted largest ring first so that every hole is covered by the
//! smaller rings inside it), prefecture and province boundaries from `<network>/basemap/` (derived by
//! `tools/derive/basemap.py`), expressways and rail lines by mode (open in the scenario solid, not open dashed),
//! stations, the plan cities coloured by their band with their Chinese names, then title, legend and scale bar.

use crate::contour::{Polygon, Ring};
use crate::error::{Error, Result};
use crate::network::{Network, RailMode};
use crate::plot::{err, text, Figure};
use crate::scenario::Bound;
use crate::surface::{Projection, Surface};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One band: its polygons (grid km), colour and legend text.
pub struct Band {
    pub polygons: Vec<Polygon>,
    pub colour: RGBColor,
    pub label: String,
}

/// A line to draw (lon/lat ends).
struct Link {
    a: (f64, f64),
    b: (f64, f64),
    style: LinkStyle,
    open: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LinkStyle {
    Expressway,
    Conventional,
    Suburban,
    Intercity,
    Hsr,
}

impl LinkStyle {
    fn colour(self) -> RGBColor {
        match self {
            LinkStyle::Expressway => RGBColor(140, 110, 70),
            LinkStyle::Conventional => RGBColor(70, 70, 70),
            LinkStyle::Suburban => RGBColor(150, 60, 170),
            LinkStyle::Intercity => RGBColor(235, 120, 0),
            LinkStyle::Hsr => RGBColor(200, 0, 30),
        }
    }
    fn width(self) -> u32 {
        match self {
            LinkStyle::Expressway => 1,
            LinkStyle::Hsr => 3,
            _ => 2,
        }
    }
    fn label(self) -> &'static str {
        match self {
            LinkStyle::Expressway => "高速公路 expressway",
            LinkStyle::Conventional => "普速铁路 conventional rail",
            LinkStyle::Suburban => "市域铁路 suburban rail",
            LinkStyle::Intercity => "城际铁路 intercity rail",
            LinkStyle::Hsr => "高速铁路 high-speed rail",
        }
    }
}

/// A labelled point (plan city).
pub struct CityMark {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub colour: RGBColor,
}

/// One basemap feature: its code (adcode or census code) and its polygons, each a list of lon/lat rings.
#[derive(Clone, Debug, Default)]
pub struct Feature {
    pub code: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// Basemap layers in lon/lat. `units` (census county-level units, for choropleths) is optional.
#[derive(Default)]
pub struct Basemap {
    pub provinces: Vec<Feature>,
    pub prefectures: Vec<Feature>,
    pub units: Vec<Feature>,
}

impl Basemap {
    /// Reads `<network dir>/basemap/{provinces,prefectures}.geojson`; a missing folder gives an empty basemap and
    /// `Ok(false)`, a malformed file an error naming it.
    pub fn read(network_dir: &Path) -> Result<(Basemap, bool)> {
        let dir = network_dir.join("basemap");
        if !dir.is_dir() {
            return Ok((Basemap::default(), false));
        }
        let layer = |name: &str| -> Result<Vec<Feature>> {
            let path = dir.join(name);
            if name == "units.geojson" && !path.exists() {
                return Ok(Vec::new());
            }
            let bytes = crate::table::read_bytes(&path)?;
            let bad = |m: String| Error::Toml { path: path.clone(), message: format!("{m}; regenerate it with tools/derive/basemap.py") };
            let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not valid GeoJSON: {e}")))?;
            let feats = v.get("features").and_then(|f| f.as_array()).ok_or_else(|| bad("no `features` array".into()))?;
            let mut out = Vec::new();
            for (k, f) in feats.iter().enumerate() {
                let geom = f.get("geometry").ok_or_else(|| bad(format!("feature {k} has no geometry")))?;
                let ty = geom.get("type").and_then(|t| t.as_str()).unwrap_or("");
                let coords = geom.get("coordinates").ok_or_else(|| bad(format!("feature {k} has no coordinates")))?;
                let ring = |r: &serde_json::Value| -> Option<Vec<(f64, f64)>> {
                    r.as_array()?.iter().map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect()
                };
                let poly = |p: &serde_json::Value| -> Option<Vec<Vec<(f64, f64)>>> { p.as_array()?.iter().map(ring).collect() };
                let polys = match ty {
                    "Polygon" => poly(coords).map(|p| vec![p]),
                    "MultiPolygon" => coords.as_array().and_then(|ps| ps.iter().map(poly).collect()),
                    other => return Err(bad(format!("feature {k}: geometry type '{other}' is not Polygon or MultiPolygon"))),
                };
                let code = f.get("properties").and_then(|p| p.get("code")).and_then(|c| c.as_str()).unwrap_or("").to_string();
                out.push(Feature { code, polygons: polys.ok_or_else(|| bad(format!("feature {k}: coordinates are not [lon, lat] rings")))? });
            }
            Ok(out)
        };
        Ok((Basemap { provinces: layer("provinces.geojson")?, prefectures: layer("prefectures.geojson")?, units: layer("units.geojson")? }, true))
    }
}

/// A complete map figure.
pub struct MapFigure {
    pub title: String,
    pub subtitle: String,
    pub proj: Projection,
    /// Projected extent (km) shown.
    pub rect: (f64, f64, f64, f64),
    pub bands: Vec<Band>,
    pub basemap: Basemap,
    links: Vec<Link>,
    stations: Vec<((f64, f64), bool)>,
    pub cities: Vec<CityMark>,
    pub legend_title: String,
    pub width: u32,
    /// Filled lon/lat polygons drawn under the boundaries (choropleth classes): rings of one polygon, outer first.
    pub fills: Vec<(Vec<Vec<(f64, f64)>>, RGBColor)>,
    /// Draw the transport network on top.
    pub network: bool,
    /// The source line under the legend (data and model).
    pub source: String,
}

impl MapFigure {
    /// A map of `b`'s network over `surface`'s extent, with `bands` and `cities` prepared by the caller.
    pub fn new(b: &Bound, surface: &Surface, bands: Vec<Band>, cities: Vec<CityMark>, basemap: Basemap, title: String, subtitle: String, legend_title: String) -> MapFigure {
        let (x0, y0) = (surface.x0, surface.y0);
        let (x1, y1) = (surface.x0 + (surface.nx - 1) as f64 * surface.h, surface.y0 + (surface.ny - 1) as f64 * surface.h);
        MapFigure::over(b, surface.proj, (x0, y0, x1, y1), bands, cities, basemap, title, subtitle, legend_title)
    }

    /// A map of `b`'s network over the projected rectangle `rect` (km).
    #[allow(clippy::too_many_arguments)]
    pub fn over(b: &Bound, proj: Projection, rect: (f64, f64, f64, f64), bands: Vec<Band>, cities: Vec<CityMark>, basemap: Basemap, title: String, subtitle: String, legend_title: String) -> MapFigure {
        let net: &Network = b.net;
        let mut links = Vec::new();
        for s in &net.sections {
            let (a, c) = (&net.stations[s.from.i()], &net.stations[s.to.i()]);
            let style = match net.lines[s.line.i()].mode {
                RailMode::Hsr => LinkStyle::Hsr,
                RailMode::Intercity => LinkStyle::Intercity,
                RailMode::Suburban => LinkStyle::Suburban,
                RailMode::Conventional => LinkStyle::Conventional,
            };
            links.push(Link { a: (a.lon, a.lat), b: (c.lon, c.lat), style, open: b.sc.is_open(s.opened, s.project.as_deref()) });
        }
        for r in net.roads.iter().filter(|r| r.class == crate::network::RoadClass::Expressway) {
            let (a, c) = (&net.places[r.from.i()], &net.places[r.to.i()]);
            links.push(Link { a: (a.lon, a.lat), b: (c.lon, c.lat), style: LinkStyle::Expressway, open: b.sc.is_open(r.opened, r.project.as_deref()) });
        }
        links.sort_by_key(|l| (l.style, l.open));
        let g = crate::graph::Graph::build(b);
        let stations = net.stations.iter().enumerate().map(|(i, s)| ((s.lon, s.lat), g.station_open[i])).collect();
        MapFigure { title, subtitle, proj, rect, bands, basemap, links, stations, cities, legend_title, width: 1600, fills: Vec::new(), network: true, source: String::new() }
    }

    const TOP: i32 = 90;

    /// Pixels per km: the map's width spans the rectangle's width.
    fn scale(&self) -> f64 {
        self.width as f64 / (self.rect.2 - self.rect.0)
    }

    /// Height of the legend panel below the map.
    fn legend_h(&self) -> i32 {
        44 + 34 * (self.bands.len().max(6) as i32) + 16 + 34 + 40
    }

    fn map_bottom(&self) -> i32 {
        let h = self.rect.3 - self.rect.1;
        Self::TOP + (h * self.scale()).ceil() as i32
    }

    fn height(&self) -> u32 {
        (self.map_bottom() + self.legend_h()) as u32
    }

    /// Grid km → pixel.
    fn px(&self, x: f64, y: f64) -> (i32, i32) {
        let s = self.scale();
        (((x - self.rect.0) * s).round() as i32, Self::TOP + ((self.rect.3 - y) * s).round() as i32)
    }

    fn px_ll(&self, lon: f64, lat: f64) -> (i32, i32) {
        let (x, y) = self.proj.xy(lon, lat);
        self.px(x, y)
    }

    fn ring_px(&self, r: &Ring) -> Vec<(i32, i32)> {
        let mut v: Vec<(i32, i32)> = r.iter().map(|&(x, y)| self.px(x, y)).collect();
        v.dedup();
        v
    }
}

impl Figure for MapFigure {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        // Bands: every outer ring of every band, largest first.
        let mut rings: Vec<(f64, usize, &Ring)> = Vec::new();
        for (k, band) in self.bands.iter().enumerate() {
            for p in &band.polygons {
                rings.push((crate::contour::signed_area(&p.outer), k, &p.outer));
            }
        }
        rings.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1)));
        for (_, k, r) in rings {
            let pts = self.ring_px(r);
            if pts.len() >= 3 {
                root.draw(&plotters::element::Polygon::new(pts, self.bands[k].colour.filled())).map_err(err)?;
            }
        }
        // Choropleth fills: even–odd, so holes show what lies under them.
        for (rings, colour) in &self.fills {
            if let Some(outer) = rings.first() {
                let pts: Vec<(i32, i32)> = outer.iter().map(|&(lo, la)| self.px_ll(lo, la)).collect();
                root.draw(&plotters::element::Polygon::new(pts, colour.filled())).map_err(err)?;
            }
            for hole in rings.iter().skip(1) {
                let pts: Vec<(i32, i32)> = hole.iter().map(|&(lo, la)| self.px_ll(lo, la)).collect();
                root.draw(&plotters::element::Polygon::new(pts, WHITE.filled())).map_err(err)?;
            }
        }
        // Basemap.
        let outline = |layer: &Vec<Feature>, style: ShapeStyle| -> std::result::Result<(), String> {
            for feat in layer {
                for poly in &feat.polygons {
                    for ring in poly {
                        let pts: Vec<(i32, i32)> = ring.iter().map(|&(lo, la)| self.px_ll(lo, la)).collect();
                        root.draw(&PathElement::new(pts, style)).map_err(err)?;
                    }
                }
            }
            Ok(())
        };
        outline(&self.basemap.prefectures, RGBColor(150, 150, 150).stroke_width(1))?;
        outline(&self.basemap.provinces, RGBColor(60, 60, 60).stroke_width(2))?;
        // Network.
        for l in self.links.iter().filter(|_| self.network) {
            let pts = vec![self.px_ll(l.a.0, l.a.1), self.px_ll(l.b.0, l.b.1)];
            let style = l.style.colour().stroke_width(l.style.width());
            if l.open {
                root.draw(&PathElement::new(pts, style)).map_err(err)?;
            } else {
                root.draw(&plotters::element::DashedPathElement::new(pts, 6, 5, style)).map_err(err)?;
            }
        }
        for &((lon, lat), open) in self.stations.iter().filter(|_| self.network) {
            let p = self.px_ll(lon, lat);
            if open {
                root.draw(&Circle::new(p, 2, BLACK.filled())).map_err(err)?;
            } else {
                root.draw(&Circle::new(p, 2, BLACK.stroke_width(1))).map_err(err)?;
            }
        }
        // Cities: marks first, then labels placed where they collide with no other label or mark and stay on the map.
        let marks: Vec<(i32, i32)> = self.cities.iter().map(|c| self.px_ll(c.lon, c.lat)).collect();
        for (c, &p) in self.cities.iter().zip(&marks) {
            root.draw(&Circle::new(p, 7, c.colour.filled())).map_err(err)?;
            root.draw(&Circle::new(p, 7, BLACK.stroke_width(2))).map_err(err)?;
        }
        let placed = place_labels(&self.cities.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), &marks, (0, Self::TOP, self.width as i32, self.map_bottom()));
        for (c, at) in self.cities.iter().zip(placed) {
            for (dx, dy) in [(-1, -1), (-1, 1), (1, -1), (1, 1), (0, 2), (0, -2), (2, 0), (-2, 0)] {
                root.draw(&Text::new(c.name.clone(), (at.0 + dx, at.1 + dy), text(20.0).color(&WHITE))).map_err(err)?;
            }
            root.draw(&Text::new(c.name.clone(), at, text(20.0).color(&BLACK))).map_err(err)?;
        }
        // Title band.
        root.draw(&Rectangle::new([(0, 0), (self.width as i32, Self::TOP)], WHITE.filled())).map_err(err)?;
        root.draw(&Text::new(self.title.clone(), (20, 12), text(30.0))).map_err(err)?;
        root.draw(&Text::new(self.subtitle.clone(), (20, 52), text(20.0).color(&RGBColor(60, 60, 60)))).map_err(err)?;
        // Legend panel below the map: bands on the left, lines and marks on the right.
        let top = self.map_bottom();
        root.draw(&Rectangle::new([(0, top), (self.width as i32, self.height() as i32)], WHITE.filled())).map_err(err)?;
        root.draw(&PathElement::new(vec![(0, top), (self.width as i32, top)], BLACK.stroke_width(1))).map_err(err)?;
        let (lx, ly) = (20, top + 12);
        root.draw(&Text::new(self.legend_title.clone(), (lx, ly), text(20.0))).map_err(err)?;
        for (k, band) in self.bands.iter().enumerate() {
            let y = ly + 34 + 34 * k as i32;
            root.draw(&Rectangle::new([(lx, y), (lx + 40, y + 24)], band.colour.filled())).map_err(err)?;
            root.draw(&Rectangle::new([(lx, y), (lx + 40, y + 24)], BLACK.stroke_width(1))).map_err(err)?;
            root.draw(&Text::new(band.label.clone(), (lx + 50, y + 2), text(19.0))).map_err(err)?;
        }
        let rx = self.width as i32 / 2;
        let mut y = ly + 34;
        for style in [LinkStyle::Hsr, LinkStyle::Intercity, LinkStyle::Conventional, LinkStyle::Expressway] {
            let s = style.colour().stroke_width(style.width() + 1);
            root.draw(&PathElement::new(vec![(rx, y + 12), (rx + 40, y + 12)], s)).map_err(err)?;
            root.draw(&Text::new(style.label().to_string(), (rx + 50, y + 2), text(18.0))).map_err(err)?;
            y += 34;
        }
        root.draw(&plotters::element::DashedPathElement::new(vec![(rx, y + 12), (rx + 40, y + 12)], 6, 5, BLACK.stroke_width(2))).map_err(err)?;
        root.draw(&Text::new("规划/未开通 planned or not open by this date (dashed)".to_string(), (rx + 50, y + 2), text(18.0))).map_err(err)?;
        y += 34;
        if !self.cities.is_empty() {
            root.draw(&Circle::new((rx + 20, y + 12), 7, WHITE.filled())).map_err(err)?;
            root.draw(&Circle::new((rx + 20, y + 12), 7, BLACK.stroke_width(2))).map_err(err)?;
            root.draw(&Circle::new((rx + 60, y + 12), 2, BLACK.filled())).map_err(err)?;
            root.draw(&Text::new("规划城市 plan city (filled by its band) · 车站 station".to_string(), (rx + 72, y + 2), text(18.0))).map_err(err)?;
        }
        // Source line at the bottom.
        if !self.source.is_empty() {
            root.draw(&Text::new(self.source.clone(), (20, self.height() as i32 - 30), text(16.0).color(&RGBColor(80, 80, 80)))).map_err(err)?;
        }
        // North arrow in the map's top-right corner (the projection keeps north up at the centre meridian).
        let (nx, ny) = (self.width as i32 - 50, Self::TOP + 20);
        root.draw(&Rectangle::new([(nx - 24, ny - 6), (nx + 24, ny + 70)], WHITE.mix(0.85).filled())).map_err(err)?;
        root.draw(&plotters::element::Polygon::new(vec![(nx, ny), (nx - 12, ny + 36), (nx, ny + 28)], BLACK.filled())).map_err(err)?;
        root.draw(&PathElement::new(vec![(nx, ny), (nx + 12, ny + 36), (nx, ny + 28), (nx, ny)], BLACK.stroke_width(1))).map_err(err)?;
        root.draw(&Text::new("N 北".to_string(), (nx - 18, ny + 42), text(18.0))).map_err(err)?;
        // Scale bar in its own strip at the bottom right of the legend panel, where it covers nothing: the longest
        // round length up to 300 px at the centre scale of the projection.
        let km = [500.0, 200.0, 100.0, 50.0, 20.0, 10.0, 5.0, 2.0, 1.0].into_iter().find(|k| k * self.scale() <= 300.0).unwrap_or(1.0);
        let len = (km * self.scale()).round() as i32;
        let (sx, sy) = (self.width as i32 - len - 40, self.height() as i32 - 58);
        root.draw(&Rectangle::new([(sx - 10, sy - 34), (sx + len + 20, sy + 16)], WHITE.mix(0.9).filled())).map_err(err)?;
        root.draw(&Rectangle::new([(sx, sy), (sx + len / 2, sy + 8)], BLACK.filled())).map_err(err)?;
        root.draw(&Rectangle::new([(sx + len / 2, sy), (sx + len, sy + 8)], WHITE.filled())).map_err(err)?;
        root.draw(&Rectangle::new([(sx, sy), (sx + len, sy + 8)], BLACK.stroke_width(1))).map_err(err)?;
        root.draw(&Text::new("0".to_string(), (sx - 4, sy - 26), text(18.0))).map_err(err)?;
        root.draw(&Text::new(format!("{} km", km as i32), (sx + len - 30, sy - 26), text(18.0))).map_err(err)?;
        Ok(())
    }
}

/// Approximate width in pixels of `s` at 20 px (CJK characters are square, Latin ones about half as wide).
fn label_width(s: &str) -> i32 {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 20 } else { 11 }).sum()
}

/// Label positions (top-left of the text, 20 px high) for marks at `marks`: for each in turn, the first of eight
/// spots around its mark whose box stays inside `area` (x0, y0, x1, y1) and overlaps no label placed before it
/// nor any mark; when none is free, the first spot that stays inside the area.
pub fn place_labels(names: &[&str], marks: &[(i32, i32)], area: (i32, i32, i32, i32)) -> Vec<(i32, i32)> {
    let mut boxes: Vec<(i32, i32, i32, i32)> = Vec::new();
    let overlaps = |a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)| a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
    let mut out = Vec::new();
    for (k, (name, &(x, y))) in names.iter().zip(marks).enumerate() {
        let w = label_width(name);
        let h = 22;
        let spots = [(x + 10, y - 24), (x + 10, y + 2), (x - 10 - w, y - 24), (x - 10 - w, y + 2), (x - w / 2, y - 32), (x - w / 2, y + 10), (x + 12, y - 11), (x - 12 - w, y - 11)];
        let inside = |(sx, sy): (i32, i32)| sx >= area.0 + 2 && sy >= area.1 + 2 && sx + w <= area.2 - 2 && sy + h <= area.3 - 2;
        let free = |(sx, sy): (i32, i32)| {
            let b = (sx, sy, sx + w, sy + h);
            !boxes.iter().any(|o| overlaps(b, *o)) && !marks.iter().enumerate().any(|(j, &(mx, my))| j != k && overlaps(b, (mx - 7, my - 7, mx + 7, my + 7)))
        };
        let at = spots
            .iter()
            .copied()
            .find(|&p| inside(p) && free(p))
            .or_else(|| spots.iter().copied().find(|&p| inside(p)))
            .unwrap_or((x.clamp(area.0 + 2, (area.2 - w - 2).max(area.0 + 2)), y - 24));
        boxes.push((at.0, at.1, at.0 + w, at.1 + h));
        out.push(at);
    }
    out
}

/// One band of [`geojson`].
pub struct GeoBand<'a> {
    pub label: String,
    /// The band's cutoff: the upper bound of a travel-time band (null beyond the last cutoff), or the minutes saved a
    /// band of a difference map starts at (null for the last, "under 5 minutes" band).
    pub minutes: Option<f64>,
    pub min_minutes: Option<f64>,
    pub max_minutes: Option<f64>,
    /// 2020 census population of the units whose time (or saving) falls in the band.
    pub population: u64,
    pub polygons: &'a [Polygon],
}

/// The bands as a GeoJSON FeatureCollection in WGS84 (RFC 7946: exterior rings counter-clockwise, holes
/// clockwise), one MultiPolygon feature per band with the properties `band` (its label), `minutes`, `min_minutes`,
/// `max_minutes` and `population` of [`GeoBand`].
pub fn geojson(proj: &Projection, bands: &[GeoBand]) -> Vec<u8> {
    use std::fmt::Write;
    let ring = |r: &Ring| -> String {
        let mut s = String::from("[");
        let mut pts: Vec<(f64, f64)> = r.iter().map(|&(x, y)| proj.lonlat(x, y)).collect();
        pts.push(pts[0]);
        for (k, (lo, la)) in pts.iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{lo:.6},{la:.6}]");
        }
        s.push(']');
        s
    };
    let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_else(|| "null".into());
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, GeoBand { label, minutes, min_minutes: lo, max_minutes: hi, population: pop, polygons: polys }) in bands.iter().enumerate() {
        let mut coords = Vec::new();
        for p in polys.iter() {
            let mut rs = vec![ring(&p.outer)];
            rs.extend(p.holes.iter().map(ring));
            coords.push(format!("[{}]", rs.join(",")));
        }
        let _ = writeln!(
            out,
            "{{\"type\":\"Feature\",\"properties\":{{\"band\":{},\"minutes\":{},\"min_minutes\":{},\"max_minutes\":{},\"population\":{}}},\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":[{}]}}}}{}",
            serde_json::Value::String(label.clone()),
            num(*minutes),
            num(*lo),
            num(*hi),
            pop,
            coords.join(","),
            if k + 1 < bands.len() { "," } else { "" }
        );
    }
    out.push_str("]}\n");
    out.into_bytes()
}

/// Where a plan city's time holds, so its mark sits in the band of its time: under the station measure, the first of
/// its open stations whose rail time is the city's time (a city's station time is a platform time); otherwise, and
/// when the time comes from the seat, the seat.
pub fn city_anchor(net: &Network, reach: &crate::rings::Reach, c: crate::network::CityIx, m: crate::scenario::Measure) -> (f64, f64) {
    let city = &net.cities[c.i()];
    let t = reach.cities[c.i()].get(m);
    if m == crate::scenario::Measure::Station && t.is_some() {
        for s in &city.stations {
            if reach.stations[s.i()].station == t {
                let st = &net.stations[s.i()];
                return (st.lon, st.lat);
            }
        }
    }
    let seat = &net.places[city.seat.i()];
    (seat.lon, seat.lat)
}
