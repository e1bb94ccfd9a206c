//! The breakdowns of a validation's G/D/C error, by observed time and by the observed trains a day for the pair,
//! against hand-computed values, with every band edge; `tests/cli.rs` checks their figures in the calibration file
//! against the pairs CSV of the same run.
use ringsim::calibrate::{Evaluation, PairResult, Stats, TIME_BANDS, TRAIN_BANDS};
use ringsim::network::StationIx;

fn pair(observed: f64, model: f64, fast: bool, trains: Option<u64>) -> PairResult {
    PairResult { from: "甲".into(), to: "乙".into(), observed, model, fast, changes: 0, ends: (StationIx(0), StationIx(1)), cause: None, stop_range: None, service: None, observed_trains: trains }
}

fn eval(pairs: Vec<PairResult>) -> Evaluation {
    Evaluation { pairs, unmatched: Vec::new(), fast: Stats::default(), conventional: Stats::default(), all: Stats::default() }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The one band of each breakdown a single G/D/C pair falls in (panics unless exactly one).
fn bands_of(observed: f64, trains: Option<u64>) -> (&'static str, &'static str) {
    let e = eval(vec![pair(observed, observed + 1.0, true, trains)]);
    let one = |rows: Vec<(&'static str, &'static str, Stats)>| {
        let hit: Vec<&'static str> = rows.iter().filter(|r| r.2.n > 0).map(|r| r.0).collect();
        assert_eq!(hit.len(), 1, "{observed} min, {trains:?} trains: in {hit:?}");
        assert!(rows.iter().all(|r| r.2.n <= 1));
        hit[0]
    };
    (one(e.fast_by_time()), one(e.fast_by_trains()))
}

#[test]
fn every_band_edge_by_hand() {
    // a band's lower end is in it, its upper end in the next
    for (m, key) in [(0.5, "under_1h"), (59.9, "under_1h"), (60.0, "1h_2h"), (119.9, "1h_2h"), (120.0, "2h_3h20"), (199.9, "2h_3h20"), (200.0, "over_3h20"), (2880.0, "over_3h20")] {
        assert_eq!(bands_of(m, Some(1)).0, key, "{m} min");
    }
    for (n, key) in [(Some(1), "trains_1"), (Some(2), "trains_2_4"), (Some(4), "trains_2_4"), (Some(5), "trains_5_19"), (Some(19), "trains_5_19"), (Some(20), "trains_20_up"), (Some(100_000), "trains_20_up"), (None, "trains_not_given")] {
        assert_eq!(bands_of(30.0, n).1, key, "{n:?} trains");
    }
    assert_eq!(TIME_BANDS.len(), 4);
    assert_eq!(TRAIN_BANDS.len(), 4);
}

#[test]
fn band_figures_by_hand() {
    let e = eval(vec![
        pair(30.0, 33.0, true, Some(1)),    // under 1 h, +3, one train
        pair(59.9, 50.0, true, Some(25)),   // under 1 h, −9.9, twenty or more
        pair(60.0, 61.0, true, None),       // 1–2 h, +1, not given
        pair(250.0, 240.0, true, Some(3)),  // 3 h 20 and over, −10 (not more than 10), 2–4
        pair(210.0, 230.5, true, None),     // 3 h 20 and over, +20.5, not given
        pair(100.0, 300.0, false, Some(1)), // conventional: in no G/D/C band
    ]);
    let t = e.fast_by_time();
    assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), TIME_BANDS.iter().map(|b| b.0).collect::<Vec<_>>());
    assert_eq!(t.iter().map(|x| x.2.n).collect::<Vec<_>>(), vec![2, 1, 0, 2]);
    let (mae, bias): (Vec<f64>, Vec<f64>) = (t.iter().map(|x| x.2.mae).collect(), t.iter().map(|x| x.2.bias).collect());
    assert!(close(mae[0], 6.45) && close(bias[0], -3.45), "{mae:?} {bias:?}");
    assert!(close(mae[1], 1.0) && close(mae[2], 0.0) && close(mae[3], 15.25) && close(bias[3], 5.25), "{mae:?} {bias:?}");
    assert_eq!(t.iter().map(|x| x.2.over_10).collect::<Vec<_>>(), vec![0, 0, 0, 1]);
    let b = e.fast_by_trains();
    let mut want: Vec<&str> = TRAIN_BANDS.iter().map(|b| b.0).collect();
    want.push("trains_not_given");
    assert_eq!(b.iter().map(|x| x.0).collect::<Vec<_>>(), want);
    assert_eq!(b.iter().map(|x| x.2.n).collect::<Vec<_>>(), vec![1, 1, 0, 1, 2]);
    let figures: Vec<(f64, f64)> = b.iter().map(|x| (x.2.mae, x.2.bias)).collect();
    assert!(close(b[0].2.bias, 3.0) && close(b[1].2.bias, -10.0) && close(b[3].2.bias, -9.9) && close(b[4].2.mae, 10.75) && close(b[4].2.bias, 10.75), "{figures:?}");
    // without a pair lacking a count, there is no "not given" band
    let e = eval(vec![pair(30.0, 33.0, true, Some(1))]);
    assert_eq!(e.fast_by_trains().len(), TRAIN_BANDS.len());
}
