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

mod by_line {
    //! The folds of the cross-validation by line (`calibrate::folds_by_line`): a hand-computed case, properties on
    //! random inputs, and the line each bundled pair's train runs mostly on (`calibrate::main_lines`).
    use ringsim::calibrate::{folds, folds_by_line, heaviest, main_lines, start_params, Observed};

    /// `f` with the bundled asbuilt-2020 network and scenario, every train timed by the physics (as `calibrate`
    /// fits it).
    fn with_bundled_2020(f: impl FnOnce(&ringsim::scenario::Bound, &ringsim::network::Network)) {
        let sc = ringsim::scenario::Scenario::read(&super::repo().join("scenarios/asbuilt-2020.toml")).unwrap();
        let net = ringsim::network::Network::load(&sc.network_dir).unwrap();
        let mut b = sc.bind(&net).unwrap();
        ringsim::services::physics_only(&mut b.services);
        f(&b, &net);
    }

    fn obs(from: &str, to: &str) -> Observed {
        Observed { line: 2, from: from.into(), to: to.into(), minutes: 10.0, ends: None, why_unmatched: String::new(), fast_train: Some(true), trains: None, as_of: None }
    }

    #[test]
    fn lines_dealt_by_hand() {
        // lines a (5 pairs), b (3), c (3), d (1), and two pairs without a line; 2 folds. Largest first, each to the
        // emptier fold: a → 0 (5), b → 1 (3), c → 1 (6: 3 < 5), d → 0 (6: 5 < 6). The two without a line keep
        // their fold by pair: X–Y is the 1st unordered pair, Y–X the same, so both fold 0.
        let mut o = Vec::new();
        let mut l = Vec::new();
        for (name, n) in [("a", 5), ("b", 3), ("c", 3), ("d", 1)] {
            for i in 0..n {
                o.push(obs(&format!("{name}{i}"), &format!("{name}{i}'")));
                l.push(Some(name.to_string()));
            }
        }
        o.insert(0, obs("X", "Y"));
        l.insert(0, None);
        o.push(obs("Y", "X"));
        l.push(None);
        let f = folds_by_line(&o, &l, 2);
        let of = |name: &str| f[l.iter().position(|x| x.as_deref() == Some(name)).unwrap()];
        assert_eq!((of("a"), of("b"), of("c"), of("d")), (0, 1, 1, 0));
        assert_eq!((f[0], f[f.len() - 1]), (0, 0));
        // every pair of a line in its line's fold
        for (x, fx) in l.iter().zip(&f) {
            if let Some(x) = x {
                assert_eq!(*fx, of(x));
            }
        }
    }

    #[test]
    fn lines_of_equal_size_dealt_in_the_order_of_their_ids() {
        // 3 folds; a (2 pairs), then b, c, d, e (1 each) in id order: a → 0, b → 1, c → 2, d → 1 (loads 2, 1, 1: the
        // lower of the two emptiest), e → 2. Taken in the reverse id order they would fall b 2, c 1, d 2, e 1.
        let names = ["e", "d", "c", "b", "a", "a"];
        let o: Vec<Observed> = names.iter().enumerate().map(|(i, n)| obs(&format!("{n}{i}"), "z")).collect();
        let l: Vec<Option<String>> = names.iter().map(|n| Some(n.to_string())).collect();
        let f = folds_by_line(&o, &l, 3);
        assert_eq!(f, vec![2, 1, 2, 1, 0, 0]);
    }

    #[test]
    fn the_heaviest_line_and_its_ties() {
        let m = |v: &[(&'static str, f64)]| v.iter().copied().collect::<std::collections::BTreeMap<&str, f64>>();
        assert_eq!(heaviest(&m(&[])), None);
        assert_eq!(heaviest(&m(&[("b", 2.0), ("a", 1.0)])), Some("b"));
        assert_eq!(heaviest(&m(&[("b", 2.0), ("a", 2.0), ("c", 1.5)])), Some("a"));
        assert_eq!(heaviest(&m(&[("a", 1.0), ("c", 3.0), ("b", 3.0)])), Some("b"));
    }

    #[test]
    fn random_lines_keep_together_balance_and_ignore_the_order_of_the_rows() {
        let mut rng = super::Rng(77);
        for case in 0..300 {
            let k = 2 + rng.below(5) as usize;
            let n_lines = 1 + rng.below(12) as usize;
            let n = 1 + rng.below(60) as usize;
            let mut o = Vec::new();
            let mut l = Vec::new();
            for i in 0..n {
                o.push(obs(&format!("s{}", rng.below(20)), &format!("t{i}")));
                l.push(if rng.below(8) == 0 { None } else { Some(format!("line{}", rng.below(n_lines as u64))) });
            }
            let f = folds_by_line(&o, &l, k);
            assert!(f.iter().all(|&x| x < k), "case {case}");
            let mut fold_of = std::collections::BTreeMap::new();
            let mut size = std::collections::BTreeMap::new();
            for (x, fx) in l.iter().zip(&f) {
                if let Some(x) = x {
                    assert_eq!(*fold_of.entry(x.clone()).or_insert(*fx), *fx, "case {case}: line {x} split across folds");
                    *size.entry(x.clone()).or_insert(0usize) += 1;
                }
            }
            // largest first into the emptiest fold: the loads differ by at most the largest line
            let mut load = vec![0usize; k];
            for (x, s) in &size {
                load[fold_of[x]] += s;
            }
            let largest = size.values().copied().max().unwrap_or(0);
            assert!(load.iter().max().unwrap() - load.iter().min().unwrap() <= largest, "case {case}: loads {load:?}, largest line {largest}");
            // as many folds used as there are lines, up to k
            assert_eq!(load.iter().filter(|&&x| x > 0).count(), size.len().min(k), "case {case}: loads {load:?}");
            // pairs without a line keep their fold by pair, among the folds the lines use (more folds than lines:
            // one line each, leave one line out)
            let by_pair = folds(&o, k.min(size.len()).max(1));
            for i in 0..n {
                if l[i].is_none() {
                    assert_eq!(f[i], by_pair[i], "case {case}");
                }
            }
            // the rows reversed: each line in the same fold
            let (ro, rl): (Vec<Observed>, Vec<Option<String>>) = o.iter().cloned().zip(l.iter().cloned()).rev().unzip();
            let rf = folds_by_line(&ro, &rl, k);
            for (x, fx) in rl.iter().zip(&rf) {
                if let Some(x) = x {
                    assert_eq!(fold_of[x], *fx, "case {case}: line {x} moved when the rows were reversed");
                }
            }
        }
    }

    #[test]
    fn bundled_pairs_go_with_the_line_their_train_runs_mostly_on() {
        with_bundled_2020(|b, net| {
            let path = super::repo().join("tests/data/main-lines-obs.csv");
            let o = ringsim::calibrate::read_observed(net, &path).unwrap();
            let l = main_lines(b, &start_params(b), &o);
            let got: Vec<(String, String, Option<String>)> = o.iter().zip(l).map(|(o, l)| (o.from.clone(), o.to.clone(), l)).collect();
            // rows without a station in the network first and among the others: the legs stay with their rows
            let want = [
                ("郑州东", "北京西", None),
                ("郑州东", "信阳东", Some("jingguang-hsr")),
                ("郑州东", "西安北", Some("zhengxi-hsr")),
                ("济南西", "南京南", Some("jinghu-hsr")),
                // 郑州东 → 南京南: 郑徐 361 km to 徐州东, then 京沪 about 330 km
                ("郑州东", "南京南", Some("zhengxu-hsr")),
                ("北京西", "南京南", None),
                ("信阳东", "郑州东", Some("jingguang-hsr")),
            ];
            assert_eq!(got.len(), want.len());
            for ((f, t, l), (wf, wt, wl)) in got.iter().zip(want) {
                assert_eq!((f.as_str(), t.as_str(), l.as_deref()), (wf, wt, wl));
            }
        });
    }

    #[test]
    fn every_pair_of_the_boards_shares_its_line_and_fold_with_its_mirror() {
        with_bundled_2020(|b, net| {
            let o = ringsim::calibrate::read_observed(net, &super::repo().join("networks/zhongyuan/observed/timetable-2021.csv")).unwrap();
            let l = main_lines(b, &start_params(b), &o);
            let f = folds_by_line(&o, &l, 5);
            let at: std::collections::HashMap<(&str, &str), usize> = o.iter().enumerate().map(|(i, x)| ((x.from.as_str(), x.to.as_str()), i)).collect();
            let mut mirrored = 0;
            for (i, x) in o.iter().enumerate() {
                if let Some(&j) = at.get(&(x.to.as_str(), x.from.as_str())) {
                    assert_eq!((&l[i], f[i]), (&l[j], f[j]), "{} → {} and back", x.from, x.to);
                    mirrored += 1;
                }
            }
            // most pairs of the boards are there both ways, and most have a line
            assert!(mirrored > 500, "{mirrored}");
            let lines: std::collections::BTreeSet<&String> = l.iter().flatten().collect();
            assert!(l.iter().filter(|x| x.is_some()).count() > 450 && lines.len() > 20, "{} pairs with a line, {} lines", l.iter().flatten().count(), lines.len());
            assert_eq!(f.iter().max(), Some(&4));
            // the rows in reverse order: the same line for every pair (both directions' km, not the first row's)
            let ro: Vec<Observed> = o.iter().rev().cloned().collect();
            let rl = main_lines(b, &start_params(b), &ro);
            assert!(rl.iter().rev().eq(l.iter()));
        });
    }
}

#[allow(dead_code)]
mod common;
use common::{repo, Rng};
