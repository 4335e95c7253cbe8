//! Who may write and read what (sync-protocol §4). The server is the guard; the app uses the
//! same rules to hide what a role cannot do.

use crate::event::Event;
use crate::ids::{AreaId, ProjectId, UserId};
use crate::kinds::is_reference;
use crate::reject::{RejectCode, Rejection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Butler,
    Supervisor,
    Technician,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Butler,
        Role::Supervisor,
        Role::Technician,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Butler => "butler",
            Role::Supervisor => "supervisor",
            Role::Technician => "technician",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role `{s}`; use butler, supervisor, technician or admin")
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signed-in user with the projects and areas they work in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
    pub projects: BTreeSet<ProjectId>,
    /// For butlers: their areas. Supervisors and admins see whole projects.
    pub areas: BTreeSet<AreaId>,
}

/// Where a record lives; fixed by its first accepted event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub record_type: String,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
}

/// Kinds a technician may write on an order or finding assigned to them: the work, not the
/// dispatch, and never the re-check of their own fix.
const TECHNICIAN_KINDS: &[&str] = &[
    "finding.rectified",
    "finding.note_added",
    "finding.photo_added",
    "repair_order.accepted",
    "repair_order.on_the_way",
    "repair_order.arrived",
    "repair_order.completed",
    "repair_order.note_added",
    "repair_order.photo_added",
    "repair_order.signature_added",
];

/// Kinds only supervisors and admins write: judgements that feed the butlers' own KPI.
const SUPERVISOR_KINDS: &[&str] = &["complaint.effective_set"];

fn forbidden(m: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::Forbidden, m)
}

/// Checks that `p` may push `ev`. `placement` is the record's existing home (None for a new
/// record); `granted` says whether the record was assigned to `p` (technicians).
pub fn check_write(
    p: &Principal,
    ev: &Event,
    placement: Option<&Placement>,
    granted: bool,
) -> Result<(), Rejection> {
    if ev.actor != p.user_id {
        return Err(forbidden(
            "actor must be the signed-in user; sign in as the person who made this change",
        ));
    }
    if let Some(pl) = placement {
        if pl.record_type != ev.record_type.as_str()
            || pl.project_id != ev.project_id
            || pl.area_id != ev.area_id
        {
            return Err(Rejection::new(
                RejectCode::Invalid,
                "this record already exists with another record_type, project or area; every event of a record must carry the record's own",
            ));
        }
    }
    if p.role != Role::Admin && !p.projects.contains(&ev.project_id) {
        return Err(forbidden(
            "this project is not yours; ask an admin to add you to it",
        ));
    }
    match p.role {
        Role::Admin | Role::Supervisor => Ok(()),
        Role::Butler => {
            if SUPERVISOR_KINDS.contains(&ev.kind.as_str()) {
                return Err(forbidden(format!(
                    "only supervisors and admins may write `{}`; ask your supervisor",
                    ev.kind
                )));
            }
            if is_reference(ev.record_type.as_str()) {
                return Err(forbidden(format!(
                    "only supervisors and admins change `{}` reference data",
                    ev.record_type
                )));
            }
            match ev.area_id {
                Some(a) if !p.areas.contains(&a) => Err(forbidden(
                    "this area is not yours; ask a supervisor to hand the record over",
                )),
                _ => Ok(()),
            }
        }
        Role::Technician => {
            if granted && TECHNICIAN_KINDS.contains(&ev.kind.as_str()) {
                Ok(())
            } else {
                Err(forbidden(
                    "technicians record work on repair orders assigned to them; ask the butler or supervisor to assign it",
                ))
            }
        }
    }
}

/// Whether `p` may read an event of a record placed so.
pub fn can_read(
    p: &Principal,
    project_id: ProjectId,
    area_id: Option<AreaId>,
    record_type: &str,
    granted: bool,
) -> bool {
    if p.role == Role::Admin {
        return true;
    }
    if !p.projects.contains(&project_id) {
        return false;
    }
    match p.role {
        Role::Admin | Role::Supervisor => true,
        Role::Butler => area_id.is_none_or(|a| p.areas.contains(&a)),
        Role::Technician => granted || (area_id.is_none() && is_reference(record_type)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::assignee;
    use crate::records::test_support::Maker;
    use serde_json::json;

    fn principal(role: Role, ev: &Event, areas: &[AreaId]) -> Principal {
        Principal {
            user_id: ev.actor,
            role,
            projects: [ev.project_id].into(),
            areas: areas.iter().copied().collect(),
        }
    }

    fn area(n: u8) -> AreaId {
        AreaId::from_parts(5, [n; 10])
    }

    fn order_in(n: u8) -> Event {
        let mut e = Maker::new("repair_order").make(
            1,
            100,
            "repair_order.created",
            json!({"description": "x"}),
        );
        e.area_id = Some(area(n));
        e
    }

    #[test]
    fn a_butler_writes_in_their_area_and_not_in_another() {
        let e = order_in(1);
        let p = principal(Role::Butler, &e, &[area(1)]);
        assert!(check_write(&p, &e, None, false).is_ok());
        let other = order_in(2);
        assert_eq!(
            check_write(&p, &other, None, false).unwrap_err().code,
            RejectCode::Forbidden
        );
        assert!(!can_read(
            &p,
            other.project_id,
            other.area_id,
            "repair_order",
            false
        ));
    }

    #[test]
    fn an_event_in_someone_elses_name_is_forbidden() {
        let e = order_in(1);
        let mut p = principal(Role::Admin, &e, &[]);
        p.user_id = UserId::from_parts(9, [9; 10]);
        assert_eq!(
            check_write(&p, &e, None, false).unwrap_err().code,
            RejectCode::Forbidden
        );
    }

    #[test]
    fn moving_a_record_to_another_area_by_relabelling_is_invalid() {
        let e = order_in(1);
        let p = principal(Role::Supervisor, &e, &[]);
        let home = Placement {
            record_type: "repair_order".into(),
            project_id: e.project_id,
            area_id: Some(area(2)),
        };
        assert_eq!(
            check_write(&p, &e, Some(&home), false).unwrap_err().code,
            RejectCode::Invalid
        );
    }

    #[test]
    fn a_technician_works_only_on_orders_assigned_to_them() {
        let mut e = order_in(1);
        e.kind = crate::event::Kind::parse("repair_order.completed").unwrap();
        let p = principal(Role::Technician, &e, &[]);
        assert!(check_write(&p, &e, None, true).is_ok());
        assert!(check_write(&p, &e, None, false).is_err());
        assert!(can_read(&p, e.project_id, e.area_id, "repair_order", true));
        assert!(!can_read(
            &p,
            e.project_id,
            e.area_id,
            "repair_order",
            false
        ));
        assert!(can_read(&p, e.project_id, None, "repair_category", false));
    }

    #[test]
    fn a_technician_named_on_a_finding_may_rectify_it_but_not_recheck_it() {
        let mut m = Maker::new("finding");
        let assigned = m.make(
            1,
            100,
            "finding.assigned",
            json!({"department": "工程部", "technician_id": UserId::from_parts(7, [7; 10])}),
        );
        assert_eq!(assignee(&assigned), Some(UserId::from_parts(7, [7; 10])));
        let fix = m.make(
            2,
            200,
            "finding.rectified",
            json!({"photo": "ab".repeat(32)}),
        );
        let p = principal(Role::Technician, &fix, &[]);
        assert!(check_write(&p, &fix, None, true).is_ok());
        let recheck = m.make(2, 300, "finding.rechecked", json!({"passed": true}));
        assert!(check_write(&p, &recheck, None, true).is_err());
    }

    #[test]
    fn a_butler_cannot_change_reference_data() {
        let mut m = Maker::new("guard_post");
        let e = m.make(1, 100, "guard_post.defined", json!({"name": "东门岗"}));
        let p = principal(Role::Butler, &e, &[]);
        assert!(check_write(&p, &e, None, false).is_err());
        assert!(can_read(&p, e.project_id, None, "guard_post", false));
    }

    #[test]
    fn only_supervisors_decide_whether_a_complaint_counts_against_the_butler() {
        let mut m = Maker::new("complaint");
        let mut e = m.make(
            1,
            100,
            "complaint.effective_set",
            json!({"effective": true}),
        );
        e.area_id = Some(area(1));
        let butler = principal(Role::Butler, &e, &[area(1)]);
        let err = check_write(&butler, &e, None, false).unwrap_err();
        assert_eq!(err.code, RejectCode::Forbidden);
        assert!(err.message.contains("supervisor"), "{}", err.message);
        let supervisor = principal(Role::Supervisor, &e, &[]);
        assert!(check_write(&supervisor, &e, None, false).is_ok());
        let mut reply = m.make(1, 110, "complaint.replied", json!({"reply": "已处理"}));
        reply.area_id = Some(area(1));
        assert!(check_write(&butler, &reply, None, false).is_ok());
    }
}
