//! Finding and reading scenario files.

use crate::model::Scenario;
use std::path::{Path, PathBuf};

/// Every `*.json` of `paths` (files as given, directories' contents sorted).
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
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
    Ok(files)
}

/// Reads and validates one scenario file; its `name` must be its file name.
pub fn load(file: &Path) -> Result<Scenario, String> {
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
