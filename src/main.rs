//! The `ringsim` command line: parses arguments (clap), calls the library, prints, and maps every error to
//! exit code 2 with the message on stderr.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ringsim", version, about = "Travel-time rings around Zhengzhou under build-out scenarios of the 中原城市群 transport plan")]
#[command(after_help = "Examples:\n  ringsim run scenarios/asbuilt-2025.toml\n  ringsim run scenarios/asbuilt-*.toml --out out --threads 2\n  ringsim od scenarios/asbuilt-2025.toml --pairs pairs.csv\n  ringsim compare scenarios/base-2016.toml scenarios/asbuilt-2025.toml\n  ringsim validate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv\n  ringsim order scenarios/orders/zhongyuan-hsr.toml --out out")]
struct Cli {
    /// Worker threads (default: all cores). Results are identical at any thread count.
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run scenarios: reach.csv, cities.csv and rings.csv per scenario under OUT/<name>/, and a summary.
    #[command(after_help = "Example:\n  ringsim run scenarios/asbuilt-2025.toml scenarios/plan-2025.toml --out out")]
    Run {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Travel times for pairs in a CSV with columns from,to (ids or exact names).
    #[command(after_help = "Example:\n  printf 'from,to\\n郑州东,开封北\\n郑州市,济源市\\n' > pairs.csv\n  ringsim od scenarios/asbuilt-2025.toml --pairs pairs.csv")]
    Od {
        scenario: PathBuf,
        #[arg(long)]
        pairs: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare two scenarios: places that change ring, minutes saved, population gained per ring.
    #[command(after_help = "Example:\n  ringsim compare scenarios/base-2016.toml scenarios/asbuilt-2025.toml --out compare.csv")]
    Compare {
        a: PathBuf,
        b: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Fit the rail parameters to observed station-to-station times and report the error.
    #[command(after_help = "Example:\n  ringsim calibrate scenarios/asbuilt-2020.toml --observed networks/zhongyuan/observed/timetable-2021.csv")]
    Calibrate {
        scenario: PathBuf,
        #[arg(long)]
        observed: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Ignore observations slower than this (overnight conventional trains are not the fastest way).
        #[arg(long, default_value_t = 360.0)]
        max_minutes: f64,
    },
    /// Compare completion orders of projects: the metric after each step, the exact best and worst orders, and
    /// each project's gains and Shapley value. Writes OUT/<name>/{orders.csv, projects.csv, order_chart.png/.svg}.
    #[command(after_help = "Example:\n  ringsim order scenarios/orders/zhongyuan-hsr.toml --out out")]
    Order {
        file: PathBuf,
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Compare the model with observed station-to-station times (no fitting).
    Validate {
        scenario: PathBuf,
        #[arg(long)]
        observed: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Some(n) = cli.threads {
        if n == 0 {
            eprintln!("error: --threads must be at least 1");
            return ExitCode::from(2);
        }
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(n).build_global() {
            eprintln!("error: cannot start {n} threads: {e}");
            return ExitCode::from(2);
        }
    }
    let result = match &cli.cmd {
        Cmd::Run { scenarios, out } => ringsim::app::run(scenarios, out),
        Cmd::Od { scenario, pairs, out } => ringsim::app::od(scenario, pairs, out.as_deref()),
        Cmd::Compare { a, b, out } => ringsim::app::compare(a, b, out.as_deref()),
        Cmd::Calibrate { scenario, observed, out, max_minutes } => ringsim::app::calibrate(scenario, observed, out.as_deref(), *max_minutes),
        Cmd::Validate { scenario, observed, out } => ringsim::app::validate(scenario, observed, out.as_deref()),
        Cmd::Order { file, out } => ringsim::order::run(file, out),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
