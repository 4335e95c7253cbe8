//! `/households`: the household registry (户) the device already holds as `household`
//! reference records — found by building-unit-room, owner or phone (the search of intake,
//! `orders::Household::matches`), each with its tags; `/households/:id` shows one household
//! with its repair orders and complaints. Supervisors and admins toggle the five tags, offline
//! too: each change is a `household.defined` carrying the household's current fields and the
//! new `tags` (reference fields are last-writer-wins). The tags drive the patrol checklist:
//! `only_if_tag: renovating` items are asked in an area while one of its units is renovating.

use crate::model::rows::references;
use guanjia_core::records::Reference;
use guanjia_core::{AreaId, ProjectId, RecordId};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A household of the registry, as intake searches it.
#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    pub id: RecordId,
    pub area_id: Option<AreaId>,
    /// "3幢1单元1201"
    pub name: String,
    pub owner: Option<String>,
    pub phone: Option<String>,
}

impl Household {
    /// Building/unit/room as written ("3幢1单元12") or as numbers ("3-1-1201", "3 1 12"),
    /// owner name or phone.
    pub fn matches(&self, q: &str) -> bool {
        let q = q.trim();
        if q.is_empty() {
            return false;
        }
        let text = |f: &Option<String>| f.as_deref().is_some_and(|v| v.contains(q));
        if self.name.contains(q) || text(&self.owner) || text(&self.phone) {
            return true;
        }
        let parts: Vec<&str> = q.split(['-', ' ', '/']).filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 || !parts.iter().all(|p| p.bytes().all(|c| c.is_ascii_digit())) {
            return false;
        }
        let mine: Vec<&str> = self
            .name
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .collect();
        let last = parts.len() - 1;
        parts.len() <= mine.len()
            && parts
                .iter()
                .zip(&mine)
                .enumerate()
                .all(|(i, (a, b))| a == b || (i == last && b.starts_with(a)))
    }
}

/// The registry of households this device holds (the user's areas).
pub fn households() -> Vec<Household> {
    let text = |r: &guanjia_core::records::Reference, k: &str| {
        r.get(k).and_then(|v| v.as_str()).map(str::to_string)
    };
    crate::model::rows::references("household")
        .into_iter()
        .filter_map(|(id, _, area_id, r)| {
            Some(Household {
                id,
                area_id,
                name: r.name()?.to_string(),
                owner: text(&r, "owner_name"),
                phone: text(&r, "phone"),
            })
        })
        .collect()
}

/// The household tags (domain.md "Places"), in the order they are shown and saved.
pub const TAGS: [&str; 5] = [
    "key_customer",
    "elderly_alone",
    "vacant",
    RENOVATING,
    "new_owner",
];

/// The tag that turns on the checklist's renovation items.
pub const RENOVATING: &str = "renovating";

/// One household of the registry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub household: Household,
    pub project_id: ProjectId,
    pub tags: Vec<String>,
    /// Every current field: a new definition carries them all, so a device that missed an
    /// earlier one still ends with the whole household.
    pub fields: Map<String, Value>,
}

/// Building, unit and room as numbers when they are ("3", 3), for the registry's order.
pub fn number(fields: &Map<String, Value>, key: &str) -> u64 {
    match fields.get(key) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(u64::MAX),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(u64::MAX),
        _ => u64::MAX,
    }
}

pub fn tags_of(fields: &Map<String, Value>) -> Vec<String> {
    fields
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

pub fn entry(
    id: RecordId,
    project_id: ProjectId,
    area_id: Option<AreaId>,
    r: &Reference,
) -> Option<Entry> {
    let fields: Map<String, Value> = r
        .fields
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.get()?.clone())))
        .collect();
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Entry {
        household: Household {
            id,
            area_id,
            name: r.name()?.to_string(),
            owner: text("owner_name"),
            phone: text("phone"),
        },
        project_id,
        tags: tags_of(&fields),
        fields,
    })
}

impl Entry {
    fn order_key(&self) -> (u64, u64, u64, String) {
        let f = &self.fields;
        (
            number(f, "building"),
            number(f, "unit"),
            number(f, "room"),
            self.household.name.clone(),
        )
    }

    pub fn has(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// The households on this device (the person's areas), by building, unit and room.
pub fn registry() -> Vec<Entry> {
    let mut out: Vec<Entry> = references("household")
        .into_iter()
        .filter_map(|(id, project, area, r)| entry(id, project, area, &r))
        .collect();
    out.sort_by_cached_key(Entry::order_key);
    out
}

/// The units of `area` under renovation ("2幢1单元101"), for a round page to name next to
/// the renovation items.
pub fn renovating_units(area: AreaId) -> Vec<String> {
    registry()
        .into_iter()
        .filter(|e| e.household.area_id == Some(area) && e.has(RENOVATING))
        .map(|e| e.household.name)
        .collect()
}

/// The `household.defined` payload that turns `tag` on or off: the current fields with the
/// new `tags` — the five in their usual order, then any other tag the record already had.
pub fn with_tag(fields: &Map<String, Value>, tag: &str, on: bool) -> Map<String, Value> {
    let mut tags = tags_of(fields);
    tags.retain(|t| t != tag);
    if on {
        tags.push(tag.to_string());
    }
    let rank = |t: &String| TAGS.iter().position(|c| c == t).unwrap_or(TAGS.len());
    tags.sort_by_key(rank);
    let mut out = fields.clone();
    out.insert("tags".into(), tags.into());
    out
}

/// Tags of the households in an area (`renovating` adds the renovation items).
pub fn area_tags(area: AreaId) -> BTreeSet<String> {
    references("household")
        .into_iter()
        .filter(|(_, _, a, _)| *a == Some(area))
        .flat_map(|(_, _, _, r)| {
            r.get("tags")
                .and_then(|t| t.as_array())
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat() -> Household {
        Household {
            id: RecordId::from_parts(1, [1; 10]),
            area_id: None,
            name: "3幢1单元1201".into(),
            owner: Some("王秀英".into()),
            phone: Some("13800001234".into()),
        }
    }

    #[test]
    fn a_household_is_found_by_its_name_owner_phone_or_numbers() {
        let h = flat();
        for q in ["3幢1单元", "王秀", "0001234", "3-1-1201", "3 1 12", "3/1"] {
            assert!(h.matches(q), "{q} should find it");
        }
        for q in ["", "  ", "4-1-1201", "3-2", "3-1-1202", "李", "7"] {
            assert!(!h.matches(q), "{q} should not find it");
        }
    }
    use serde_json::json;

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn a_tag_is_saved_with_every_current_field_and_the_tags_in_their_usual_order() {
        let f = fields(
            json!({"name": "4幢1单元101", "building": 4, "unit": 1, "room": "101",
            "owner_name": "王芳", "phone": "13800001234", "tags": ["new_owner", "key_customer"]}),
        );
        assert_eq!(
            Value::Object(with_tag(&f, "renovating", true)),
            json!({"name": "4幢1单元101", "building": 4, "unit": 1, "room": "101",
                "owner_name": "王芳", "phone": "13800001234",
                "tags": ["key_customer", "renovating", "new_owner"]})
        );
        assert_eq!(
            with_tag(&f, "new_owner", false)["tags"],
            json!(["key_customer"])
        );
        // Tagging twice keeps one; a tag this version does not know stays, last.
        let odd = fields(json!({"name": "x", "tags": ["renovating", "lease"]}));
        assert_eq!(
            with_tag(&odd, "renovating", true)["tags"],
            json!(["renovating", "lease"])
        );
        assert_eq!(
            with_tag(&fields(json!({"name": "x"})), "vacant", true)["tags"],
            json!(["vacant"])
        );
    }

    #[test]
    fn building_unit_and_room_read_as_numbers_for_the_order() {
        let f = fields(json!({"building": 3, "unit": "2", "room": "1201", "floor": null}));
        assert_eq!(number(&f, "building"), 3);
        assert_eq!(number(&f, "unit"), 2);
        assert_eq!(number(&f, "room"), 1201);
        assert_eq!(number(&f, "floor"), u64::MAX);
        assert_eq!(tags_of(&f), Vec::<String>::new());
    }
}
