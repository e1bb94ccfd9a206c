//! The departure-window search (`ringsim od --window`) on the real 中原 timetable (asbuilt-2025): one
//! earliest-arrival search from 郑州东 at one minute, and one whole window (07:00–09:00, every minute of every
//! draw) from 郑州东 to every station. The answer is checked first: the search's labels equal the slow fixed-point
//! reference (`Timetable::earliest_reference`) at several minutes and draws, and no trip
//! over the window is faster than the station measure. The README ("Speed") quotes the times.
//!
//! Run with `cargo bench --bench window`.

use criterion::Criterion;
use ringsim::app::load;
use ringsim::graph::Graph;
use ringsim::network::StationIx;
use ringsim::window::{Schedules, Timetable, Window};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/asbuilt-2025.toml");
    let loaded = load(&[path]).expect("bundled scenario loads");
    let b = loaded.bind_all().expect("binds").remove(0);
    let g = Graph::build(&b);
    let net = b.net;
    let n = net.stations.len();
    let origin = net.station("ZAF").expect("郑州东 is in the network");
    let sch = Schedules::build(&b, &g);
    // check the answer first
    for d in [0, 3, 9] {
        let tt = sch.timetable(d);
        for t in [6 * 3600, 7 * 3600 + 1234, 13 * 3600, 21 * 3600 + 59 * 60] {
            assert_eq!(tt.earliest(origin, t, None), tt.earliest_reference(origin, t), "draw {d}, minute {t}: the search and the reference differ");
        }
    }
    let w = Window::parse("07:00-09:00").expect("a window");
    let dests: Vec<StationIx> = (0..n as u32).map(StationIx).filter(|s| *s != origin && g.station_open[s.i()]).collect();
    let pairs: Vec<(StationIx, StationIx)> = dests.iter().map(|d| (origin, *d)).collect();
    let stat = ringsim::od::times_measured(
        net,
        &g,
        &pairs.iter().map(|(a, z)| (ringsim::od::Endpoint::Station(*a), ringsim::od::Endpoint::Station(*z))).collect::<Vec<_>>(),
        Some(ringsim::scenario::Measure::Station),
    );
    let res = ringsim::window::pairs(&sch, &pairs, &w, &[1]);
    for (i, r) in res.iter().enumerate() {
        if let (Some(fast), Some(st)) = (r.percentiles[0], stat[i].0) {
            assert!(fast >= st.0, "{}: {fast} s over the window beats the station measure's {} s", net.stations[dests[i].i()].name, st.0);
        }
    }
    let tts: Vec<Timetable> = (0..sch.draws()).map(|d| sch.timetable(d)).collect();
    let t0 = Instant::now();
    let mut runs = 0;
    while t0.elapsed().as_secs_f64() < 2.0 {
        std::hint::black_box(ringsim::window::profile(&tts, origin, &dests, &w));
        runs += 1;
    }
    let per_window = t0.elapsed().as_secs_f64() / runs as f64;
    println!(
        "window 07:00–09:00 from 郑州东 to {} stations, {} draws: {:.0} ms ({} searches, {:.0} µs each)",
        dests.len(),
        sch.draws(),
        per_window * 1e3,
        120 * sch.draws(),
        per_window * 1e6 / f64::from(120 * sch.draws())
    );
    let mut c = Criterion::default().configure_from_args();
    let tt = sch.timetable(0);
    c.bench_function("one earliest-arrival search from 郑州东 (asbuilt-2025)", |x| x.iter(|| tt.earliest(origin, 7 * 3600, None)));
    c.final_summary();
}
