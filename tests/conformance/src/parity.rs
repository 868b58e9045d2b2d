//! The scenario × language table: for every language, whether its trace met
//! the scenario's expectations and whether it is identical to Rust's.

use crate::trace::normalize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The columns, in order: a results directory holds `<key>.tsv` (one line
/// per scenario: name, `pass`|`fail`|`skip`, detail) and
/// `traces/<key>/<scenario>.jsonl` for each language that ran.
pub const LANGUAGES: [(&str, &str); 7] = [
    ("rust", "Rust"),
    ("kotlin", "Kotlin-JNI"),
    ("kotlin-jna", "Kotlin-JNA"),
    ("swift", "Swift"),
    ("swift-generated", "Swift-gen"),
    ("python", "Python"),
    ("dart", "Dart"),
];

pub struct Table {
    /// The table, then one line per difference from Rust.
    pub text: String,
    /// Every cell met its expectations and is identical to Rust (or was skipped).
    pub ok: bool,
}

/// Cells read `pass =` (expectations met; identical to Rust), `pass ≠`
/// (met, but the trace differs from Rust's), `fail`, `skip` (not run here,
/// with the language's reason in its results file) or `missing`.
pub fn parity_table(results: &Path) -> Result<Table, String> {
    let mut verdicts: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for (key, _) in LANGUAGES {
        let Ok(tsv) = std::fs::read_to_string(results.join(format!("{key}.tsv"))) else {
            continue;
        };
        let rows = tsv.lines().filter_map(|line| {
            let mut cells = line.split('\t');
            Some((cells.next()?.to_owned(), cells.next()?.to_owned()))
        });
        verdicts.insert(key, rows.collect());
    }
    if !verdicts.contains_key("rust") {
        return Err(format!(
            "{}: no Rust results (rust.tsv), the reference",
            results.display()
        ));
    }
    let present: Vec<(&str, &str)> = LANGUAGES
        .into_iter()
        .filter(|(k, _)| verdicts.contains_key(k))
        .collect();
    let mut names: Vec<&String> = verdicts.values().flat_map(|rows| rows.keys()).collect();
    names.sort();
    names.dedup();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(8).max(8);
    let mut text = format!("{:<width$}", "scenario");
    for (_, title) in &present {
        text.push_str(&format!("  {title:<10}"));
    }
    text.push('\n');
    let (mut differences, mut bad_rows) = (Vec::new(), 0);
    for name in &names {
        let reference = read_trace(results, "rust", name);
        let mut row = format!("{name:<width$}");
        let mut row_ok = true;
        for (key, title) in &present {
            let verdict = verdicts[key].get(*name).map_or("missing", String::as_str);
            let cell = match (verdict, read_trace(results, key, name), &reference) {
                ("skip", _, _) => "skip".to_owned(),
                ("pass", Some(trace), Some(reference)) => match first_difference(reference, &trace) {
                    None => "pass =".to_owned(),
                    Some(difference) => {
                        differences.push(format!("{name} {title}: {difference}"));
                        "pass ≠".to_owned()
                    }
                },
                ("pass", None, _) => "pass, no trace".to_owned(),
                (verdict, _, _) => verdict.to_owned(),
            };
            row_ok &= cell == "pass =" || cell == "skip";
            row.push_str(&format!("  {cell:<10}"));
        }
        bad_rows += usize::from(!row_ok);
        text.push_str(row.trim_end());
        text.push('\n');
    }
    text.push_str(&format!(
        "parity: {} scenarios x {} languages; {bad_rows} not passing and identical to Rust everywhere\n",
        names.len(),
        present.len()
    ));
    for difference in &differences {
        text.push_str(difference);
        text.push('\n');
    }
    Ok(Table {
        text,
        ok: bad_rows == 0 && !names.is_empty(),
    })
}

fn read_trace(results: &Path, key: &str, name: &str) -> Option<String> {
    std::fs::read_to_string(results.join("traces").join(key).join(format!("{name}.jsonl"))).ok()
}

/// The first line where two traces differ once normalized, or `None`.
pub fn first_difference(reference: &str, other: &str) -> Option<String> {
    let (reference, other) = match (normalize(reference), normalize(other)) {
        (Ok(r), Ok(o)) => (r, o),
        (Err(e), _) => return Some(format!("the Rust trace is unreadable: {e}")),
        (_, Err(e)) => return Some(format!("the trace is unreadable: {e}")),
    };
    if reference == other {
        return None;
    }
    let (mut r, mut o) = (reference.lines(), other.lines());
    for number in 1.. {
        match (r.next(), o.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => {
                let parse = |line: &str| serde_json::from_str::<Value>(line).expect("normalized lines are JSON");
                return Some(format!("line {number}: {}", value_difference("", &parse(a), &parse(b))));
            }
            (a, b) => {
                return Some(format!(
                    "line {number}: Rust has {}, this has {}",
                    a.unwrap_or("no line"),
                    b.unwrap_or("no line")
                ))
            }
        }
    }
    unreachable!("the traces differ somewhere")
}

/// The first path at which two values differ, with both sides.
fn value_difference(path: &str, reference: &Value, other: &Value) -> String {
    if let (Value::Object(a), Value::Object(b)) = (reference, other) {
        for key in a.keys().chain(b.keys()) {
            let here = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) => return value_difference(&here, x, y),
                (x, y) => return format!("{here}: Rust {}, this {}", shown(x), shown(y)),
            }
        }
    }
    format!("{path}: Rust {reference}, this {other}")
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "(absent)".to_owned(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_or_changed_field_is_named() {
        let rust = r#"{"step": 1, "returned": {"amplitudeSessionId": 5, "eventIndex": 1}}"#;
        let dropped = r#"{"step": 1, "returned": {"eventIndex": 1}}"#;
        let changed = r#"{"step": 1, "returned": {"amplitudeSessionId": 6, "eventIndex": 1}}"#;
        assert_eq!(first_difference(rust, rust), None);
        assert_eq!(
            first_difference(rust, dropped).unwrap(),
            "line 1: returned.amplitudeSessionId: Rust 5, this (absent)"
        );
        assert_eq!(
            first_difference(rust, changed).unwrap(),
            "line 1: returned.amplitudeSessionId: Rust 5, this 6"
        );
        assert_eq!(
            first_difference(rust, "").unwrap(),
            format!("line 1: Rust has {}, this has no line", normalize(rust).unwrap().trim())
        );
    }
}
