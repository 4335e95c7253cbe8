//! Reference data (households, guard posts, checkpoints, checklist templates, repair
//! categories): `<type>.defined` carries the fields, each last-writer-wins; `<type>.retired`
//! hides the record without deleting anything.

use crate::event::Event;
use crate::fold::{Applied, FieldConflict, Record};
use crate::merge::Lww;
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
