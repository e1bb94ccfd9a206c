//! The breakdowns of a validation's G/D/C error (by observed time and by the observed trains a day), against
//! hand-computed values, and their figures in the calibration file against the pairs CSV the same run writes.
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

#[test]
fn bands_by_hand() {
    let e = eval(vec![
        pair(30.0, 33.0, true, Some(1)),    // under 1 h, +3, one train
        pair(59.9, 50.0, true, Some(25)),   // under 1 h, −9.9, twenty or more
        pair(60.0, 61.0, true, None),       // 1–2 h (a band's lower end is in it), +1, not given
        pair(250.0, 240.0, true, Some(3)),  // 3 h 20 and over, −10 (not more than 10), 2–4
        pair(210.0, 230.5, true, Some(0)),  // 3 h 20 and over, +20.5, 0 trains: counted as not given
        pair(100.0, 300.0, false, Some(1)), // conventional: in no G/D/C band
    ]);
    let t = e.fast_by_time();
    assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), TIME_BANDS.iter().map(|b| b.0).collect::<Vec<_>>());
    let (n, mae, bias, over): (Vec<usize>, Vec<f64>, Vec<f64>, Vec<usize>) = (t.iter().map(|x| x.2.n).collect(), t.iter().map(|x| x.2.mae).collect(), t.iter().map(|x| x.2.bias).collect(), t.iter().map(|x| x.2.over_10).collect());
    assert_eq!(n, vec![2, 1, 0, 2]);
    assert!(close(mae[0], 6.45) && close(bias[0], -3.45), "{mae:?} {bias:?}");
    assert!(close(mae[1], 1.0) && close(mae[2], 0.0) && close(mae[3], 15.25) && close(bias[3], 5.25), "{mae:?} {bias:?}");
    assert_eq!(over, vec![0, 0, 0, 1]);
    let b = e.fast_by_trains();
    let keys: Vec<&str> = b.iter().map(|x| x.0).collect();
    let mut want: Vec<&str> = TRAIN_BANDS.iter().map(|b| b.0).collect();
    want.push("trains_not_given");
    assert_eq!(keys, want);
    assert_eq!(b.iter().map(|x| x.2.n).collect::<Vec<_>>(), vec![1, 1, 0, 1, 2]);
    assert!(close(b[0].2.bias, 3.0) && close(b[1].2.bias, -10.0) && close(b[3].2.bias, -9.9 + 0.0) && close(b[4].2.mae, 10.75), "{:?}", b.iter().map(|x| (x.2.mae, x.2.bias)).collect::<Vec<_>>());
    // every G/D/C pair is in exactly one band of each breakdown
    let fast = e.pairs.iter().filter(|p| p.fast).count();
    assert_eq!(t.iter().map(|x| x.2.n).sum::<usize>(), fast);
    assert_eq!(b.iter().map(|x| x.2.n).sum::<usize>(), fast);
    // without a pair lacking a count, there is no "not given" band
    let e = eval(vec![pair(30.0, 33.0, true, Some(1))]);
    assert_eq!(e.fast_by_trains().len(), TRAIN_BANDS.len());
}
