//! `ringsim matrix` and `ringsim graph`: all-pairs times, pairs missing a target, the pair matrix, the graph as CSV.

use crate::error::{Error, Result};
use crate::rings::fmt_cutoff;

use crate::table::Batch;
use super::{bind_one, load, measure_or, stage_or_print};
use std::path::Path;

/// Options of `ringsim matrix`.
pub struct MatrixArgs<'a> {
    pub scenario: &'a Path,
    pub nodes: &'a str,
    pub measure: Option<&'a str>,
    pub wide: bool,
    pub out: Option<&'a Path>,
    /// Keep only plan cities of these roles (seeds' `role` column).
    pub roles: Vec<String>,
    /// A pairwise target in minutes: report the pairs not within it.
    pub within: Option<f64>,
    /// Draw the pair matrix (PNG or SVG).
    pub plot: Option<&'a Path>,
}

/// `ringsim matrix`: all-pairs times between cities, counties or stations; with `within`, the pairs that miss a
/// pairwise target (each unordered pair counts by its slower direction), and with `plot` the pair-matrix chart.
pub fn matrix(a: &MatrixArgs) -> Result<String> {
    let set = crate::matrix::NodeSet::parse(a.nodes)?;
    if !a.roles.is_empty() && set != crate::matrix::NodeSet::Cities {
        return Err(Error::Usage("--roles filters plan cities: use it with --nodes cities".into()));
    }
    if let Some(w) = a.within {
        if !(w.is_finite() && w > 0.0 && w <= 10_080.0) {
            return Err(Error::Usage(format!("--within {w}: give the target in minutes, between 0 and 10080 (a week), e.g. 120")));
        }
    }
    if let Some(p) = a.plot {
        crate::plot::Format::of_option("--plot", p)?;
    }
    let loaded = load(&[a.scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let m = measure_or(a.measure, &b)?;
    // memory, estimated before any search: n² times (8 bytes each) and their CSV text (~48 bytes a pair)
    let n_nodes = match set {
        crate::matrix::NodeSet::Cities => b.net.cities.len(),
        crate::matrix::NodeSet::Counties => b.net.places.iter().filter(|p| p.kind.is_unit()).count(),
        crate::matrix::NodeSet::Stations => b.net.stations.len(),
    } as f64;
    crate::table::check_memory(n_nodes * n_nodes * 56.0, &format!("a {} × {} matrix of {}", n_nodes, n_nodes, a.nodes), "use --nodes cities or --roles to take fewer nodes")?;
    let g = super::build_graph(&b)?;
    let mut mx = crate::matrix::compute(b.net, &g, set, m);
    if !a.roles.is_empty() {
        let known: std::collections::BTreeSet<&str> = b.net.cities.iter().map(|c| c.role.as_str()).collect();
        for r in &a.roles {
            if !known.contains(r.as_str()) {
                return Err(Error::Usage(format!("--roles: no plan city has role '{r}'; the roles of this network are: {}", known.into_iter().collect::<Vec<_>>().join(", "))));
            }
        }
        let keep: Vec<usize> = (0..mx.members.len()).filter(|&i| a.roles.iter().any(|r| *r == b.net.cities[i].role)).collect();
        mx = mx.select(&keep);
    }
    let bytes = if a.wide { mx.wide_csv() } else { mx.long_csv() };
    let n = mx.members.len();
    // the matrix and its chart are written together: both or neither
    let mut batch = Batch::new();
    let mut text = if a.out.is_some() || a.within.is_none() {
        stage_or_print(&mut batch, a.out, bytes, &format!("{n} × {n} times ({}, measure {})", a.nodes, m.as_str()))?
    } else {
        String::new()
    };
    if let Some(w) = a.within {
        let limit = crate::units::Minutes(w).seconds();
        let mut missing = Vec::new();
        let mut pairs = 0;
        for i in 0..n {
            for j in i + 1..n {
                pairs += 1;
                let t = match (mx.times[i][j], mx.times[j][i]) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    _ => None,
                };
                if t.is_none_or(|t| t > limit) {
                    missing.push((t, i, j));
                }
            }
        }
        missing.sort_by(|x, y| y.0.map(|t| t.0).unwrap_or(u32::MAX).cmp(&x.0.map(|t| t.0).unwrap_or(u32::MAX)).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        text.push_str(&format!(
            "== {}: {} of {pairs} pairs of {n} {} within {} min ({} measure; a pair counts by its slower direction) ==\n",
            b.sc.name,
            pairs - missing.len(),
            a.nodes,
            fmt_cutoff(crate::units::Minutes(w)),
            m.as_str()
        ));
        for (t, i, j) in &missing {
            let tt = t.map(|t| format!("{} min", t.minutes())).unwrap_or_else(|| "unreachable".into());
            text.push_str(&format!("  not within: {} – {}: {tt}\n", mx.members[*i].name, mx.members[*j].name));
        }
    }
    if let Some(p) = a.plot {
        let fig = crate::plot::Heatmap {
            title: format!("{}: times between {}{} ({} measure), target {} min", b.sc.name, a.nodes, if a.roles.is_empty() { String::new() } else { format!(" of role {}", a.roles.join("/")) }, m.as_str(), a.within.map(|w| fmt_cutoff(crate::units::Minutes(w))).unwrap_or_else(|| "120".into())),
            labels: mx.members.iter().map(|x| x.name.trim_end_matches('市').to_string()).collect(),
            cells: mx.times.iter().map(|r| r.iter().map(|t| t.map(|t| t.0 as f64 / 60.0)).collect()).collect(),
            limit: a.within.unwrap_or(120.0),
        };
        batch.file("--plot", p, &crate::plot::encode(&fig, p)?)?;
        text.push_str(&format!("wrote {}\n", p.display()));
    }
    batch.commit()?;
    Ok(text)
}

/// `ringsim graph`: the scenario's search graph as an edge list (and optionally a node list).
pub fn graph(scenario: &Path, out: &Path, nodes: Option<&Path>) -> Result<String> {
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let g = super::build_graph(&b)?;
    // edges and nodes are written together: both or neither
    let mut batch = Batch::new();
    batch.file("--out", out, &crate::export::edges_csv(b.net, &g))?;
    let mut t = format!("wrote {} edges of '{}' to {}\n", g.edge_count(), b.sc.name, out.display());
    if let Some(n) = nodes {
        batch.file("--nodes", n, &crate::export::nodes_csv(b.net, &g))?;
        t.push_str(&format!("wrote {} nodes to {}\n", g.node_count(), n.display()));
    }
    batch.commit()?;
    Ok(t)
}
