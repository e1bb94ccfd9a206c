//! Where a command's outputs may go: never over one of its own inputs.
//!
//! Every output is written through a temporary file and a rename ([`crate::table::Batch`]), which would happily
//! replace the scenario, the `--pairs` file or the orders file the command has just read, and report success. So
//! the files a command reads are registered here as they are named ([`guard`], called once by `main` with the
//! paths of the command line) and as they are found (a scenario's network folder, an orders file's base scenario:
//! [`input`]), and every writer checks its destination against them: [`check_file`] for a file
//! ([`crate::table::Batch::file`]), [`check_folder`] for a folder replaced whole ([`crate::table::Staged::new`]).
//! A derived output (`chart`'s CSV beside its image, the files `validate --out DIR` writes) is thus checked as
//! well as the ones named on the command line, which [`guard`] checks before any work.
//!
//! Paths are compared after resolving them: an existing path canonicalized (symbolic links, `..`), a path not yet
//! there by its nearest existing ancestor, canonicalized, and the rest joined; two existing files are also the same
//! when they are one file under two names (a hard link: same device and inode).

use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// A file or folder the running command reads.
struct Input {
    /// What it is, for messages: "the --pairs file", "the scenario file".
    what: String,
    /// As named (on the command line, or in a scenario), for messages.
    path: PathBuf,
    /// [`resolve`]d.
    real: PathBuf,
    id: Option<FileId>,
    /// A folder (a network's): no output may be written anywhere inside it.
    folder: bool,
}

/// The inputs of the running command (one command per process).
static INPUTS: Mutex<Vec<Input>> = Mutex::new(Vec::new());

/// [`resolve`]d paths inside an input folder that an output may replace all the same ([`replaceable`]).
static REPLACEABLE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Device and inode of an existing file: the same file under another name (a hard link) has the same.
type FileId = (u64, u64);

#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<FileId> {
    None
}

/// `path` made absolute and canonical as far as it exists: the nearest existing ancestor canonicalized, the
/// components below it joined (`..` taking one off, `.` skipped), since a folder that does not exist yet cannot be
/// a link.
pub fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()) };
    let mut rest = Vec::new();
    let mut base = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(base) {
            let mut out = c;
            for comp in rest.iter().rev() {
                match comp {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    c => out.push(c.as_os_str()),
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(p), Some(last)) => {
                rest.push(last);
                base = p;
            }
            _ => return abs,
        }
    }
}

/// Registers a file or folder the running command reads, named `what` in messages ("the --pairs file"). A path
/// registered before keeps its first name (`main` names the command line's paths by their options).
pub fn input(what: &str, path: &Path) {
    let real = resolve(path);
    let mut inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    if !inputs.iter().any(|i| i.real == real) {
        let folder = real.is_dir();
        inputs.push(Input { what: what.to_string(), path: path.to_path_buf(), id: file_id(&real), real, folder });
    }
}

/// Lets one output be written where [`check_file`] would refuse it: `calibrate --write` to the network's calibration
/// file, which it exists to replace, or to a new `.toml` file directly in the network folder (a fit params.toml will name); the
/// caller decides, and no other output is let through.
pub fn replaceable(path: &Path) {
    REPLACEABLE.lock().unwrap_or_else(|e| e.into_inner()).push(resolve(path));
}

/// How a message names an output: "--out p.csv", or the path alone when no option names it.
pub fn named(option: &str, path: &Path) -> String {
    if option.is_empty() {
        path.display().to_string()
    } else {
        format!("{option} {}", path.display())
    }
}

/// Refuses an output file that is one of the registered inputs (writing it would overwrite the input), or that lies
/// inside an input folder (a network's: any file there may be one the network is made of, `places.csv`, or one it
/// documents or derives from, `facts/`), unless it is the one file let through by [`replaceable`].
pub fn check_file(option: &str, out: &Path) -> Result<()> {
    if out.is_dir() {
        return Err(Error::Usage(format!("{}: cannot write: this is a folder; give a file name (such as {})", named(option, out), out.join("out.csv").display())));
    }
    let real = resolve(out);
    if REPLACEABLE.lock().unwrap_or_else(|e| e.into_inner()).contains(&real) {
        return Ok(());
    }
    let id = file_id(&real);
    let inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    for i in inputs.iter() {
        let same = match (id, i.id) {
            (Some(a), Some(b)) => a == b,
            _ => real == i.real,
        };
        if same {
            return Err(Error::Usage(format!(
                "{}: this is {} ({}), which the command reads; writing the output there would overwrite it. Give the output another path",
                named(option, out),
                i.what,
                i.path.display()
            )));
        }
    }
    if let Some(i) = inputs.iter().find(|i| i.folder && real.starts_with(&i.real)) {
        return Err(Error::Usage(format!(
            "{}: this lies inside {} ({}), which the command reads; an output there could replace a file the network is made of. Give the output a path outside that folder",
            named(option, out),
            i.what,
            i.path.display()
        )));
    }
    Ok(())
}

/// Refuses to replace the folder `dir` whole when a registered input (a file, or a folder such as a network's)
/// lies inside it: replacing the folder would delete the input; or when `dir` lies inside an input folder (a
/// network's), as [`check_file`] refuses a file there.
pub fn check_folder(option: &str, dir: &Path) -> Result<()> {
    let real = resolve(dir);
    let inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = inputs.iter().find(|i| i.folder && real.starts_with(&i.real) && real != i.real) {
        return Err(Error::Usage(format!(
            "{}the folder {} lies inside {} ({}), which the command reads; an output there could replace a file the network is made of. Give {} a folder outside it",
            if option.is_empty() { String::new() } else { format!("{option}: ") },
            dir.display(),
            i.what,
            i.path.display(),
            if option.is_empty() { "the output" } else { option }
        )));
    }
    for i in inputs.iter() {
        if i.real.starts_with(&real) {
            return Err(Error::Usage(format!(
                "{}the command replaces the folder {} whole, and {} ({}), which it reads, lies inside it; give another {} folder (or move the input out of it)",
                if option.is_empty() { String::new() } else { format!("{option}: ") },
                dir.display(),
                i.what,
                i.path.display(),
                if option.is_empty() { "output" } else { option }
            )));
        }
    }
    Ok(())
}

/// The check `main` makes before any work: registers the command line's `inputs` (what, path) and refuses an
/// output (option, path) that is one of them, or that another output of the same command is written to.
pub fn guard(inputs: &[(&str, &Path)], outputs: &[(&str, &Path)]) -> Result<()> {
    for (what, p) in inputs {
        input(what, p);
    }
    for (k, (option, p)) in outputs.iter().enumerate() {
        check_file(option, p)?;
        let real = resolve(p);
        if let Some((other, q)) = outputs[..k].iter().find(|(_, q)| resolve(q) == real) {
            return Err(Error::Usage(format!("{}: {} writes there too; give each output its own path", named(option, p), named(other, q))));
        }
    }
    Ok(())
}
