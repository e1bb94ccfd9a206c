//! Filled contour bands of a gridded surface (marching squares), as polygons with holes.
//!
//! Part of the rings/surface stage: [`crate::surface`] samples travel times on a regular grid, this module turns
//! them into the regions between consecutive levels, and [`crate::map`] draws them or writes them as GeoJSON.
//!
//! For each level `c` the boundary of `{v ≤ c}` is traced as closed rings, oriented with the region on the left
//! (outer rings counter-clockwise, holes clockwise). The grid is padded with a border that lies above every level,
//! so every ring closes inside the padded extent. Saddle cells are resolved with the mean of their four corners,
//! the same way for every level, so rings of different levels never cross. Band k (between levels k−1 and k) is
//! bounded by the rings of level k and the reversed rings of level k−1; its polygons are its counter-clockwise
//! rings, each with the clockwise rings whose smallest enclosing counter-clockwise ring it is.

use std::collections::HashMap;

/// A closed ring of points (x, y), last point not repeated.
pub type Ring = Vec<(f64, f64)>;

/// A polygon: an outer ring (counter-clockwise) and its holes (clockwise).
#[derive(Clone, Debug, Default)]
pub struct Polygon {
    pub outer: Ring,
    pub holes: Vec<Ring>,
}

impl Polygon {
    pub fn area(&self) -> f64 {
        signed_area(&self.outer) + self.holes.iter().map(signed_area).sum::<f64>()
    }
    /// Whether `p` lies inside the outer ring and in none of the holes.
    pub fn contains(&self, p: (f64, f64)) -> bool {
        point_in_ring(p, &self.outer) && !self.holes.iter().any(|h| point_in_ring(p, h))
    }
}

/// The area of a band's polygons: 0 (never −0, which an empty `f64` sum gives) when it has none.
pub fn total_area(polys: &[Polygon]) -> f64 {
    polys.iter().fold(0.0, |a, p| a + p.area())
}

/// Samples `v[j * nx + i]` at `(x0 + i * h, y0 + j * h)`; NaN is read as "above every level".
pub struct Grid<'a> {
    pub nx: usize,
    pub ny: usize,
    pub x0: f64,
    pub y0: f64,
    pub h: f64,
    pub v: &'a [f64],
}

impl Grid<'_> {
    /// The value at padded index (i, j), where the padding ring (i or j = -1 or n) is `+∞`.
    fn at(&self, i: isize, j: isize) -> f64 {
        if i < 0 || j < 0 || i >= self.nx as isize || j >= self.ny as isize {
            return f64::INFINITY;
        }
        let v = self.v[j as usize * self.nx + i as usize];
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    }
    fn xy(&self, i: isize, j: isize) -> (f64, f64) {
        (self.x0 + i as f64 * self.h, self.y0 + j as f64 * self.h)
    }
    /// The padded extent: the rectangle every ring lies in.
    pub fn extent(&self) -> (f64, f64, f64, f64) {
        let (a, b) = self.xy(-1, -1);
        let (c, d) = self.xy(self.nx as isize, self.ny as isize);
        (a, b, c, d)
    }
    /// The surface at a point by bilinear interpolation of the samples (the surface the contours follow).
    pub fn interpolate(&self, x: f64, y: f64) -> f64 {
        let fx = (x - self.x0) / self.h;
        let fy = (y - self.y0) / self.h;
        let (i, j) = (fx.floor() as isize, fy.floor() as isize);
        let (tx, ty) = (fx - i as f64, fy - j as f64);
        let (a, b, c, d) = (self.at(i, j), self.at(i + 1, j), self.at(i, j + 1), self.at(i + 1, j + 1));
        if [a, b, c, d].iter().any(|v| v.is_infinite()) {
            return f64::INFINITY;
        }
        a * (1.0 - tx) * (1.0 - ty) + b * tx * (1.0 - ty) + c * (1.0 - tx) * ty + d * tx * ty
    }
}

/// How far (as a fraction of a cell side) a crossing stays from a grid corner.
const CORNER_GAP: f64 = 0.01;

/// Where on an edge from value `a` to value `b` (one at most `c`, the other above it) the level `c` crosses, as a
/// fraction from `a`. Strictly increasing in `c` on every edge, so rings of different levels never touch or cross,
/// and kept at least [`CORNER_GAP`] from the corners, so a sample exactly at a level does not pinch a ring there
/// (a ring that touches itself is invalid GeoJSON).
///
/// Between two samples: linear interpolation, mapped into [gap, 1 − gap]. Towards an infinite value (unreached,
/// the padding, a newly reached saving) the surface has no slope to interpolate: the crossing lies in the half
/// of the edge at the finite sample, further out the further the level is from that sample's value. Between −∞
/// and +∞: around the middle, ordered by the level.
pub fn crossing(a: f64, b: f64, c: f64) -> f64 {
    let gap = CORNER_GAP;
    let near = |finite: f64| {
        let d = (c - finite).abs();
        gap + (0.5 - gap) * (1.0 - (-d / (600.0 + 0.5 * finite.abs())).exp())
    };
    match (a.is_finite(), b.is_finite()) {
        (true, true) => gap + (1.0 - 2.0 * gap) * ((c - a) / (b - a)).clamp(0.0, 1.0),
        (true, false) => near(a),
        (false, true) => 1.0 - near(b),
        (false, false) => {
            let s = 0.5 + 0.45 * c / (c.abs() + 1e4);
            if a < b { s } else { 1.0 - s }
        }
    }
}

/// Identifies a crossing point by the grid edge it lies on: (i, j, 0) horizontal edge from (i,j) to (i+1,j),
/// (i, j, 1) vertical edge from (i,j) to (i,j+1).
type EdgeId = (isize, isize, u8);

/// Rings of the boundary of `{v ≤ c}`, oriented with the region on the left.
pub fn level_rings(g: &Grid, c: f64) -> Vec<Ring> {
    // Infinite values (the +∞ padding, unreached points, a −∞ "newly reached" saving) are clamped to large finite
    // ones so that interpolated crossings stay finite.
    let finite_big = 1e12;
    let val = |i: isize, j: isize| g.at(i, j).clamp(-finite_big, finite_big);
    let inside = |i: isize, j: isize| g.at(i, j) <= c;
    let cross = |e: EdgeId| -> (f64, f64) {
        let (i, j, dir) = e;
        let (i2, j2) = if dir == 0 { (i + 1, j) } else { (i, j + 1) };
        let (p, q) = (g.xy(i, j), g.xy(i2, j2));
        let t = crossing(g.at(i, j), g.at(i2, j2), c);
        (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
    };
    // Segments from edge to edge, keyed by their start edge.
    let mut next: HashMap<EdgeId, EdgeId> = HashMap::new();
    for j in -1..g.ny as isize {
        for i in -1..g.nx as isize {
            // corners counter-clockwise from bottom-left, and the edge after each corner
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let edges: [EdgeId; 4] = [(i, j, 0), (i + 1, j, 1), (i, j + 1, 0), (i, j, 1)];
            let ins: Vec<bool> = corners.iter().map(|&(a, b)| inside(a, b)).collect();
            let n_in = ins.iter().filter(|&&x| x).count();
            if n_in == 0 || n_in == 4 {
                continue;
            }
            // Walking the cell boundary counter-clockwise, edge k runs from corner k to corner k+1. An exit edge
            // leaves the region (corner k inside, k+1 outside), an entry edge comes back in. Around the region
            // counter-clockwise (region on the left), a segment runs from an exit edge to an entry edge.
            let exits: Vec<usize> = (0..4).filter(|&k| ins[k] && !ins[(k + 1) % 4]).collect();
            if exits.len() == 1 {
                let entry = (0..4).find(|&k| !ins[k] && ins[(k + 1) % 4]).expect("one exit implies one entry");
                next.insert(edges[exits[0]], edges[entry]);
            } else {
                // Saddle: two inside corners opposite. With the centre inside they join through the middle and
                // each outside corner is cut off (exit k → entry k+1); otherwise each inside corner is cut off
                // alone (exit k → entry k−1).
                let mean = corners.iter().map(|&(a, b)| val(a, b)).sum::<f64>() / 4.0;
                let centre_in = mean <= c;
                for &k in &exits {
                    let entry = if centre_in { (k + 1) % 4 } else { (k + 3) % 4 };
                    next.insert(edges[k], edges[entry]);
                }
            }
        }
    }
    // Follow the segments into rings, starting from the smallest edge id for a deterministic order.
    let mut starts: Vec<EdgeId> = next.keys().copied().collect();
    starts.sort();
    let mut used: HashMap<EdgeId, bool> = HashMap::new();
    let mut rings = Vec::new();
    for s in starts {
        if used.contains_key(&s) {
            continue;
        }
        let mut ring = Vec::new();
        let mut e = s;
        loop {
            used.insert(e, true);
            ring.push(cross(e));
            e = next[&e];
            if e == s {
                break;
            }
        }
        dedup_ring(&mut ring);
        if ring.len() >= 3 && signed_area(&ring).abs() > 0.0 {
            rings.push(ring);
        }
    }
    rings
}

fn dedup_ring(r: &mut Ring) {
    r.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12);
    while r.len() > 1 && {
        let (a, b) = (r[0], r[r.len() - 1]);
        (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12
    } {
        r.pop();
    }
}

/// Shoelace area, positive for counter-clockwise rings.
pub fn signed_area(r: &Ring) -> f64 {
    let n = r.len();
    let mut s = 0.0;
    for k in 0..n {
        let (a, b) = (r[k], r[(k + 1) % n]);
        s += a.0 * b.1 - b.0 * a.1;
    }
    s / 2.0
}

/// Even–odd point in ring.
pub fn point_in_ring(p: (f64, f64), r: &Ring) -> bool {
    let mut inside = false;
    let n = r.len();
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = r[i];
        let (xj, yj) = r[j];
        if (yi > p.1) != (yj > p.1) && p.0 < (xj - xi) * (p.1 - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Groups oriented rings into polygons: each counter-clockwise ring is an outer ring, each clockwise ring a hole
/// of the smallest outer ring that contains it.
pub fn polygons(rings: Vec<Ring>) -> Vec<Polygon> {
    let (mut outers, holes): (Vec<Ring>, Vec<Ring>) = rings.into_iter().partition(|r| signed_area(r) > 0.0);
    outers.sort_by(|a, b| signed_area(a).partial_cmp(&signed_area(b)).unwrap());
    let mut polys: Vec<Polygon> = outers.into_iter().map(|o| Polygon { outer: o, holes: Vec::new() }).collect();
    for h in holes {
        // A vertex of a hole lies strictly inside its enclosing outer ring (rings never cross).
        let p = h[0];
        if let Some(k) = polys.iter().position(|poly| signed_area(&poly.outer) > -signed_area(&h) && point_in_ring(p, &poly.outer)) {
            polys[k].holes.push(h);
        }
    }
    polys.reverse();
    polys
}

/// The bands of `g` between consecutive `levels` (increasing): band 0 is `v ≤ levels[0]`, band k is
/// `levels[k-1] < v ≤ levels[k]`, and the last band, `v > levels[last]` (NaN included), fills the rest of the
/// padded extent.
pub fn bands(g: &Grid, levels: &[f64]) -> Vec<Vec<Polygon>> {
    let per_level: Vec<Vec<Ring>> = levels.iter().map(|&c| level_rings(g, c)).collect();
    let reversed = |rs: &Vec<Ring>| rs.iter().map(|r| r.iter().rev().copied().collect::<Ring>()).collect::<Vec<Ring>>();
    let mut out = Vec::new();
    for k in 0..=levels.len() {
        let mut rings: Vec<Ring> = Vec::new();
        if k < levels.len() {
            rings.extend(per_level[k].iter().cloned());
        } else {
            let (a, b, c, d) = g.extent();
            rings.push(vec![(a, b), (c, b), (c, d), (a, d)]);
        }
        if k > 0 {
            rings.extend(reversed(&per_level[k - 1]));
        }
        out.push(polygons(rings));
    }
    out
}
