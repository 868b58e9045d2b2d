//! The conformance scenarios (`tests/scenarios/*.json`): parsing and a
//! replay through the public Rust API. Kotlin, Swift, Python and Dart have
//! their own runners over their own bindings; all read the same files.

mod labels;
mod model;
mod runner;

pub use model::{Op, Scenario, ERROR_KINDS};
pub use runner::{run, EntityCheck, Failure, StepRecord};

use std::path::{Path, PathBuf};

/// Reads scenario files, or every `*.json` in directories, sorted by path.
/// A file whose `name` is not its file name is an error.
pub fn load(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Scenario)>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut jsons: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|ext| ext == "json"))
                .collect();
            jsons.sort();
            files.extend(jsons);
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|file| load_file(&file).map(|scenario| (file, scenario)))
        .collect()
}

fn load_file(file: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let scenario = Scenario::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if scenario.name != stem {
        return Err(format!(
            "{}: `name` is `{}`, the file is `{stem}`",
            file.display(),
            scenario.name
        ));
    }
    Ok(scenario)
}
