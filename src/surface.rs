//! A travel-time surface: the door-to-door (or station-measure) time to every point of a grid over the region,
//! computed in parallel. Part of the rings/surface stage, after [`crate::rings`] (which gives the time of every
//! place and station) and before [`crate::contour`] and [`crate::map`].
//!
//! The time at a point is the best, over the places and open stations within [`Config::radius`], of the node's
//! time plus the local road time from the node to the point: great-circle distance × circuity ÷ speed, with the
//! `road.trunk` parameters from a place's seat (ordinary roads out into its county) and the `connector.access`
//! parameters from a station (the same urban-road assumption the network's station connectors use; under the door
//! measure the `door.alighting_s` of leaving the train is added). A point farther than the radius from every node
//! is unreached. Because every term is the node time plus a non-negative leg, opening a project never raises the
//! surface, and at a node the surface is at most the node's own time.
//!
//! Grid coordinates are kilometres in an equirectangular projection centred on the grid ([`Projection`]).

use crate::network::Network;
use crate::params::Params;
use crate::rings::Reach;
use crate::scenario::Measure;
use crate::units::{great_circle, Seconds, EARTH_RADIUS_KM};
use rayon::prelude::*;

/// Equirectangular projection about (lon0, lat0): x east and y north in km, scaled by cos(lat0) in x. Over the
/// region (about 7° of latitude) the scale error in x stays under 7% at its north and south edges; areas and the
/// scale bar use the centre scale.
#[derive(Clone, Copy, Debug)]
pub struct Projection {
    pub lon0: f64,
    pub lat0: f64,
    /// km per degree of longitude at lat0, and of latitude (from the mean Earth radius, `units::EARTH_RADIUS_KM`).
    pub kx: f64,
    pub ky: f64,
}

impl Projection {
    pub fn new(lon0: f64, lat0: f64) -> Projection {
        let ky = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
        Projection { lon0, lat0, kx: ky * lat0.to_radians().cos(), ky }
    }
    pub fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)
    }
    pub fn lonlat(&self, x: f64, y: f64) -> (f64, f64) {
        (self.lon0 + x / self.kx, self.lat0 + y / self.ky)
    }
}

/// The projection centred on the region's census units and their bounding rectangle (km) plus `margin_km`.
pub fn region_frame(net: &Network, margin_km: f64) -> (Projection, (f64, f64, f64, f64)) {
    let (mut lo0, mut lo1, mut la0, mut la1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for p in net.places.iter().filter(|p| p.kind.is_unit()) {
        lo0 = lo0.min(p.lon);
        lo1 = lo1.max(p.lon);
        la0 = la0.min(p.lat);
        la1 = la1.max(p.lat);
    }
    let proj = Projection::new((lo0 + lo1) / 2.0, (la0 + la1) / 2.0);
    let (xa, ya) = proj.xy(lo0, la0);
    let (xb, yb) = proj.xy(lo1, la1);
    (proj, (xa - margin_km, ya - margin_km, xb + margin_km, yb + margin_km))
}

/// Grid settings.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Cell size in km (the issue asks for about 2 km).
    pub cell_km: f64,
    /// How far from a node the local road leg may reach. Assumption: 50 km; the region's county seats lie about
    /// 30 km apart, so every point of the region is within reach of a seat.
    pub radius_km: f64,
    /// Margin around the region's places, in km: presentation only (30 km, about one county, so border units are not
    /// cut at the map's edge).
    pub margin_km: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config { cell_km: 2.0, radius_km: 50.0, margin_km: 30.0 }
    }
}

/// One node's contribution: its time and the seconds per km of the local leg from it.
#[derive(Clone, Copy, Debug)]
struct Cone {
    lon: f64,
    lat: f64,
    x: f64,
    y: f64,
    t0: f64,
    s_per_km: f64,
}

/// Travel times (seconds, `NaN` where unreached) sampled at `(x0 + i h, y0 + j h)`, row by row from the south.
pub struct Surface {
    pub proj: Projection,
    pub nx: usize,
    pub ny: usize,
    pub x0: f64,
    pub y0: f64,
    pub h: f64,
    pub values: Vec<f64>,
    /// The steepest local leg, in seconds per km: the surface changes by at most this much per km, so the
    /// interpolated surface is within `lipschitz × cell diagonal` of the exact one.
    pub lipschitz: f64,
    cones: Vec<Cone>,
    radius_km: f64,
}

/// Seconds per km of a local leg: circuity ÷ speed.
fn s_per_km(speed_kmh: f64, circuity: Option<f64>) -> f64 {
    circuity.unwrap_or(1.0) * 3600.0 / speed_kmh
}

impl Surface {
    /// The surface of one scenario's reach, over the region's places (not `outside` ones) plus a margin.
    pub fn compute(net: &Network, params: &Params, reach: &Reach, measure: Measure, cfg: Config) -> Surface {
        let (proj, rect) = region_frame(net, cfg.margin_km);
        Surface::over(net, params, reach, measure, cfg, proj, rect)
    }

    /// The surface over the projected rectangle `(x_min, y_min, x_max, y_max)` (km).
    pub fn over(net: &Network, params: &Params, reach: &Reach, measure: Measure, cfg: Config, proj: Projection, rect: (f64, f64, f64, f64)) -> Surface {
        let h = cfg.cell_km;
        let nx = (((rect.2 - rect.0) / h).ceil() as usize).max(1) + 1;
        let ny = (((rect.3 - rect.1) / h).ceil() as usize).max(1) + 1;
        let grid = Surface { proj, nx, ny, x0: rect.0, y0: rect.1, h, values: Vec::new(), lipschitz: 0.0, cones: Vec::new(), radius_km: cfg.radius_km };
        Surface::like(net, params, reach, measure, &grid)
    }

    /// The surface of another reach on exactly the grid of `grid` (same projection, origin, cell and size), so the
    /// two can be compared point by point (`ringsim plot --diff`).
    pub fn like(net: &Network, params: &Params, reach: &Reach, measure: Measure, grid: &Surface) -> Surface {
        let proj = grid.proj;
        let place_leg = s_per_km(params.road.trunk.speed_kmh, params.road.trunk.circuity);
        let station_leg = s_per_km(params.connector.access.speed_kmh, params.connector.access.circuity);
        let alight = if measure == Measure::Door { params.door.alighting_s } else { 0.0 };
        let mut cones = Vec::new();
        for (p, t) in net.places.iter().zip(&reach.places) {
            if let Some(s) = t.get(measure) {
                let (x, y) = proj.xy(p.lon, p.lat);
                cones.push(Cone { lon: p.lon, lat: p.lat, x, y, t0: s.0 as f64, s_per_km: place_leg });
            }
        }
        for (st, t) in net.stations.iter().zip(&reach.stations) {
            if let Some(s) = t.get(measure) {
                let (x, y) = proj.xy(st.lon, st.lat);
                cones.push(Cone { lon: st.lon, lat: st.lat, x, y, t0: s.0 as f64 + alight, s_per_km: station_leg });
            }
        }
        let (nx, ny, h) = (grid.nx, grid.ny, grid.h);
        let mut s = Surface { proj, nx, ny, x0: grid.x0, y0: grid.y0, h, values: Vec::new(), lipschitz: place_leg.max(station_leg), cones, radius_km: grid.radius_km };
        let bins = Bins::new(&s.cones, s.radius_km);
        let values: Vec<f64> = (0..ny)
            .into_par_iter()
            .flat_map_iter(|j| {
                let s = &s;
                let bins = &bins;
                (0..nx).map(move |i| {
                    let (x, y) = (s.x0 + i as f64 * h, s.y0 + j as f64 * h);
                    let (lon, lat) = s.proj.lonlat(x, y);
                    s.best(bins, x, y, lon, lat).map_or(f64::NAN, |t| t as f64)
                })
            })
            .collect();
        s.values = values;
        s
    }

    /// The exact surface at a WGS84 point (not interpolated), in whole seconds; `None` if unreached.
    pub fn time_at(&self, lon: f64, lat: f64) -> Option<Seconds> {
        let (x, y) = self.proj.xy(lon, lat);
        let bins = Bins::new(&self.cones, self.radius_km);
        self.best(&bins, x, y, lon, lat).map(Seconds)
    }

    fn best(&self, bins: &Bins, x: f64, y: f64, lon: f64, lat: f64) -> Option<u32> {
        let mut best = f64::INFINITY;
        bins.near(x, y, |k| {
            let c = &self.cones[k];
            let d = great_circle(c.lon, c.lat, lon, lat).0;
            if d <= self.radius_km {
                best = best.min(c.t0 + d * c.s_per_km);
            }
        });
        if best.is_finite() {
            Some(best.round() as u32)
        } else {
            None
        }
    }

    /// The grid as contour input.
    pub fn grid(&self) -> crate::contour::Grid<'_> {
        crate::contour::Grid { nx: self.nx, ny: self.ny, x0: self.x0, y0: self.y0, h: self.h, v: &self.values }
    }

    /// How far (seconds) the interpolated surface may be from the exact one: the steepest leg over a cell diagonal.
    pub fn tolerance(&self) -> f64 {
        self.lipschitz * self.h * std::f64::consts::SQRT_2
    }
}

/// Cones bucketed by square bins of the search radius, so a point looks at its own and the 8 neighbouring bins.
struct Bins {
    size: f64,
    map: std::collections::HashMap<(i64, i64), Vec<usize>>,
}

impl Bins {
    fn new(cones: &[Cone], radius: f64) -> Bins {
        // The projected distance differs from the great-circle one by the x-scale error of the projection
        // (cos(lat0)/cos(lat): under 1.1 within 4° of the centre latitude); bins 20% larger than the radius keep
        // every cone within the radius in the 3 × 3 neighbourhood.
        let size = radius * 1.2;
        let mut map: std::collections::HashMap<(i64, i64), Vec<usize>> = std::collections::HashMap::new();
        for (k, c) in cones.iter().enumerate() {
            map.entry(((c.x / size).floor() as i64, (c.y / size).floor() as i64)).or_default().push(k);
        }
        Bins { size, map }
    }
    fn near(&self, x: f64, y: f64, mut f: impl FnMut(usize)) {
        let (bi, bj) = ((x / self.size).floor() as i64, (y / self.size).floor() as i64);
        for dj in -1..=1 {
            for di in -1..=1 {
                if let Some(v) = self.map.get(&(bi + di, bj + dj)) {
                    for &k in v {
                        f(k);
                    }
                }
            }
        }
    }
}
