//! Reference data (households, guard posts, checkpoints, checklist templates, repair
//! categories): `<type>.defined` carries the fields, each last-writer-wins; `<type>.retired`
//! hides the record without deleting anything.

use crate::event::Event;
use crate::fold::{Applied, FieldConflict, Record};
use crate::merge::Lww;
use crate::payload::{need, text_ok};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reference {
    pub fields: BTreeMap<String, Lww<serde_json::Value>>,
    pub retired: Lww<bool>,
}

impl Reference {
    pub fn get(&self, field: &str) -> Option<&serde_json::Value> {
        self.fields.get(field).and_then(|f| f.get())
    }

    pub fn name(&self) -> Option<&str> {
        self.get("name").and_then(|n| n.as_str())
    }

    pub fn is_retired(&self) -> bool {
        self.retired.get().copied().unwrap_or(false)
    }
}

impl Record for Reference {
    fn apply(&mut self, ev: &Event) -> Applied {
        if ev.v != 1 {
            return Applied::Unknown;
        }
        match ev.kind.as_str().rsplit('.').next() {
            Some("defined") => {
                let Some(obj) = ev.payload.as_object() else {
                    return Applied::Unknown;
                };
                for (k, v) in obj {
                    self.fields.entry(k.clone()).or_default().set(ev, v.clone());
                }
                self.retired.set(ev, false);
                Applied::Ok
            }
            Some("retired") => {
                self.retired.set(ev, true);
                Applied::Ok
            }
            _ => Applied::Unknown,
        }
    }

    fn conflicts(&self) -> Vec<FieldConflict> {
        self.fields
            .iter()
            .filter_map(|(k, reg)| FieldConflict::of(k, reg))
            .collect()
    }
}

/// The reference data types (`kinds::REFERENCE_RECORD_TYPES`) as a type, for the app's typed
/// writes (`Draft::reference_defined` / `reference_retired`): a misspelled type does not
/// compile. A test keeps the two lists the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceType {
    Household,
    GuardPost,
    Checkpoint,
    ChecklistTemplate,
    RepairCategory,
    PriceItem,
    ProjectSettings,
    Department,
}

impl ReferenceType {
    pub const ALL: [ReferenceType; 8] = [
        ReferenceType::Household,
        ReferenceType::GuardPost,
        ReferenceType::Checkpoint,
        ReferenceType::ChecklistTemplate,
        ReferenceType::RepairCategory,
        ReferenceType::PriceItem,
        ReferenceType::ProjectSettings,
        ReferenceType::Department,
    ];

    /// The record type's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceType::Household => "household",
            ReferenceType::GuardPost => "guard_post",
            ReferenceType::Checkpoint => "checkpoint",
            ReferenceType::ChecklistTemplate => "checklist_template",
            ReferenceType::RepairCategory => "repair_category",
            ReferenceType::PriceItem => "price_item",
            ReferenceType::ProjectSettings => "project_settings",
            ReferenceType::Department => "department",
        }
    }
}

/// Checks a reference payload on push. Every reference type shares one shape:
/// `<type>.defined` with the full current field values (fields are last-writer-wins), and
/// `<type>.retired`; checkpoints and project settings have fields of their own to check.
/// `Ok(false)` for kinds this build does not know.
pub fn check_payload(
    record_type: &str,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<bool, String> {
    match kind.rsplit('.').next().unwrap_or("") {
        "defined" => {
            let name_ok = payload
                .get("name")
                .and_then(|n| n.as_str())
                .is_some_and(text_ok);
            need(name_ok, "payload needs a non-empty `name`")?;
            if record_type == "checkpoint" {
                let code_ok = payload
                    .get("code")
                    .and_then(|c| c.as_str())
                    .is_some_and(checkpoint_code_ok);
                need(
                    code_ok,
                    "a checkpoint needs a `code` of 1–20 letters, digits, - or _ (printed as its QR)",
                )?;
                let groups_ok = payload.get("groups").is_none_or(|g| {
                    g.is_null()
                        || g.as_array().is_some_and(|a| {
                            a.len() <= 100 && a.iter().all(|x| x.as_str().is_some_and(text_ok))
                        })
                });
                need(
                    groups_ok,
                    "a checkpoint's `groups` is a list of the checklist group names (or item ids) checked there",
                )?;
            }
            if record_type == "project_settings" {
                crate::rules::ProjectRules::parse(payload)?;
            }
            Ok(true)
        }
        "retired" => Ok(true),
        _ => Ok(false),
    }
}

/// What is wrong with a checkpoint as typed (the app words it in the person's language).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("give the checkpoint a name (it is printed on its label), e.g. 1幢大堂")]
    NoName,
    #[error("the code \"{0}\" cannot be printed and typed reliably; use 1–20 letters, digits and -, e.g. CP-A-07")]
    BadCode(String),
    #[error("the code {0} is already on another checkpoint of this project; choose another")]
    CodeTaken(String),
}

/// Is `code` fit to be printed as a QR label and typed when the label is unreadable? Codes
/// are compared without case (a typed "cp-a-01" finds CP-A-01).
pub fn checkpoint_code_ok(code: &str) -> bool {
    (1..=20).contains(&code.chars().count())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A checkpoint as `checkpoint.defined` carries it: every definition carries the whole of it
/// (fields are last-writer-wins, and the server checks the code on each).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckpointFields {
    pub name: String,
    /// Printed as its QR label; unique in the project.
    pub code: String,
    /// Its place in the area's walking order.
    pub order: u64,
    /// The checklist groups (or item ids) checked there; left out until someone ticks one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

/// A checkpoint's `checkpoint.defined` fields from what a supervisor typed: name, code
/// (upper-cased, unique in the project among `taken`, which excludes the checkpoint itself)
/// and its place in the area's walking order.
pub fn checkpoint_fields<'a>(
    name: &str,
    code: &str,
    order: u64,
    taken: impl IntoIterator<Item = &'a str>,
) -> Result<CheckpointFields, CheckpointError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(CheckpointError::NoName);
    }
    let code = code.trim().to_uppercase();
    if !checkpoint_code_ok(&code) {
        return Err(CheckpointError::BadCode(code));
    }
    if taken.into_iter().any(|t| t.eq_ignore_ascii_case(&code)) {
        return Err(CheckpointError::CodeTaken(code));
    }
    Ok(CheckpointFields {
        name: name.to_string(),
        code,
        order,
        groups: None,
    })
}

#[cfg(test)]
mod checkpoint_tests {
    use super::*;

    #[test]
    fn the_reference_types_are_exactly_the_reference_record_types() {
        let names: Vec<&str> = ReferenceType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, crate::kinds::REFERENCE_RECORD_TYPES);
        for t in ReferenceType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
    }

    #[test]
    fn a_typed_checkpoint_becomes_its_fields_with_the_code_upper_cased() {
        let f = checkpoint_fields(" 6幢大堂 ", "cp-b-07", 7, ["CP-B-01", "CP-B-02"]).unwrap();
        assert_eq!(
            serde_json::to_value(f).unwrap(),
            serde_json::json!({"name": "6幢大堂", "code": "CP-B-07", "order": 7})
        );
    }

    #[test]
    fn a_checkpoint_without_a_name_or_with_an_unprintable_or_taken_code_is_refused() {
        let none: [&str; 0] = [];
        assert_eq!(
            checkpoint_fields(" ", "CP-1", 1, none),
            Err(CheckpointError::NoName)
        );
        assert_eq!(
            checkpoint_fields("大堂", "CP 1", 1, none),
            Err(CheckpointError::BadCode("CP 1".into()))
        );
        assert_eq!(
            checkpoint_fields("大堂", "", 1, none),
            Err(CheckpointError::BadCode(String::new()))
        );
        assert_eq!(
            checkpoint_fields("大堂", "一号", 1, none),
            Err(CheckpointError::BadCode("一号".into()))
        );
        assert_eq!(
            checkpoint_fields("大堂", "cp-a-01", 1, ["CP-A-01"]),
            Err(CheckpointError::CodeTaken("CP-A-01".into()))
        );
        assert!(checkpoint_code_ok("CP_A-01"));
        assert!(!checkpoint_code_ok(&"X".repeat(21)));
    }
}

/// The push check of these payloads, through `kinds::check_payload` as the server runs it.
#[cfg(test)]
mod push_check_tests {
    use crate::kinds::{self, tests::ev, KindStatus};
    use serde_json::json;

    #[test]
    fn a_checkpoint_lists_its_groups_as_names() {
        let mut ok = ev(
            "checkpoint.defined",
            json!({"name": "东门", "code": "CP-A-01", "groups": ["绿化", "车辆"]}),
        );
        ok.record_type = crate::event::RecordType::parse("checkpoint").unwrap();
        assert_eq!(kinds::check_payload(&ok), Ok(KindStatus::Known));
        for groups in [json!("绿化"), json!([1]), json!([""])] {
            let mut bad = ok.clone();
            bad.payload["groups"] = groups;
            let err = kinds::check_payload(&bad).unwrap_err();
            assert!(err.message.contains("groups"), "{}", err.message);
        }
    }

    #[test]
    fn reference_definitions_need_a_name() {
        assert!(kinds::check_payload(&ev("guard_post.defined", json!({"name": "东门岗"}))).is_ok());
        assert!(kinds::check_payload(&ev("guard_post.defined", json!({}))).is_err());
    }

    #[test]
    fn a_checkpoint_needs_a_code_that_can_be_printed_and_typed() {
        let cp = |p| kinds::check_payload(&ev("checkpoint.defined", p));
        assert!(cp(json!({"name": "6幢大堂", "code": "CP-B-07", "order": 7})).is_ok());
        let no_code = cp(json!({"name": "6幢大堂"})).unwrap_err();
        assert!(no_code.message.contains("code"), "{}", no_code.message);
        assert!(cp(json!({"name": "6幢大堂", "code": "CP B 07"})).is_err());
        assert!(kinds::check_payload(&ev("checkpoint.retired", json!({}))).is_ok());
    }
}
