//! Traces: one JSON line per resolved step, written by a driver as
//! `{"step", "op", "returned", "error", "getters"}` — `returned` is what the
//! call returned as the wrapper exposes it (a record as an object of its
//! fields under their camelCase names, an enum case by its camelCase name,
//! null for nothing), `error` the error's kind or null, `getters` every
//! getter of the step's namespace after the step (`userId`, `sessionId`,
//! `sessionIndex`, `isInBackground`, `backgroundIndex`, `foregroundIndex`,
//! `state`) or `{"error": kind}`.

use serde_json::Value;
use std::collections::HashMap;

/// Parses a trace into its lines.
pub fn parse(trace: &str) -> Result<Vec<Value>, String> {
    trace
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(at, line)| serde_json::from_str(line).map_err(|e| format!("trace line {}: {e}", at + 1)))
        .collect()
}

/// A trace in the form every language's must equal: each line as canonical
/// JSON (keys sorted, no spaces), and every UUID but the nil one replaced by
/// `<id1>`, `<id2>`, ... in order of first appearance, inside strings too
/// (the Snowplow JSON carries the same ids as the record).
pub fn normalize(trace: &str) -> Result<String, String> {
    let mut labels = HashMap::new();
    let mut out = String::new();
    for line in parse(trace)? {
        let mut text = String::new();
        write_canonical(&line, &mut text);
        out.push_str(&relabel_uuids(&text, &mut labels));
        out.push('\n');
    }
    Ok(out)
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

const NIL_UUID: &str = "00000000-0000-0000-0000-000000000000";

fn relabel_uuids(text: &str, labels: &mut HashMap<String, usize>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        if let Some(candidate) = text.get(at..at + 36).filter(|c| is_uuid(c) && *c != NIL_UUID) {
            let next = labels.len() + 1;
            let label = *labels.entry(candidate.to_owned()).or_insert(next);
            out.push_str(&format!("<id{label}>"));
            at += 36;
        } else {
            let c = text[at..].chars().next().expect("in bounds");
            out.push(c);
            at += c.len_utf8();
        }
    }
    out
}

fn is_uuid(text: &str) -> bool {
    text.bytes().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => b == b'-',
        _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_spacing_and_ids_do_not_matter() {
        let a = "{\"b\": 1, \"a\": \"9b2f0d3e-1c4a-4f5e-8a7b-0c1d2e3f4a5b\"}\n{\"a\": \"x 9b2f0d3e-1c4a-4f5e-8a7b-0c1d2e3f4a5b\"}";
        let b = "{\"a\":\"11111111-2222-4333-8444-555555555555\",\"b\":1}\n{\"a\":\"x 11111111-2222-4333-8444-555555555555\"}";
        assert_eq!(normalize(a).unwrap(), normalize(b).unwrap());
        assert_eq!(
            normalize(a).unwrap(),
            "{\"a\":\"<id1>\",\"b\":1}\n{\"a\":\"x <id1>\"}\n"
        );
    }

    #[test]
    fn values_and_the_nil_uuid_are_kept() {
        let a = format!("{{\"a\": \"{NIL_UUID}\", \"n\": 2}}");
        assert_eq!(normalize(&a).unwrap(), format!("{{\"a\":\"{NIL_UUID}\",\"n\":2}}\n"));
        assert_ne!(normalize("{\"n\": 2}").unwrap(), normalize("{\"n\": 3}").unwrap());
        let two = "{\"a\": \"9b2f0d3e-1c4a-4f5e-8a7b-0c1d2e3f4a5b\", \"b\": \"11111111-2222-4333-8444-555555555555\"}";
        let swapped =
            "{\"a\": \"9b2f0d3e-1c4a-4f5e-8a7b-0c1d2e3f4a5b\", \"b\": \"9b2f0d3e-1c4a-4f5e-8a7b-0c1d2e3f4a5b\"}";
        assert_ne!(normalize(two).unwrap(), normalize(swapped).unwrap());
    }
}
