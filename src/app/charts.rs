//! `ringsim chart`: population and plan cities within each cutoff across scenarios.

use crate::error::{Error, Result};
use crate::rings::{fmt_cutoff, Reach};
use crate::scenario::Bound;
use crate::table::{Batch, CsvOut};
use super::load;
use std::path::Path;
use super::maps::millions;
use rayon::prelude::*;
use std::path::PathBuf;

/// The columns of the CSV `chart` writes beside its image.
const CSV_COLUMNS: [&str; 6] = ["scenario", "as_of", "cutoff_min", "population", "plan_cities", "counties"];

/// The CSV beside the image replaces an earlier chart's CSV (a rerun), never another file the user did not name:
/// `--out scenarios/zhengkai/commute-pairs.png` would otherwise replace the pairs file `od` reads. A file there
/// whose first line is not a chart's header (with or without a byte-order mark) is refused before any work.
fn only_a_chart_csv_there(out: &Path, csv_path: &Path) -> Result<()> {
    use std::io::Read;
    // the first line is all that is looked at: the first 4 kB hold it
    let Ok(f) = std::fs::File::open(csv_path) else { return Ok(()) };
    let mut head = Vec::new();
    if f.take(4096).read_to_end(&mut head).is_err() {
        return Ok(()); // a folder there: main's output check names it
    }
    let text = String::from_utf8_lossy(&head);
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("").trim_end_matches('\r');
    // an empty file loses nothing when replaced
    if head.is_empty() || first == CSV_COLUMNS.join(",") {
        return Ok(());
    }
    let shown: String = first.chars().take(60).collect();
    Err(Error::Usage(format!(
        "--out {}: chart writes its numbers to {} beside the image, but a file there is not a chart's CSV (its first line is '{shown}'), and chart replaces only its own; give --out another name, or move that file",
        out.display(),
        csv_path.display()
    )))
}

/// `ringsim chart`: population and plan cities within each cutoff, per scenario. As-built scenarios (no projects
/// added or removed, all of one network, origin and measure, distinct dates) are drawn as lines over their `as_of`
/// year; any other set as grouped bars, one group per scenario. Also writes the numbers as CSV next to the image.
pub fn chart(paths: &[PathBuf], out: &Path) -> Result<String> {
    use crate::plot::{colour, Chart, Series, Stack};
    crate::plot::Format::of_option("--out", out)?;
    let csv_path = out.with_extension("csv");
    only_a_chart_csv_there(out, &csv_path)?;
    let loaded = load(paths)?;
    let bound = loaded.bind_all()?;
    let first = &bound[0];
    for b in &bound[1..] {
        if b.sc.cutoffs != first.sc.cutoffs || b.sc.measure != first.sc.measure || !std::ptr::eq(b.net, first.net) || b.origin != first.origin {
            return Err(Error::Usage(format!(
                "'{}' and '{}' differ in network, origin, cutoffs or measure; a chart compares scenarios that share them",
                first.sc.name, b.sc.name
            )));
        }
    }
    let sums: Vec<Vec<crate::rings::RingSummary>> = bound
        .par_iter()
        .map(|b| {
            let g = super::build_graph(b)?;
            Ok(Reach::compute(b, &g).summaries(b.net))
        })
        .collect::<Result<_>>()?;
    let mut dates: Vec<_> = bound.iter().map(|b| b.sc.as_of).collect();
    dates.sort();
    dates.dedup();
    let over_years = dates.len() == bound.len() && bound.iter().all(|b| b.sc.added.is_empty() && b.sc.removed.is_empty());
    let origin = &first.net.cities[first.origin.i()].name;
    let year = |b: &Bound| b.sc.as_of.fractional_year();
    let mut order: Vec<usize> = (0..bound.len()).collect();
    if over_years {
        order.sort_by(|&a, &b| bound[a].sc.as_of.cmp(&bound[b].sc.as_of));
    }
    let m = first.sc.measure.as_str();
    let mut pop = Chart::new(format!("Population within reach of {origin} ({m} measure)"), if over_years { "as built on (tick = 1 January; a step where the network changed during the year before)" } else { "scenario" }, "population (millions)");
    let mut cities = Chart::new(format!("Plan cities within reach of {origin}"), if over_years { "as built on (tick = 1 January; a step where the network changed during the year before)" } else { "scenario" }, "plan cities");
    let nc = first.sc.cutoffs.len();
    for (k, c) in first.sc.cutoffs.iter().enumerate() {
        let label = format!("within {} min", fmt_cutoff(*c));
        let col = colour(k);
        let (pp, cp): (Vec<(f64, f64)>, Vec<(f64, f64)>) = order
            .iter()
            .enumerate()
            .map(|(pos, &i)| {
                let x = if over_years { year(&bound[i]) } else { pos as f64 };
                ((x, sums[i][k].population as f64 / 1e6), (x, sums[i][k].cities.len() as f64))
            })
            .unzip();
        if over_years {
            // steps: the network changes when a project opens, not gradually between two year ends
            let mut s1 = Series::line(label.clone(), pp, col);
            s1.step = true;
            let mut s2 = Series::line(label, cp, col);
            s2.step = true;
            pop.series.push(s1);
            cities.series.push(s2);
        } else {
            let w = 0.8 / nc as f64;
            let off = -0.4 + w * (k as f64 + 0.5);
            let mut s1 = Series::line(label.clone(), pp, col);
            s1.bar = Some((off, w * 0.95));
            let mut s2 = Series::line(label, cp, col);
            s2.bar = Some((off, w * 0.95));
            pop.series.push(s1);
            cities.series.push(s2);
        }
    }
    for c in [&mut pop, &mut cities] {
        if over_years {
            c.integer_x = true;
        } else {
            c.categories = order.iter().map(|&i| bound[i].sc.name.clone()).collect();
        }
    }
    let ymax = sums.iter().flat_map(|s| s.iter().map(|r| r.population)).max().unwrap_or(0) as f64 / 1e6;
    pop.y_range = Some((0.0, (ymax * 1.1).max(1.0)));
    let cmax = sums.iter().flat_map(|s| s.iter().map(|r| r.cities.len())).max().unwrap_or(0) as f64;
    cities.y_range = Some((0.0, (cmax * 1.1).max(1.0) + 1.0));
    cities.footnote = format!("来源 Source: ringsim model of network '{}'; population: 2020 census; each scenario's own network (as built or plan)", first.net.name);
    let fig = Stack { charts: vec![pop, cities], size: (1300, 1300) };
    // the image and its numbers as CSV beside it are written together: both or neither
    let mut batch = Batch::new();
    batch.file("--out", out, &crate::plot::encode(&fig, out)?)?;
    let mut w = CsvOut::new(&CSV_COLUMNS);
    let mut text = format!("== {} scenarios, origin {origin}, {m} measure ==\n", bound.len());
    for &i in &order {
        let b = &bound[i];
        for r in &sums[i] {
            w.row([b.sc.name.clone(), b.sc.as_of.to_string(), fmt_cutoff(r.cutoff), r.population.to_string(), r.cities.len().to_string(), r.counties.to_string()]);
        }
        let cells: Vec<String> = sums[i].iter().map(|r| format!("{}: {} ({} cities)", fmt_cutoff(r.cutoff), millions(r.population), r.cities.len())).collect();
        text.push_str(&format!("  {:<20} {}  {}\n", b.sc.name, b.sc.as_of, cells.join(", ")));
    }
    batch.file("--out (its CSV beside the image)", &csv_path, &w.into_bytes())?;
    batch.commit()?;
    text.push_str(&format!("wrote {} and {}\n", out.display(), csv_path.display()));
    Ok(text)
}
