//! Where outputs go, on the real binary in a temporary directory: an output that is one of the command's inputs is
//! refused (exit 2, naming the option and the input) and the input is left as it was; a folder replaced whole that
//! holds an input is refused; a command that fails, on a rejected option or on an output it cannot write, leaves no
//! new file behind; `--bom` marks a CSV printed to stdout too; `chart` writes its CSV beside the image.

mod common;
use common::{bin, repo};
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let o = Command::new(bin()).args(args).current_dir(dir).env_remove("RINGSIM_CSV_BOM").output().expect("run ringsim");
    (o.status.code().unwrap_or(-1), o.stdout, String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A copy of the tiny network, its seeds and its scenarios in a fresh temp dir; the path of `base.toml` relative
/// to it.
fn tiny_copy() -> (tempfile::TempDir, &'static str) {
    let t = tempfile::tempdir().unwrap();
    for sub in ["tiny", "tiny-seeds", "tiny-scenarios"] {
        copy_dir(&repo().join("tests/data").join(sub), &t.path().join(sub));
    }
    (t, "tiny-scenarios/base.toml")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Every file under `dir` (relative paths, sorted), hidden ones included, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                v.push((p.strip_prefix(dir).unwrap().to_path_buf(), Vec::new()));
                stack.push(p);
            } else {
                v.push((p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
            }
        }
    }
    v.sort();
    v
}

/// Runs a command that must fail with exit 2, and checks that it changed nothing in the temp dir (no input
/// replaced, no output or temporary file or folder left); returns its message.
fn fails_leaving_nothing(dir: &Path, args: &[&str]) -> String {
    let before = tree(dir);
    let (code, _, err) = run(dir, args);
    assert_eq!(code, 2, "ringsim {args:?} should exit 2; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let after = tree(dir);
    let names = |t: &[(PathBuf, Vec<u8>)]| t.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after), "ringsim {args:?} left files behind or removed some");
    assert!(before == after, "ringsim {args:?} changed a file");
    err
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let (t, sc) = tiny_copy();
    let d = t.path();
    std::fs::write(d.join("p.csv"), "from,to\n甲区,乙区\n").unwrap();
    std::fs::write(d.join("obs.csv"), "from,to,minutes\n甲站,乙站,25\n").unwrap();
    let full = "tiny-scenarios/full.toml";
    // (arguments, the option named in the message, the input named in it)
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["od", sc, "--pairs", "p.csv", "--out", "p.csv"], "--out p.csv", "the --pairs file"),
        (vec!["od", sc, "--pairs", "p.csv", "--out", "./tiny/../p.csv"], "--out ./tiny/../p.csv", "the --pairs file"),
        (vec!["compare", sc, full, "--out", full], "--out", "scenario B"),
        (vec!["matrix", sc, "--out", sc], "--out", "the scenario file"),
        (vec!["matrix", sc, "--out", "m.csv", "--plot", sc], "--plot", "the scenario file"),
        (vec!["plot", sc, "--out", "x.svg", "--geojson", sc], "--geojson", "the scenario file"),
        (vec!["plot", sc, "--diff", full, "--out", "x.svg", "--geojson", full], "--geojson", "the --diff scenario"),
        (vec!["indicators", sc, "--compare", full, "--out", full], "--out", "the --compare scenario"),
        (vec!["graph", sc, "--out", "e.csv", "--nodes", sc], "--nodes", "the scenario file"),
        (vec!["projects", sc, "--out", sc], "--out", "scenario file"),
        (vec!["calibrate", sc, "--observed", "obs.csv", "--write", "obs.csv"], "--write", "the --observed file"),
        (vec!["validate", sc, "--observed", "obs.csv", "--plot", sc], "--plot", "the scenario file"),
        (vec!["report", sc, "--compare", "tiny-scenarios/plan.toml", "--out", "tiny-scenarios/plan.toml"], "--out", "the --compare scenario"),
        // the CSV `chart` writes beside its image (a scenario may have any file name)
        (vec!["chart", "tiny-scenarios/b.csv", "--out", "tiny-scenarios/b.png"], "CSV beside the image", "the scenario file"),
        // an output folder that would be replaced whole (OUT/<name>) holds the orders file
        (vec!["order", "o/tiny-order/ord.toml", "--out", "o"], "--out", "the orders file"),
        // two outputs on one file
        (vec!["graph", sc, "--out", "e.csv", "--nodes", "./e.csv"], "--nodes", "writes there too"),
    ];
    std::fs::copy(d.join(sc), d.join("tiny-scenarios/b.csv")).unwrap();
    std::fs::create_dir_all(d.join("o/tiny-order")).unwrap();
    std::fs::write(d.join("o/tiny-order/ord.toml"), "format = 1\nname = \"tiny-order\"\nbase = \"../../tiny-scenarios/base.toml\"\nprojects = [\"p-hsr-bc\", \"p-exp-ad\"]\n").unwrap();
    for (args, option, input) in cases {
        let err = fails_leaving_nothing(d, &args);
        assert!(err.contains(option) && err.contains(input), "ringsim {args:?}: the message should name {option:?} and {input:?}:\n{err}");
    }
}

/// No output goes inside the network folder or the seeds folder a command reads (any file there may be one the
/// network is made of), nor over the network's calibration file wherever it lies; `calibrate --write` alone may
/// replace that file, or write a new one in the network folder for params.toml to name (review of session 18:
/// `matrix S --out networks/zhongyuan/places.csv` replaced the network's places and succeeded).
#[test]
fn no_output_goes_inside_a_network_or_over_its_files() {
    let (t, sc) = tiny_copy();
    let d = t.path();
    std::fs::write(d.join("p.csv"), "from,to\n甲区,乙区\n").unwrap();
    let mut obs = String::from("from,to,minutes,train_code,train_type,n_trains,source\n");
    for (a, b, m) in [("甲站", "乙站", 20), ("乙站", "丙站", 18), ("甲站", "丙站", 36)] {
        obs.push_str(&format!("{a},{b},{m},G1,高速,1,assumption: test\n{b},{a},{m},G2,高速,1,assumption: test\n"));
    }
    std::fs::write(d.join("obs.csv"), obs).unwrap();
    std::fs::create_dir_all(d.join("o")).unwrap();
    std::fs::write(d.join("o/ord.toml"), "format = 1\nname = \"tiny-order\"\nbase = \"../tiny-scenarios/base.toml\"\nprojects = [\"p-hsr-bc\", \"p-exp-ad\"]\n").unwrap();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["matrix", sc, "--out", "tiny/places.csv"], "--out tiny/places.csv", "lies inside the network folder of tiny-scenarios/base.toml"),
        (vec!["matrix", sc, "--out", "tiny/new.csv"], "--out tiny/new.csv", "lies inside the network folder"),
        (vec!["od", sc, "--pairs", "p.csv", "--out", "tiny-seeds/projects.csv"], "--out tiny-seeds/projects.csv", "lies inside the seeds folder of the network of tiny-scenarios/base.toml"),
        (vec!["run", sc, "--out", "tiny"], "--out: the folder tiny/tiny-base", "lies inside the network folder"),
        (vec!["projects", "tiny", "--out", "tiny/p.csv"], "--out tiny/p.csv", "lies inside"),
        (vec!["order", "o/ord.toml", "--out", "tiny-seeds"], "--out", "lies inside the seeds folder of the network of the base scenario"),
        (vec!["validate", sc, "--observed", "obs.csv", "--out", "tiny/val"], "--out", "lies inside the network folder"),
        // --write may not replace a file of the network either
        (vec!["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "tiny/params.toml"], "--write tiny/params.toml", "lies inside the network folder"),
    ];
    for (args, option, input) in cases {
        let err = fails_leaving_nothing(d, &args);
        assert!(err.contains(option) && err.contains(input), "ringsim {args:?}: the message should name {option:?} and {input:?}:\n{err}");
    }
    // a calibration file outside the network folder is the network's input too; calibrate --write replaces it
    let params = std::fs::read_to_string(d.join("tiny/params.toml")).unwrap();
    let (code, _, err) = run(d, &["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "cal.toml"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(d.join("tiny/params.toml"), params.replace("unknown_stop_ratio = 0.5\n", "unknown_stop_ratio = 0.5\ncalibration = \"../cal.toml\"\n")).unwrap();
    let err = fails_leaving_nothing(d, &["matrix", sc, "--out", "cal.toml"]);
    assert!(err.contains("--out cal.toml") && err.contains("the calibration file of the network of tiny-scenarios/base.toml"), "{err}");
    std::fs::write(d.join("cal.toml"), std::fs::read_to_string(d.join("cal.toml")).unwrap() + "# replaced below\n").unwrap();
    let (code, _, err) = run(d, &["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "cal.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(!std::fs::read_to_string(d.join("cal.toml")).unwrap().contains("# replaced below"));
    // --write may not create a file the network reads when present (nor anything in its subfolders)
    let err = fails_leaving_nothing(d, &["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "tiny/services.csv"]);
    assert!(err.contains("--write tiny/services.csv") && err.contains("lies inside the network folder"), "{err}");
    // a new fit written in the network folder (for params.toml to name), but not over a file already there
    let (code, _, err) = run(d, &["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "tiny/cal2.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("tiny/cal2.toml").is_file());
    let err = fails_leaving_nothing(d, &["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "tiny/cal2.toml"]);
    assert!(err.contains("--write tiny/cal2.toml") && err.contains("lies inside the network folder"), "{err}");
}

#[test]
fn run_refuses_to_replace_a_folder_that_holds_its_inputs() {
    let (t, _) = tiny_copy();
    let d = t.path();
    // the scenario inside OUT/<its name>
    std::fs::create_dir_all(d.join("o/tiny-base")).unwrap();
    let s = std::fs::read_to_string(d.join("tiny-scenarios/base.toml")).unwrap().replace("\"../tiny\"", "\"../../tiny\"");
    std::fs::write(d.join("o/tiny-base/s.toml"), s).unwrap();
    let err = fails_leaving_nothing(d, &["run", "o/tiny-base/s.toml", "--out", "o"]);
    assert!(err.contains("--out") && err.contains("the scenario file") && err.contains("o/tiny-base"), "{err}");
    // the scenario's network folder inside OUT/<its name>: replacing the folder would delete the network
    copy_dir(&d.join("tiny"), &d.join("w/tiny-base/tiny"));
    copy_dir(&d.join("tiny-seeds"), &d.join("w/tiny-base/tiny-seeds"));
    let s = std::fs::read_to_string(d.join("tiny-scenarios/base.toml")).unwrap().replace("\"../tiny\"", "\"../w/tiny-base/tiny\"");
    std::fs::write(d.join("tiny-scenarios/w.toml"), s).unwrap();
    let err = fails_leaving_nothing(d, &["run", "tiny-scenarios/w.toml", "--out", "w"]);
    assert!(err.contains("network folder"), "{err}");
    // elsewhere, the same run writes its folder
    let (code, _, err) = run(d, &["run", "tiny-scenarios/w.toml", "--out", "elsewhere"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("elsewhere/tiny-base/reach.csv").is_file());
}

#[test]
fn a_failed_command_leaves_no_output_behind() {
    let (t, sc) = tiny_copy();
    let d = t.path();
    std::fs::write(d.join("afile"), "a regular file, not a folder").unwrap();
    std::fs::write(d.join("obs.csv"), "from,to,minutes\n甲站,乙站,25\n").unwrap();
    for (args, says) in [
        // options rejected only after the first output was written
        (vec!["indicators", sc, "--out", "ind.csv", "--map", "m.jpg"], "--map m.jpg: unknown image format"),
        (vec!["indicators", sc, "--out", "ind.csv", "--map", "m.png", "--show", "daily_999"], "--show"),
        (vec!["matrix", sc, "--out", "mat.csv", "--plot", "m.gif"], "--plot m.gif: unknown image format"),
        (vec!["validate", sc, "--observed", "obs.csv", "--out", "val", "--plot", "v.gif"], "--plot v.gif: unknown image format"),
        (vec!["plot", sc, "--out", "map.jpg"], "--out map.jpg: unknown image format"),
        (vec!["chart", sc, "--out", "chart.pdf"], "--out chart.pdf: unknown image format"),
        // the map cannot be drawn (the tiny network has no basemap) once the table is ready
        (vec!["indicators", sc, "--out", "ind.csv", "--map", "m.png"], "basemap"),
        // the second output cannot be written: a folder on its path is a file
        (vec!["graph", sc, "--out", "e.csv", "--nodes", "afile/n.csv"], "afile is a file"),
        (vec!["graph", sc, "--out", "new/sub/e.csv", "--nodes", "afile/n.csv"], "--nodes"),
        (vec!["plot", sc, "--out", "x.svg", "--geojson", "afile/x.geojson"], "--geojson"),
        (vec!["validate", sc, "--observed", "obs.csv", "--out", "val", "--plot", "afile/v.png"], "--plot"),
        (vec!["matrix", sc, "--out", "mat.csv", "--plot", "afile/m.png"], "--plot"),
        (vec!["chart", sc, "--out", "afile/c.png"], "--out"),
    ] {
        let err = fails_leaving_nothing(d, &args);
        assert!(err.contains(says), "ringsim {args:?}: expected {says:?} in:\n{err}");
    }
    // and with valid options the same commands write every output
    let (code, _, err) = run(d, &["graph", sc, "--out", "new/sub/e.csv", "--nodes", "n.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("new/sub/e.csv").is_file() && d.join("n.csv").is_file());
    let (code, _, err) = run(d, &["validate", sc, "--observed", "obs.csv", "--out", "val", "--plot", "v.svg"]);
    assert_eq!(code, 0, "{err}");
    for f in ["val/validation_pairs.csv", "val/validation_scatter.png", "val/validation_scatter.svg", "v.svg"] {
        assert!(d.join(f).is_file(), "{f}");
    }
}

#[test]
fn bom_marks_a_csv_printed_to_stdout() {
    let (t, sc) = tiny_copy();
    let d = t.path();
    std::fs::write(d.join("p.csv"), "from,to\n甲区,乙区\n").unwrap();
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    for args in [vec!["od", sc, "--pairs", "p.csv"], vec!["matrix", sc], vec!["indicators", sc]] {
        let (code, plain, err) = run(d, &args);
        assert_eq!(code, 0, "{err}");
        assert!(!plain.starts_with(BOM), "{args:?} without --bom");
        let mut with = args.clone();
        with.push("--bom");
        let (code, marked, err) = run(d, &with);
        assert_eq!(code, 0, "{err}");
        assert_eq!(marked, [BOM, &plain[..]].concat(), "{args:?} --bom: the same CSV after a byte-order mark");
        let o = Command::new(bin()).args(&args).current_dir(d).env("RINGSIM_CSV_BOM", "1").output().unwrap();
        assert_eq!(o.stdout, marked, "{args:?} with RINGSIM_CSV_BOM=1");
    }
}

#[test]
fn chart_writes_its_csv_beside_the_image_and_the_readme_says_so() {
    let (t, sc) = tiny_copy();
    let d = t.path();
    let (code, out, err) = run(d, &["chart", sc, "--out", "c.svg"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("c.svg").is_file());
    let csv = std::fs::read_to_string(d.join("c.csv")).unwrap();
    assert!(csv.starts_with("scenario,as_of,cutoff_min,population,plan_cities,counties\n"), "{csv}");
    assert!(String::from_utf8_lossy(&out).contains("c.csv"));
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("**`chart`: `F.csv`**"), "README's Output files should describe the CSV chart writes beside its image");

    // a rerun replaces the chart's own CSV, with or without a byte-order mark
    for bom in [false, true] {
        let mut args = vec!["chart", sc, "--out", "c.svg"];
        if bom {
            args.insert(0, "--bom");
        }
        let (code, _, err) = run(d, &args);
        assert_eq!(code, 0, "bom {bom}: {err}");
        assert_eq!(std::fs::read(d.join("c.csv")).unwrap().starts_with("\u{feff}scenario,".as_bytes()), bom);
    }
    // but never another file that happens to share the image's name: refused before any work, both files untouched
    std::fs::write(d.join("pairs.csv"), "from,to\n甲站,乙站\n").unwrap();
    let (code, _, err) = run(d, &["chart", sc, "--out", "pairs.png"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--out pairs.png: chart writes its numbers to pairs.csv beside the image, but a file there is not a chart's CSV (its first line is 'from,to')"), "{err}");
    assert_eq!(std::fs::read_to_string(d.join("pairs.csv")).unwrap(), "from,to\n甲站,乙站\n");
    assert!(!d.join("pairs.png").exists());
    // an empty file there loses nothing: replaced
    std::fs::write(d.join("empty.csv"), "").unwrap();
    let (code, _, err) = run(d, &["chart", sc, "--out", "empty.png"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(d.join("empty.csv")).unwrap().starts_with("scenario,as_of,"));
}

/// A batch of outputs is renamed into place all or none: when a rename fails after others succeeded (here the
/// second destination turns into a folder after it was written), the first output's old file is put back, the new
/// file it would have had is taken away, and no temporary or kept file is left.
#[test]
fn a_batch_whose_rename_fails_puts_back_what_it_replaced() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::write(d.join("a.csv"), "old a\n").unwrap();
    let mut b = ringsim::table::Batch::new();
    b.file("--out", &d.join("a.csv"), b"new a\n").unwrap();
    b.file("--out", &d.join("new.csv"), b"new\n").unwrap();
    b.file("--plot", &d.join("c.svg"), b"<svg/>").unwrap();
    std::fs::create_dir(d.join("c.svg")).unwrap();
    std::fs::write(d.join("c.svg/keep"), "x").unwrap();
    let e = b.commit().unwrap_err().to_string();
    assert!(e.contains("c.svg"), "{e}");
    let mut names: Vec<String> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert_eq!(names, vec!["a.csv", "c.svg"]);
    assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "old a\n");
    // and when every rename succeeds, the old file is replaced and nothing else is left
    let mut b = ringsim::table::Batch::new();
    b.file("--out", &d.join("a.csv"), b"new a\n").unwrap();
    b.file("--out", &d.join("new.csv"), b"new\n").unwrap();
    b.commit().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert_eq!(names, vec!["a.csv", "c.svg", "new.csv"]);
    assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "new a\n");
}

/// An output path that is a folder is refused when it is named, before anything is written.
#[test]
fn an_output_that_is_a_folder_is_refused() {
    let (t, sc) = tiny_copy();
    let d = t.path();
    std::fs::create_dir_all(d.join("m.csv")).unwrap();
    let err = fails_leaving_nothing(d, &["matrix", sc, "--out", "m.csv"]);
    assert!(err.contains("--out m.csv: cannot write: this is a folder"), "{err}");
    std::fs::create_dir_all(d.join("p.png")).unwrap();
    let err = fails_leaving_nothing(d, &["matrix", sc, "--out", "mat.csv", "--plot", "p.png"]);
    assert!(err.contains("--plot p.png: cannot write: this is a folder"), "{err}");
}
