//! The `ringsim` command line: parses arguments (clap), calls the library, prints, and maps every error to
//! exit code 2 with the message on stderr.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ringsim", version, about = "Travel-time rings around Zhengzhou under build-out scenarios of the 中原城市群 transport plan")]
#[command(after_help = "Examples:\n  ringsim run scenarios/asbuilt-2025.toml\n  ringsim run scenarios/asbuilt-*.toml --out out --threads 2\n  ringsim od scenarios/asbuilt-2025.toml --pairs pairs.csv\n  ringsim compare scenarios/base-2016.toml scenarios/asbuilt-2025.toml\n  ringsim validate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv\n  ringsim order scenarios/orders/zhongyuan-hsr.toml --out out\n  ringsim projects scenarios/asbuilt-2025.toml\n  ringsim report scenarios/asbuilt-2025.toml --compare scenarios/asbuilt-2016.toml --out report.html")]
struct Cli {
    /// Worker threads (default: all cores). Results are identical at any thread count.
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// Start every CSV written with a UTF-8 byte-order mark, so Excel (e.g. on Chinese Windows) shows the names: a
    /// file, and a CSV printed to stdout (for `> out.csv`). Also RINGSIM_CSV_BOM=1, or --bom after a command that
    /// writes CSV. Default: plain UTF-8.
    #[arg(long)]
    bom: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

/// The ring measure (see the README: station to station by rail, or door to door).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum MeasureOpt {
    Station,
    Door,
}

impl MeasureOpt {
    fn as_str(self) -> &'static str {
        match self {
            MeasureOpt::Station => "station",
            MeasureOpt::Door => "door",
        }
    }
}

/// Which nodes a matrix or indicator table is about.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum NodesOpt {
    Cities,
    Counties,
    Stations,
}

impl NodesOpt {
    fn as_str(self) -> &'static str {
        match self {
            NodesOpt::Cities => "cities",
            NodesOpt::Counties => "counties",
            NodesOpt::Stations => "stations",
        }
    }
}

/// `--bom` of the commands that write CSV (`trip`, `report` and `plot` write none, and do not take it).
#[derive(clap::Args, Clone, Copy, Debug, Default)]
struct CsvOpts {
    /// Start every CSV written with a UTF-8 byte-order mark, so Excel (e.g. on Chinese Windows) shows the names: a
    /// file, and a CSV printed to stdout (for `> out.csv`). Also RINGSIM_CSV_BOM=1. Default: plain UTF-8.
    #[arg(long)]
    bom: bool,
}

/// Which nodes an indicator table is about (indicators weigh by population, which a station has not).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum IndicatorNodesOpt {
    Cities,
    Counties,
}

impl IndicatorNodesOpt {
    fn as_str(self) -> &'static str {
        match self {
            IndicatorNodesOpt::Cities => "cities",
            IndicatorNodesOpt::Counties => "counties",
        }
    }
}

/// Overrides of a scenario's measure, date and origin, so a variant needs no new file.
#[derive(clap::Args, Clone, Debug, Default)]
struct VariantOpts {
    /// Use this measure instead of the scenario's.
    #[arg(long, value_enum)]
    measure: Option<MeasureOpt>,
    /// Use this date instead of the scenario's as_of (YYYY-MM-DD).
    #[arg(long)]
    as_of: Option<String>,
    /// Use this plan city (id or name) as the origin instead of the scenario's.
    #[arg(long)]
    origin: Option<String>,
}

impl VariantOpts {
    fn overrides(&self) -> ringsim::Result<ringsim::app::Overrides> {
        ringsim::app::Overrides::parse(self.measure.map(|m| m.as_str()), self.as_of.as_deref(), self.origin.as_deref())
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Run scenarios: reach.csv, cities.csv and rings.csv per scenario under OUT/<name>/, and a summary.
    #[command(after_help = "Examples:\n  ringsim run scenarios/asbuilt-2025.toml scenarios/plan-2025.toml --out out\n  ringsim run scenarios/asbuilt-2025.toml --measure door --as-of 2020-12-31 --origin 洛阳")]
    Run {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[command(flatten)]
        variant: VariantOpts,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Explain the model's time between two stations: the fastest single train (service, stops, track, speed
    /// limits and every part of its running time) and the station measure's fastest trip.
    #[command(after_help = "Example:\n  ringsim trip scenarios/asbuilt-2025.toml 郑州东 信阳东")]
    Trip {
        scenario: PathBuf,
        /// A station id or exact name (郑州东, or 郑州东站).
        from: String,
        /// A station id or exact name (郑州东, or 郑州东站).
        to: String,
        /// Time every train by the physics alone, without the boards' times of the timetable's trains (as
        /// `calibrate` fits it and `validate --physics` reports it).
        #[arg(long)]
        physics: bool,
    },
    /// List the projects of a network (or of a scenario's network) with id, Chinese name, mode, plan status,
    /// opening date, and whether each is open, closed or orderable from the scenario (or --as-of date).
    #[command(after_help = "Examples:\n  ringsim projects scenarios/asbuilt-2025.toml\n  ringsim projects networks/zhongyuan --as-of 2020-12-31 --out projects.csv\n  ringsim projects            (every network under ./networks)")]
    Projects {
        /// A network folder or a scenario file (default: every network under ./networks).
        target: Option<PathBuf>,
        /// For a network: the date that decides open or orderable.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// One self-contained HTML page for a report (Chinese with English): rings, map, plan cities, population by
    /// prefecture and band, changes against another scenario, the model's measured error, data sources.
    #[command(after_help = "Example:\n  ringsim report scenarios/asbuilt-2025.toml --compare scenarios/asbuilt-2016.toml --out report.html")]
    Report {
        scenario: PathBuf,
        /// Another scenario of the same network, origin, cutoffs and measure: what changed.
        #[arg(long)]
        compare: Option<PathBuf>,
        #[arg(long, default_value = "report.html")]
        out: PathBuf,
        /// Measure the model's error with this scenario (e.g. the network of the observed timetable's date)
        /// instead of the report's own.
        #[arg(long)]
        validate_with: Option<PathBuf>,
        /// Grid cell size of the map in km.
        #[arg(long, default_value_t = 2.0)]
        cell_km: f64,
        #[command(flatten)]
        variant: VariantOpts,
    },
    /// Travel times for pairs in a CSV with columns from,to (ids or exact names; an exact station name is the station,
    /// so 商丘 is the station and 商丘市, its id or Shangqiu the city; 商丘站 is the station too).
    #[command(after_help = "Examples:\n  printf 'from,to\\n郑州东,开封北\\n郑州市,济源市\\n' > pairs.csv\n  ringsim od scenarios/asbuilt-2025.toml --pairs pairs.csv\n  printf 'from,to\\n郑州东,信阳东\\n' > st.csv\n  ringsim od scenarios/asbuilt-2025.toml --pairs st.csv --window 07:00-09:00")]
    Od {
        scenario: PathBuf,
        #[arg(long)]
        pairs: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Add door-to-door times by road only (road_minutes) and by public transport only (transit_minutes).
        #[arg(long)]
        by_mode: bool,
        /// station or door for every pair (default: station between two stations, door otherwise); the `measure`
        /// column says which was used.
        #[arg(long)]
        measure: Option<String>,
        /// Departure window HH:MM-HH:MM: for every minute of it, the earliest arrival by the scheduled trains
        /// (clock times of the boards, even headways for other services), waits and changes included; reports
        /// percentiles of the travel time over the window. Station pairs only.
        #[arg(long)]
        window: Option<String>,
        /// With --window: the percentiles to report (nearest rank), comma-separated.
        #[arg(long, default_value = "5,25,50,75,95", requires = "window")]
        percentiles: String,
        /// Keep a pair whose station or place the network does not hold (北京西, beyond the modelled corridors) as a
        /// row of kind `unknown` without a time, with a note on stderr, instead of stopping at it (exit 2).
        #[arg(long, conflicts_with = "window")]
        keep_unknown: bool,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Compare two scenarios: places that change band, minutes saved, population gained per (cumulative) ring.
    #[command(after_help = "Examples:\n  ringsim compare scenarios/base-2016.toml scenarios/asbuilt-2025.toml --out compare.csv\n  ringsim compare scenarios/base-2016.toml scenarios/asbuilt-2025.toml --measure door")]
    Compare {
        a: PathBuf,
        b: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        variant: VariantOpts,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Fit the rail parameters to observed station-to-station times and report the error.
    #[command(after_help = "Example:\n  ringsim calibrate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv")]
    Calibrate {
        scenario: PathBuf,
        #[arg(long)]
        observed: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Fit only observations up to this many minutes (overnight conventional trains are not the fastest way).
        #[arg(long, default_value_t = 360.0)]
        max_minutes: f64,
        /// Folds of the cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Folds of the cross-validation by line: a number (2 to 20), or `all` for one fold per line (leave one line
        /// out: one fit per line, several times slower).
        #[arg(long, default_value = "5")]
        line_folds: String,
        /// Write the fitted values, the fit's figures and provenance to this calibration file.
        #[arg(long)]
        write: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Compare completion orders of projects: the metric after each step, the exact best and worst orders, and
    /// each project's gains and Shapley value. Writes OUT/<name>/{orders.csv, projects.csv, order_chart.png/.svg}.
    #[command(after_help = "Example:\n  ringsim order scenarios/orders/zhongyuan-hsr.toml --out out")]
    Order {
        file: PathBuf,
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Compare the model with observed station-to-station times (no fitting); with --rings-from, also check each
    /// plan city's band against its fastest scheduled time from that station.
    #[command(after_help = "Examples:\n  ringsim validate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv --out val\n  ringsim validate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv --rings-from 郑州东")]
    Validate {
        scenario: PathBuf,
        #[arg(long)]
        observed: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also draw model against observed (PNG or SVG by extension); with --out, validation_scatter.png and .svg
        /// are written there too.
        #[arg(long)]
        plot: Option<PathBuf>,
        /// A station of the origin city (id or 12306 name, e.g. 郑州东): check that every other plan city lands in
        /// the band of its fastest scheduled time from it (printed as a table; with --out, plan_city_rings.csv).
        #[arg(long, value_name = "STATION")]
        rings_from: Option<String>,
        /// Time every train by the physics alone, without the boards' times of the timetable's trains (what
        /// `calibrate` fits and cross-validates); by default the model as the rings use it.
        #[arg(long)]
        physics: bool,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// All-pairs travel times between plan cities, counties or stations (long CSV from,to,minutes, or --wide).
    #[command(after_help = "Examples:\n  ringsim matrix scenarios/asbuilt-2025.toml --nodes cities --measure door --out matrix.csv\n  ringsim matrix scenarios/changjiang/asbuilt-2025.toml --roles core,metro,node,member-2015 --within 120 --plot pairs.png")]
    Matrix {
        scenario: PathBuf,
        #[arg(long, value_enum, default_value = "cities")]
        nodes: NodesOpt,
        /// Default: the scenario's.
        #[arg(long, value_enum)]
        measure: Option<MeasureOpt>,
        /// One row per origin, one column per destination.
        #[arg(long)]
        wide: bool,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Keep only plan cities of these roles (comma-separated, from the seeds' `role` column).
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// A pairwise target in minutes: list the pairs not within it.
        #[arg(long)]
        within: Option<f64>,
        /// Draw the pair matrix (PNG or SVG by extension).
        #[arg(long)]
        plot: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Export the weighted directed search graph (from,to,seconds,wait_seconds,mode,link_id) for networkx, igraph or
    /// QGIS.
    ///
    /// Nodes: place ids, station platforms (<station id>) and boarding nodes (<station id>:board). Door times: one
    /// Dijkstra from the origin's node (a city's seat_place_id) over every edge, weighted seconds + wait_seconds; a
    /// station is reached at the earlier of its platform and its boarding node. Station times: a Dijkstra weighted
    /// seconds alone over the modes hsr, intercity, suburban, conventional, change, metro and walk, from the platform
    /// and the boarding node of every open origin station (the city's, or the scenario's origin_stations; nodes.csv
    /// open=true), each at 0; then one over egress, expressway and trunk from every platform it reached, at its
    /// time; a place takes the lesser of its own stations' rail times and that onward time. Minutes are seconds / 60
    /// to one decimal. The README ("Accessibility indicators, OD matrices and the graph") has the recipe in full.
    #[command(after_help = "Example:\n  ringsim graph scenarios/asbuilt-2025.toml --out edges.csv --nodes nodes.csv")]
    Graph {
        scenario: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Also write the nodes (node_id,kind,name,lon,lat,population,open).
        #[arg(long)]
        nodes: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Draw the isochrone map of a scenario (PNG or SVG by extension), or the minutes saved against another.
    #[command(after_help = "Examples:\n  ringsim plot scenarios/asbuilt-2025.toml --out rings-2025.png\n  ringsim plot scenarios/asbuilt-2025.toml --diff scenarios/asbuilt-2016.toml --out saved.svg\n  ringsim plot scenarios/asbuilt-2025.toml --measure door --out door.png --geojson bands.geojson")]
    Plot {
        scenario: PathBuf,
        #[arg(long, default_value = "map.png")]
        out: PathBuf,
        /// Default: the scenario's.
        #[arg(long, value_enum)]
        measure: Option<MeasureOpt>,
        /// Another scenario of the same network: map the minutes this scenario saves against it.
        #[arg(long)]
        diff: Option<PathBuf>,
        /// Also write the bands as GeoJSON polygons (band, minutes, min_minutes, max_minutes, population).
        #[arg(long)]
        geojson: Option<PathBuf>,
        /// Grid cell size in km.
        #[arg(long, default_value_t = 2.0)]
        cell_km: f64,
    },
    /// Chart population and plan cities within each cutoff across scenarios (over years for as-built sets); the
    /// numbers also go to a CSV beside the image (--out X.png writes X.csv too, replacing only an earlier chart's CSV).
    #[command(after_help = "Examples:\n  ringsim chart scenarios/asbuilt-*.toml --out asbuilt.png\n  ringsim chart scenarios/base-2016.toml scenarios/plan-2020.toml scenarios/plan-2025.toml scenarios/full-buildout.toml --out plans.svg")]
    Chart {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        #[arg(long, default_value = "chart.png")]
        out: PathBuf,
        #[command(flatten)]
        csv: CsvOpts,
    },
    /// Accessibility indicators per city or county: WATT, daily accessibility, potential accessibility.
    #[command(after_help = "Example:\n  ringsim indicators scenarios/base-2016.toml --compare scenarios/asbuilt-2025.toml --nodes counties --measure door --out indicators.csv")]
    Indicators {
        scenario: PathBuf,
        /// A second scenario of the same network: adds its columns and the changes.
        #[arg(long)]
        compare: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "cities")]
        nodes: IndicatorNodesOpt,
        /// Default: the scenario's.
        #[arg(long, value_enum)]
        measure: Option<MeasureOpt>,
        /// Distance-decay exponent of potential accessibility.
        #[arg(long, default_value_t = 1.0)]
        alpha: f64,
        /// Daily-accessibility thresholds in minutes.
        #[arg(long, value_delimiter = ',', default_value = "120,180,240")]
        daily: Vec<f64>,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Draw a choropleth map of one indicator (PNG or SVG); with --compare, of its change.
        #[arg(long)]
        map: Option<PathBuf>,
        /// The indicator the map shows: watt, potential or daily_<minutes> (e.g. daily_180).
        #[arg(long, default_value = "watt")]
        show: String,
        #[command(flatten)]
        csv: CsvOpts,
    },
}

/// A path with what it is ("the --pairs file") or the option that names it ("--out").
type Named<P> = (&'static str, P);

impl Cmd {
    /// The CSV options of a command that writes CSV; `None` for one that writes none.
    fn csv(&self) -> Option<CsvOpts> {
        match self {
            Cmd::Run { csv, .. }
            | Cmd::Projects { csv, .. }
            | Cmd::Od { csv, .. }
            | Cmd::Compare { csv, .. }
            | Cmd::Calibrate { csv, .. }
            | Cmd::Order { csv, .. }
            | Cmd::Validate { csv, .. }
            | Cmd::Matrix { csv, .. }
            | Cmd::Graph { csv, .. }
            | Cmd::Chart { csv, .. }
            | Cmd::Indicators { csv, .. } => Some(*csv),
            Cmd::Trip { .. } | Cmd::Report { .. } | Cmd::Plot { .. } => None,
        }
    }

    /// The files the command reads as named on the command line (what, path), and the files it writes (option,
    /// path), for [`ringsim::outputs::guard`]. A folder an output is written into (`--out DIR` of `validate`,
    /// `calibrate`, `run`, `order`) is checked where the files in it are named, by the writers themselves.
    fn files(&self) -> (Vec<Named<&Path>>, Vec<Named<PathBuf>>) {
        let one = |o: &Option<PathBuf>| o.iter().cloned().collect::<Vec<_>>();
        let mut inputs: Vec<Named<&Path>> = Vec::new();
        let mut outputs: Vec<Named<PathBuf>> = Vec::new();
        match self {
            Cmd::Run { scenarios, .. } => inputs.extend(scenarios.iter().map(|s| ("the scenario file", s.as_path()))),
            Cmd::Chart { scenarios, out, .. } => {
                inputs.extend(scenarios.iter().map(|s| ("the scenario file", s.as_path())));
                // the numbers go to a CSV beside the image
                outputs.extend([("--out", out.clone()), ("--out (its CSV beside the image)", out.with_extension("csv"))]);
            }
            Cmd::Trip { scenario, .. } => inputs.push(("the scenario file", scenario)),
            Cmd::Projects { target, out, .. } => {
                inputs.extend(target.iter().map(|t| ("the network folder or scenario file", t.as_path())));
                outputs.extend(one(out).into_iter().map(|o| ("--out", o)));
            }
            Cmd::Report { scenario, compare, out, validate_with, .. } => {
                inputs.push(("the scenario file", scenario));
                inputs.extend(compare.iter().map(|c| ("the --compare scenario", c.as_path())));
                inputs.extend(validate_with.iter().map(|c| ("the --validate-with scenario", c.as_path())));
                outputs.push(("--out", out.clone()));
            }
            Cmd::Od { scenario, pairs, out, .. } => {
                inputs.extend([("the scenario file", scenario.as_path()), ("the --pairs file", pairs.as_path())]);
                outputs.extend(one(out).into_iter().map(|o| ("--out", o)));
            }
            Cmd::Compare { a, b, out, .. } => {
                inputs.extend([("scenario A", a.as_path()), ("scenario B", b.as_path())]);
                outputs.extend(one(out).into_iter().map(|o| ("--out", o)));
            }
            Cmd::Calibrate { scenario, observed, write, .. } => {
                inputs.extend([("the scenario file", scenario.as_path()), ("the --observed file", observed.as_path())]);
                outputs.extend(one(write).into_iter().map(|o| ("--write", o)));
            }
            Cmd::Order { file, .. } => inputs.push(("the orders file", file)),
            Cmd::Validate { scenario, observed, plot, .. } => {
                inputs.extend([("the scenario file", scenario.as_path()), ("the --observed file", observed.as_path())]);
                outputs.extend(one(plot).into_iter().map(|o| ("--plot", o)));
            }
            Cmd::Matrix { scenario, out, plot, .. } => {
                inputs.push(("the scenario file", scenario));
                outputs.extend(one(out).into_iter().map(|o| ("--out", o)));
                outputs.extend(one(plot).into_iter().map(|o| ("--plot", o)));
            }
            Cmd::Graph { scenario, out, nodes, .. } => {
                inputs.push(("the scenario file", scenario));
                outputs.push(("--out", out.clone()));
                outputs.extend(one(nodes).into_iter().map(|o| ("--nodes", o)));
            }
            Cmd::Plot { scenario, out, diff, geojson, .. } => {
                inputs.push(("the scenario file", scenario));
                inputs.extend(diff.iter().map(|d| ("the --diff scenario", d.as_path())));
                outputs.push(("--out", out.clone()));
                outputs.extend(one(geojson).into_iter().map(|o| ("--geojson", o)));
            }
            Cmd::Indicators { scenario, compare, out, map, .. } => {
                inputs.push(("the scenario file", scenario));
                inputs.extend(compare.iter().map(|c| ("the --compare scenario", c.as_path())));
                outputs.extend(one(out).into_iter().map(|o| ("--out", o)));
                outputs.extend(one(map).into_iter().map(|o| ("--map", o)));
            }
        }
        (inputs, outputs)
    }
}

fn main() -> ExitCode {
    // parsed through the matches, which also give the subcommand's name as clap knows it (for messages)
    let parsed = Cli::command().try_get_matches().and_then(|m| Ok((Cli::from_arg_matches(&m)?, m.subcommand_name().unwrap_or_default().to_string())));
    let (cli, cmd_name) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Some(n) = cli.threads {
        if n == 0 || n > 1024 {
            ringsim::note!("error: --threads {n}: give between 1 and 1024 worker threads (default: all cores)");
            return ExitCode::from(2);
        }
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(n).build_global() {
            ringsim::note!("error: cannot start {n} threads: {e}");
            return ExitCode::from(2);
        }
    }
    if cli.bom && cli.cmd.csv().is_none() {
        ringsim::note!("error: --bom: `{}` writes no CSV file, so there is nothing to mark; leave --bom out", cmd_name);
        return ExitCode::from(2);
    }
    ringsim::report::set_csv_bom(cli.bom || cli.cmd.csv().is_some_and(|c| c.bom));
    // no output may replace an input of the command: refused before any work
    let (inputs, outputs) = cli.cmd.files();
    let outputs: Vec<(&str, &Path)> = outputs.iter().map(|(o, p)| (*o, p.as_path())).collect();
    if let Err(e) = ringsim::outputs::guard(&inputs, &outputs) {
        ringsim::note!("error: {e}");
        return ExitCode::from(2);
    }
    let result = match &cli.cmd {
        Cmd::Run { scenarios, out, variant, .. } => variant.overrides().and_then(|ov| ringsim::app::run(scenarios, out, &ov)),
        Cmd::Trip { scenario, from, to, physics } => ringsim::app::trip(scenario, from, to, *physics),
        Cmd::Projects { target, as_of, out, .. } => ringsim::app::projects(target.as_deref(), as_of.as_deref(), out.as_deref()),
        Cmd::Report { scenario, compare, out, validate_with, cell_km, variant } => variant.overrides().and_then(|overrides| {
            ringsim::app::report(&ringsim::app::ReportArgs { scenario, compare: compare.as_deref(), out, validate_with: validate_with.as_deref(), cell_km: *cell_km, overrides })
        }),
        Cmd::Od { scenario, pairs, out, by_mode, measure, window, percentiles, keep_unknown, .. } => match window {
            None => ringsim::app::od(scenario, pairs, out.as_deref(), *by_mode, measure.as_deref(), *keep_unknown),
            Some(w) => ringsim::app::od_window(scenario, pairs, out.as_deref(), w, percentiles, *by_mode, measure.as_deref()),
        },
        Cmd::Compare { a, b, out, variant, .. } => variant.overrides().and_then(|ov| ringsim::app::compare(a, b, out.as_deref(), &ov)),
        Cmd::Calibrate { scenario, observed, out, max_minutes, folds, line_folds, write, .. } => ringsim::app::calibrate(scenario, observed, out.as_deref(), *max_minutes, *folds, line_folds, write.as_deref()),
        Cmd::Validate { scenario, observed, out, plot, rings_from, physics, .. } => ringsim::app::validate(scenario, observed, out.as_deref(), plot.as_deref(), rings_from.as_deref(), *physics),
        Cmd::Matrix { scenario, nodes, measure, wide, out, roles, within, plot, .. } => ringsim::app::matrix(&ringsim::app::MatrixArgs {
            scenario,
            nodes: nodes.as_str(),
            measure: measure.map(|m| m.as_str()),
            wide: *wide,
            out: out.as_deref(),
            roles: roles.clone(),
            within: *within,
            plot: plot.as_deref(),
        }),
        Cmd::Plot { scenario, out, measure, diff, geojson, cell_km } => ringsim::app::plot(&ringsim::app::PlotArgs {
            scenario,
            out,
            measure: measure.map(|m| m.as_str()),
            diff: diff.as_deref(),
            geojson: geojson.as_deref(),
            cell_km: *cell_km,
        }),
        Cmd::Chart { scenarios, out, .. } => ringsim::app::chart(scenarios, out),
        Cmd::Graph { scenario, out, nodes, .. } => ringsim::app::graph(scenario, out, nodes.as_deref()),
        Cmd::Indicators { scenario, compare, nodes, measure, alpha, daily, out, map, show, .. } => ringsim::app::indicators(&ringsim::app::IndicatorArgs {
            scenario,
            compare: compare.as_deref(),
            nodes: nodes.as_str(),
            measure: measure.map(|m| m.as_str()),
            alpha: *alpha,
            daily: daily.clone(),
            out: out.as_deref(),
            map: map.as_deref(),
            show,
        }),
        Cmd::Order { file, out, .. } => ringsim::order::run(file, out),
    };
    match result {
        Ok(text) => {
            // a reader that stops early (`| head`, quitting `less`) closes the pipe: that is the reader's choice, not
            // an error of ours, so end quietly; any other failure to write the answer is one
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    ringsim::note!("error: cannot write to standard output: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            ringsim::note!("error: {e}");
            ExitCode::from(2)
        }
    }
}
