//! The scenario file format of `docs/scenario-format.md`. Unknown keys are
//! rejected by serde and op/field mismatches by [`Scenario::validate`], so a
//! typo can never turn an assertion into a no-op.

use serde::{Deserialize, Deserializer};
use sessioncore::NewSessionReason;
use sessioncore::{Durability, TrackerConfig};

/// Distinguishes an absent key (`None`) from an explicit `null` (`Some(None)`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub rules: Vec<u32>,
    pub description: String,
    #[serde(default)]
    pub config: ConfigPatch,
    pub start_ms: i64,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigPatch {
    pub foreground_timeout_ms: Option<i64>,
    pub background_timeout_ms: Option<i64>,
    pub continue_session_on_restart: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub max_session_duration_ms: Option<Option<i64>>,
    pub anonymous: Option<bool>,
    pub background_events_start_sessions: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub durability: Option<Option<DurabilityName>>,
}

/// `durability` as scenarios and every driver spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DurabilityName {
    Full,
    Normal,
}

impl DurabilityName {
    pub fn of(durability: Durability) -> Self {
        match durability {
            Durability::Full => DurabilityName::Full,
            Durability::Normal => DurabilityName::Normal,
        }
    }

    pub fn durability(self) -> Durability {
        match self {
            DurabilityName::Full => Durability::Full,
            DurabilityName::Normal => Durability::Normal,
        }
    }
}

impl ConfigPatch {
    pub fn apply(&self, base: &TrackerConfig) -> TrackerConfig {
        TrackerConfig {
            foreground_timeout_ms: self.foreground_timeout_ms.unwrap_or(base.foreground_timeout_ms),
            background_timeout_ms: self.background_timeout_ms.unwrap_or(base.background_timeout_ms),
            continue_session_on_restart: self
                .continue_session_on_restart
                .unwrap_or(base.continue_session_on_restart),
            max_session_duration_ms: self.max_session_duration_ms.unwrap_or(base.max_session_duration_ms),
            anonymous: self.anonymous.unwrap_or(base.anonymous),
            background_events_start_sessions: self
                .background_events_start_sessions
                .unwrap_or(base.background_events_start_sessions),
            durability: self
                .durability
                .map_or(base.durability, |name| name.map(DurabilityName::durability)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Op {
    Track,
    Background,
    Foreground,
    Restart,
    StartNewSession,
    Pause,
    Resume,
    SetAnonymous,
    SetAppUserId,
    StartManualSession,
    EndSession,
    Check,
    SeedIndexes,
    Launch,
    ExpireIfIdle,
    Reset,
    ImportState,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Track => "track",
            Op::Background => "background",
            Op::Foreground => "foreground",
            Op::Restart => "restart",
            Op::StartNewSession => "startNewSession",
            Op::Pause => "pause",
            Op::Resume => "resume",
            Op::SetAnonymous => "setAnonymous",
            Op::SetAppUserId => "setAppUserId",
            Op::StartManualSession => "startManualSession",
            Op::EndSession => "endSession",
            Op::Check => "check",
            Op::SeedIndexes => "seedIndexes",
            Op::Launch => "launch",
            Op::ExpireIfIdle => "expireIfIdle",
            Op::Reset => "reset",
            Op::ImportState => "importState",
        }
    }

    pub fn is_event(self) -> bool {
        matches!(self, Op::Track | Op::Background | Op::Foreground)
    }

    /// The op-specific fields this op requires and those it may carry.
    fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Op::Track | Op::Background | Op::Foreground => (&["at"], &["uptime", "boot", "eventId", "expect"]),
            Op::Restart => (&[], &["config"]),
            Op::SetAnonymous | Op::SetAppUserId => (&["value"], &[]),
            Op::StartManualSession => (&["at"], &["uptime", "boot", "customId", "ended"]),
            Op::Launch => (&["inBackground"], &[]),
            Op::ExpireIfIdle => (&["at"], &["uptime", "boot", "ended"]),
            Op::Reset => (&["newUserId"], &["ended"]),
            Op::EndSession => (&[], &["ended"]),
            Op::ImportState => (&["importedState"], &["imported"]),
            Op::Check => (&[], &["at"]),
            Op::SeedIndexes => (&["sessionIndex", "eventIndex"], &[]),
            Op::StartNewSession | Op::Pause | Op::Resume => (&[], &[]),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    pub op: Op,
    pub at: Option<i64>,
    /// The boot clock (ms) and the boot's label; a step without them has none.
    pub uptime: Option<i64>,
    pub boot: Option<String>,
    pub event_id: Option<String>,
    pub namespace: Option<String>,
    pub config: Option<ConfigPatch>,
    #[serde(default, deserialize_with = "nullable")]
    pub value: Option<Option<serde_json::Value>>,
    pub custom_id: Option<i64>,
    pub session_index: Option<i64>,
    pub event_index: Option<i64>,
    pub in_background: Option<bool>,
    pub new_user_id: Option<bool>,
    pub imported_state: Option<ImportedStateInput>,
    pub expect: Option<Expect>,
    /// What a call that ends a session returned: its summary, or null (rule 19).
    #[serde(default, deserialize_with = "nullable")]
    pub ended: Option<Option<SummaryExpect>>,
    pub imported: Option<bool>,
    pub state: Option<StateExpect>,
    pub expect_error: Option<String>,
    pub comment: Option<String>,
}

impl Step {
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    fn present_fields(&self) -> Vec<&'static str> {
        [
            ("at", self.at.is_some()),
            ("uptime", self.uptime.is_some()),
            ("boot", self.boot.is_some()),
            ("eventId", self.event_id.is_some()),
            ("config", self.config.is_some()),
            ("value", self.value.is_some()),
            ("customId", self.custom_id.is_some()),
            ("sessionIndex", self.session_index.is_some()),
            ("eventIndex", self.event_index.is_some()),
            ("inBackground", self.in_background.is_some()),
            ("newUserId", self.new_user_id.is_some()),
            ("importedState", self.imported_state.is_some()),
            ("ended", self.ended.is_some()),
            ("imported", self.imported.is_some()),
            ("expect", self.expect.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect()
    }

    fn validate(&self) -> Result<(), String> {
        let op = self.op.as_str();
        let (required, optional) = self.op.fields();
        let present = self.present_fields();
        if let Some(missing) = required.iter().find(|f| !present.contains(f)) {
            return Err(format!("op `{op}` needs `{missing}`"));
        }
        if let Some(extra) = present.iter().find(|f| !required.contains(f) && !optional.contains(f)) {
            return Err(format!("op `{op}` does not take `{extra}`"));
        }
        if self.uptime.is_some() != self.boot.is_some() {
            return Err("`uptime` and `boot` come together (a boot-clock reading and its boot)".into());
        }
        match (self.op, &self.value) {
            (Op::SetAnonymous, Some(Some(serde_json::Value::Bool(_)))) => {}
            (Op::SetAnonymous, _) => return Err("`setAnonymous` needs a boolean `value`".into()),
            (Op::SetAppUserId, Some(None | Some(serde_json::Value::String(_)))) => {}
            (Op::SetAppUserId, _) => return Err("`setAppUserId` needs a string or null `value`".into()),
            _ => {}
        }
        if let Some(kind) = &self.expect_error {
            if !ERROR_KINDS.contains(&kind.as_str()) {
                return Err(format!(
                    "unknown error kind `{kind}` (known: {})",
                    ERROR_KINDS.join(", ")
                ));
            }
        }
        if let Some(Some(Some(reason))) = self.expect.as_ref().map(|e| &e.new_session_reason) {
            if NewSessionReason::parse(reason).is_none() {
                return Err(format!("unknown newSessionReason `{reason}`"));
            }
        }
        if let Some(Some(Some(false))) = self.expect.as_ref().map(|e| e.entity) {
            return Err("`entity` is null (no entity) or true (an entity)".into());
        }
        Ok(())
    }
}

pub const ERROR_KINDS: [&str; 5] = ["InvalidConfig", "InvalidArgument", "Storage", "Closed", "Internal"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    #[serde(default, deserialize_with = "nullable")]
    pub entity: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    pub session: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub previous_session: Option<Option<String>>,
    pub session_index: Option<i64>,
    pub event_index: Option<i64>,
    pub first_event_id: Option<String>,
    pub first_event_at: Option<i64>,
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub app_user_id: Option<Option<String>>,
    pub is_new_session: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub new_session_reason: Option<Option<String>>,
    pub rudder_session_id: Option<i64>,
    pub amplitude_session_id: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    pub ended_session: Option<Option<SummaryExpect>>,
}

/// A session's summary (rule 19): labels and times after `startMs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SummaryExpect {
    pub session: String,
    pub session_index: i64,
    pub event_count: i64,
    pub start_at: i64,
    pub end_at: i64,
}

/// Another tracker's stored state to import (rule 21): ids as labels,
/// times after `startMs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedStateInput {
    pub user_id: String,
    pub session_id: String,
    pub session_index: i64,
    pub previous_session_id: Option<String>,
    pub event_index: i64,
    pub last_activity_at: i64,
    pub first_event_id: Option<String>,
    pub first_event_at: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateExpect {
    #[serde(default, deserialize_with = "nullable")]
    pub session: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub previous_session: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub session_index: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    pub event_index: Option<Option<i64>>,
    pub is_in_background: Option<bool>,
    pub foreground_index: Option<i64>,
    pub background_index: Option<i64>,
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub app_user_id: Option<Option<String>>,
    pub is_new_session_pending: Option<bool>,
    pub is_paused: Option<bool>,
    pub is_manual: Option<bool>,
}

impl Scenario {
    pub fn parse(text: &str) -> Result<Scenario, String> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| e.to_string())?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("`name` is empty".into());
        }
        if self.rules.is_empty() {
            return Err("`rules` is empty".into());
        }
        if self.steps.is_empty() {
            return Err("`steps` is empty".into());
        }
        for (index, step) in self.steps.iter().enumerate() {
            step.validate().map_err(|e| format!("step {}: {e}", index + 1))?;
        }
        Ok(())
    }
}
