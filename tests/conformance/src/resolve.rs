//! A scenario made concrete for the drivers, so that no driver parses the
//! scenario format, binds a label or merges a configuration: every step
//! carries every field (null when unused), the same in every language.

use crate::model::{DurabilityName, Op, Scenario};
use serde_json::{json, Value};
use sessioncore::TrackerConfig;

/// The resolved scenario: `{"name", "config", "steps": [...]}`. Step 0 opens
/// the `default` namespace (the tracker every scenario starts with); step `n`
/// is the scenario's step `n`. Per step: `op`, `namespace`, `at` (the moment
/// to pass: `{"wallMs", "boot": null or {"bootId", "uptimeMs"}}`), `eventId`
/// (ids as the UUIDs of their labels, see [`label_uuid`]), `value`,
/// `customId`, `sessionIndex`, `eventIndex`, `inBackground`, `newUserId`,
/// `importedState` (ids as UUIDs, times as epoch ms), and `config`
/// (for `restart`: the whole configuration to reopen with; a driver keeps
/// its current one when the reopening fails).
pub fn resolve(scenario: &Scenario) -> Value {
    let mut config = scenario.config.apply(&TrackerConfig::default());
    let initial = config_json(&config);
    let mut steps = vec![step_json("open", "default", None, Value::Null)];
    for step in &scenario.steps {
        let restart_config = (step.op == Op::Restart).then(|| {
            let next = step
                .config
                .as_ref()
                .map_or_else(|| config.clone(), |patch| patch.apply(&config));
            let json = config_json(&next);
            // Later restarts merge onto what is in effect, and a refused
            // configuration never takes effect.
            if step.expect_error.is_none() {
                config = next;
            }
            json
        });
        let mut resolved = step_json(
            step.op.as_str(),
            step.namespace(),
            step.event_id.as_deref(),
            restart_config.unwrap_or(Value::Null),
        );
        resolved["at"] = step.at.map_or(Value::Null, |at| {
            let boot = step
                .boot
                .as_deref()
                .map(|label| json!({"bootId": label_uuid(label), "uptimeMs": step.uptime}));
            json!({"wallMs": scenario.start_ms + at, "boot": boot})
        });
        resolved["value"] = step.value.clone().flatten().unwrap_or(Value::Null);
        resolved["customId"] = json!(step.custom_id);
        resolved["sessionIndex"] = json!(step.session_index);
        resolved["eventIndex"] = json!(step.event_index);
        resolved["inBackground"] = json!(step.in_background);
        resolved["newUserId"] = json!(step.new_user_id);
        resolved["importedState"] = step.imported_state.as_ref().map_or(Value::Null, |s| {
            json!({
                "userId": label_uuid(&s.user_id),
                "sessionId": label_uuid(&s.session_id),
                "sessionIndex": s.session_index,
                "previousSessionId": s.previous_session_id.as_deref().map(label_uuid),
                "eventIndex": s.event_index,
                "lastActivityMs": scenario.start_ms + s.last_activity_at,
                "firstEventId": s.first_event_id.as_deref().map(label_uuid),
                "firstEventMs": s.first_event_at.map(|at| scenario.start_ms + at),
            })
        });
        steps.push(resolved);
    }
    json!({"name": scenario.name, "config": initial, "steps": steps})
}

fn step_json(op: &str, namespace: &str, event_label: Option<&str>, config: Value) -> Value {
    json!({
        "op": op, "namespace": namespace, "at": null, "eventId": event_label.map(label_uuid), "value": null,
        "customId": null, "sessionIndex": null, "eventIndex": null, "inBackground": null, "newUserId": null,
        "importedState": null, "config": config,
    })
}

fn config_json(config: &TrackerConfig) -> Value {
    let TrackerConfig {
        foreground_timeout_ms,
        background_timeout_ms,
        continue_session_on_restart,
        max_session_duration_ms,
        anonymous,
        background_events_start_sessions,
        durability,
    } = config;
    json!({
        "foregroundTimeoutMs": foreground_timeout_ms,
        "backgroundTimeoutMs": background_timeout_ms,
        "continueSessionOnRestart": continue_session_on_restart,
        "maxSessionDurationMs": max_session_duration_ms,
        "anonymous": anonymous,
        "backgroundEventsStartSessions": background_events_start_sessions,
        "durability": durability.map(DurabilityName::of),
    })
}

/// The UUID an id label stands for: derived from the label alone (FNV-1a,
/// 128 bits, shaped as a version-4 UUID), so that resolving and checking a
/// scenario agree without sharing state, in every language.
pub fn label_uuid(label: &str) -> String {
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    let hash = label
        .bytes()
        .fold(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d_u128, |hash, byte| {
            (hash ^ u128::from(byte)).wrapping_mul(PRIME)
        });
    uuid::Builder::from_random_bytes(hash.to_be_bytes())
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_distinct_stable_v4_uuids() {
        assert_eq!(label_uuid("e1"), label_uuid("e1"));
        assert_ne!(label_uuid("e1"), label_uuid("e2"));
        let id = uuid::Uuid::parse_str(&label_uuid("e1")).unwrap();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id.to_string(), label_uuid("e1"), "lower case");
    }

    #[test]
    fn a_refused_restart_leaves_the_configuration_in_effect() {
        let scenario = Scenario::parse(
            r#"{"name": "x", "rules": [16], "description": "d", "config": {"foregroundTimeoutMs": 30000},
                "startMs": 1000, "steps": [
                  {"op": "restart", "config": {"foregroundTimeoutMs": 0}, "expectError": "InvalidConfig"},
                  {"op": "restart", "config": {"anonymous": true}},
                  {"op": "track", "at": 5, "eventId": "e1", "namespace": "other"},
                  {"op": "track", "at": 6, "uptime": 40, "boot": "B1"}]}"#,
        )
        .unwrap();
        let resolved = resolve(&scenario);
        let steps = resolved["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 5);
        assert_eq!(steps[0]["op"], "open");
        assert_eq!(steps[1]["config"]["foregroundTimeoutMs"], 0);
        assert_eq!(steps[2]["config"]["foregroundTimeoutMs"], 30000);
        assert_eq!(steps[2]["config"]["anonymous"], true);
        assert_eq!(steps[3]["at"], json!({"wallMs": 1005, "boot": null}));
        assert_eq!(
            steps[4]["at"],
            json!({"wallMs": 1006, "boot": {"bootId": label_uuid("B1"), "uptimeMs": 40}})
        );
        assert_eq!(steps[3]["eventId"], label_uuid("e1"));
        assert_eq!(steps[3]["namespace"], "other");
        assert_eq!(steps[3]["config"], Value::Null);
    }
}
