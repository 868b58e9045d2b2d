//! A directory of a unit test's own under the system temp directory,
//! named after the test and the process, emptied first.

use std::path::PathBuf;

pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
