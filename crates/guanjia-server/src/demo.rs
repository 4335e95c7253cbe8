//! `--demo`: one realistic residential project, seeded into an empty database through the
//! same push path devices use, so the demo data is ordinary synced reference data.

use crate::auth::{create_user, NewV7};
use crate::db::Db;
use crate::store;
use guanjia_core::event::{DeviceTime, Event, Kind, RecordType};
use guanjia_core::{AreaId, DeviceId, EventId, Hlc, Principal, ProjectId, RecordId, Role, UserId};
use serde_json::{json, Value};

pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

pub const DEMO_USERS: [DemoLogin; 6] = [
    DemoLogin {
        username: "admin",
        display_name: "王经理",
        role: Role::Admin,
    },
    DemoLogin {
        username: "supervisor1",
        display_name: "李主管",
        role: Role::Supervisor,
    },
    DemoLogin {
        username: "butler1",
        display_name: "张管家",
        role: Role::Butler,
    },
    DemoLogin {
        username: "butler2",
        display_name: "刘管家",
        role: Role::Butler,
    },
    DemoLogin {
        username: "tech1",
        display_name: "陈师傅",
        role: Role::Technician,
    },
    // A second technician, so an order can be handed over (reassigned).
    DemoLogin {
        username: "tech2",
        display_name: "赵师傅",
        role: Role::Technician,
    },
];

/// The default patrol checklist (domain.md §1, from 001 and 003), grouped.
const CHECKLIST: &[(&str, &[&str])] = &[
    (
        "环境卫生",
        &[
            "路面清洁，无垃圾、无积水",
            "无垃圾堆放",
            "公共区域无堆放杂物",
            "无乱晒乱挂",
            "无长明灯、长流水",
        ],
    ),
    (
        "绿化",
        &[
            "绿化带平整，无垃圾",
            "树木花草修剪整齐",
            "无占用绿地、损坏花木",
        ],
    ),
    ("楼宇外观", &["外墙立面整洁", "无乱张贴、乱涂画"]),
    (
        "标识与公告栏",
        &["标识整洁、端正、无破损", "公告栏整洁，过期通知已撤除"],
    ),
    ("车辆", &["车辆按指定位置停放"]),
    ("公共设施", &["公共设施完好，无涂鸦"]),
    (
        "装修",
        &[
            "装修手续、出入证齐全有效",
            "无违章搭建、无封阳台、无未经批准的防盗网",
            "装修垃圾不堵路、不过夜",
        ],
    ),
    ("其他", &["无乱摆卖", "空置房门窗关闭、状态正常"]),
];

/// The checklist groups checked at each demo checkpoint, in walking order (three lobbies,
/// the garage, the garden, the bin room): every group at one checkpoint of each area.
const CHECKPOINT_GROUPS: [&[&str]; 6] = [
    &["楼宇外观", "标识与公告栏"],
    &["装修", "其他"],
    &["公共设施"],
    &["车辆"],
    &["绿化"],
    &["环境卫生"],
];

/// The departments a finding's rectification is assigned to (`department` reference data).
fn seed_departments(s: &mut Seeder) {
    for name in ["工程部", "保洁部", "绿化部", "秩序部", "客服部"] {
        s.add("department", None, json!({ "name": name }));
    }
}

/// Repair categories with their time limits (domain.md §2; the stricter rule is the default).
fn repair_categories() -> Vec<Value> {
    let c = |code: &str,
             name: &str,
             amount: f64,
             unit: &str,
             urgent_arrival: Option<u32>,
             note: &str| {
        json!({
            "code": code, "name": name,
            "arrival_minutes": 30,
            "urgent_arrival_minutes": urgent_arrival,
            "completion": {"amount": amount, "unit": unit},
            "note": note,
        })
    };
    vec![
        c(
            "lighting_parts",
            "灯具配件",
            1.0,
            "working_days",
            Some(15),
            "线路故障 1 周",
        ),
        c("lighting_wiring", "照明线路", 7.0, "days", Some(15), ""),
        c(
            "tap_valve_leak",
            "水龙头/阀门漏水",
            0.5,
            "working_days",
            Some(15),
            "管道 1 天",
        ),
        c("pipe", "水管", 1.0, "days", Some(15), ""),
        c(
            "blocked_drain",
            "下水道堵塞",
            0.5,
            "working_days",
            Some(15),
            "复杂 1 天",
        ),
        c(
            "door_lock_furniture",
            "门、锁、家具",
            1.0,
            "working_days",
            None,
            "复杂 1 周",
        ),
        c(
            "simple_other",
            "其他简单维修",
            1.0,
            "working_days",
            None,
            "最多 2 个工作日",
        ),
        c(
            "public_door_window",
            "公共门窗",
            2.0,
            "working_days",
            None,
            "",
        ),
        c("corridor_lighting", "楼道照明", 2.0, "days", Some(15), ""),
        c(
            "other_lighting",
            "其他照明故障",
            5.0,
            "working_days",
            Some(15),
            "",
        ),
        json!({"code": "lift_emergency", "name": "电梯困人", "arrival_minutes": 10, "urgent_arrival_minutes": 10,
               "completion": {"amount": 2.0, "unit": "hours"}, "note": "维保人员 10 分钟内到场"}),
    ]
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛",
];

/// The tags of the `n`-th household (1-based, in building order): a sprinkling of each, and
/// renovation in three units of area A only, so area B's rounds skip the renovation items
/// until a supervisor tags a unit there.
fn household_tags(n: usize, in_area_a: bool) -> Vec<&'static str> {
    [
        (37, "elderly_alone"),
        (23, "vacant"),
        (101, "renovating"),
        (53, "new_owner"),
        (61, "key_customer"),
    ]
    .into_iter()
    .filter(|(every, tag)| n.is_multiple_of(*every) && (*tag != "renovating" || in_area_a))
    .map(|(_, tag)| tag)
    .collect()
}

/// The owner of the `n`-th household: 256 different names, so a search by name finds a few
/// households, not every sixteenth.
fn owner_name(n: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[n % SURNAMES.len()],
        GIVEN[(n * 7 + n / SURNAMES.len()) % GIVEN.len()]
    )
}

struct Seeder {
    admin: UserId,
    device: DeviceId,
    project: ProjectId,
    ms: u64,
    events: Vec<Value>,
}

impl Seeder {
    fn add(&mut self, record_type: &str, area: Option<AreaId>, payload: Value) {
        self.ms += 1;
        let ev = Event {
            id: EventId::from_uuid_v7(),
            record_id: RecordId::from_uuid_v7(),
            record_type: RecordType::parse(record_type).expect("demo record type"),
            kind: Kind::parse(&format!("{record_type}.defined")).expect("demo kind"),
            v: 1,
            project_id: self.project,
            area_id: area,
            actor: self.admin,
            device_id: self.device,
            hlc: Hlc::new(self.ms, 0),
            device_time: DeviceTime::from_unix_ms(self.ms),
            base_seq: 0,
            payload,
            seq: None,
            received_at: None,
        };
        self.events
            .push(serde_json::to_value(ev).expect("event serializes"));
    }
}

/// Seeds the demo project if the database has no users yet. Returns false when it did nothing.
pub async fn seed(db: &Db, password: &str) -> anyhow::Result<bool> {
    let users: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&db.pool)
            .await?,
        0,
    )?;
    if users > 0 {
        return Ok(false);
    }
    let project = ProjectId::from_uuid_v7();
    let area_a = AreaId::from_uuid_v7();
    let area_b = AreaId::from_uuid_v7();
    sqlx::query("INSERT INTO projects (id, name) VALUES ($1, $2)")
        .bind(project.to_string())
        .bind("翠湖花园")
        .execute(&db.pool)
        .await?;
    for (id, name) in [(area_a, "A区（1–3幢）"), (area_b, "B区（4–6幢）")] {
        sqlx::query("INSERT INTO areas (id, project_id, name) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(project.to_string())
            .bind(name)
            .execute(&db.pool)
            .await?;
    }
    let mut ids = Vec::new();
    for u in &DEMO_USERS {
        let areas: Vec<AreaId> = match u.username {
            "butler1" => vec![area_a],
            "butler2" => vec![area_b],
            _ => vec![],
        };
        let projects = if u.role == Role::Admin {
            vec![]
        } else {
            vec![project]
        };
        ids.push(
            create_user(
                db,
                u.username,
                u.display_name,
                u.role,
                password,
                &projects,
                &areas,
            )
            .await?,
        );
    }
    let admin = ids[0];
    let mut s = Seeder {
        admin,
        device: DeviceId::from_uuid(uuid::Uuid::new_v4()),
        project,
        ms: crate::auth::now_ms() as u64 - 60_000,
        events: Vec::new(),
    };

    let mut n = 0usize;
    for building in 1..=6u32 {
        let area = if building <= 3 { area_a } else { area_b };
        let per_floor = 2 + (building - 1) % 3;
        for unit in 1..=2u32 {
            for floor in 1..=18u32 {
                for k in 1..=per_floor {
                    n += 1;
                    let room = format!("{floor}{k:02}");
                    let tags = household_tags(n, area == area_a);
                    let vacant = tags.contains(&"vacant");
                    let owner = owner_name(n);
                    s.add(
                        "household",
                        Some(area),
                        json!({
                            "name": format!("{building}幢{unit}单元{room}"),
                            "building": building, "unit": unit, "floor": floor, "room": room,
                            "owner_name": if vacant { Value::Null } else { json!(owner) },
                            "phone": if vacant { Value::Null } else { json!(format!("138{:08}", (n * 7919) % 100_000_000)) },
                            "tags": tags,
                        }),
                    );
                }
            }
        }
    }
    for (code, name) in [
        ("GATE-E", "东门岗"),
        ("GATE-W", "西门岗"),
        ("CTRL", "监控中心"),
        ("PATROL", "巡逻岗"),
    ] {
        s.add("guard_post", None, json!({"name": name, "code": code}));
    }
    for (area, tag, first) in [(area_a, "A", 1), (area_b, "B", 4)] {
        let mut points: Vec<String> = (first..first + 3).map(|b| format!("{b}幢大堂")).collect();
        points.extend([
            format!("{tag}区地下车库"),
            format!("{tag}区中心花园"),
            format!("{tag}区垃圾房"),
        ]);
        for (i, name) in points.into_iter().enumerate() {
            s.add(
                "checkpoint",
                Some(area),
                json!({"name": name, "code": format!("CP-{tag}-{:02}", i + 1), "order": i + 1, "groups": CHECKPOINT_GROUPS[i]}),
            );
        }
    }
    seed_departments(&mut s);
    let mut items = Vec::new();
    for (group, texts) in CHECKLIST {
        for text in *texts {
            let mut item = json!({"id": format!("item-{:02}", items.len() + 1), "group": group, "text": text, "photo_on_fail": true});
            // Renovation inspection only where a unit is being renovated (domain.md §1).
            if *group == "装修" {
                item["only_if_tag"] = json!("renovating");
            }
            items.push(item);
        }
    }
    s.add(
        "checklist_template",
        None,
        json!({"name": "日常巡查表", "version": 1, "rounds_per_day": 2, "items": items}),
    );
    for c in repair_categories() {
        s.add("repair_category", None, c);
    }
    // The project's rules: domain.md's defaults (calendar 08–12/14–18 Mon–Fri UTC+8, two
    // rounds a day by 12:00 and 18:00…); admins add the year's holidays and make-up days.
    s.add(
        "project_settings",
        None,
        json!({"name": "翠湖花园 规则", "calendar": {"holidays": [], "extra_workdays": []}}),
    );
    // The posted price list for chargeable work (有偿服务, domain.md §2); prices in fen.
    for (name, unit, cents) in [
        ("更换水龙头（含工）", "个", 8_000),
        ("更换存水弯密封圈", "个", 1_500),
        ("疏通下水道", "次", 5_000),
        ("更换灯泡（含工）", "个", 2_000),
        ("更换门锁锁芯", "个", 12_000),
    ] {
        s.add(
            "price_item",
            None,
            json!({"name": name, "unit": unit, "price_cents": cents}),
        );
    }

    let admin_p = Principal {
        user_id: admin,
        role: Role::Admin,
        projects: [project].into(),
        areas: [area_a, area_b].into(),
    };
    for chunk in s.events.chunks(guanjia_core::protocol::MAX_PUSH_EVENTS) {
        let results = store::push(db, &admin_p, chunk)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        if let Some(bad) = results
            .iter()
            .find(|r| matches!(r, guanjia_core::protocol::PushResult::Rejected { .. }))
        {
            anyhow::bail!("demo seed event refused: {bad:?}");
        }
    }
    tracing::info!(
        households = n,
        events = s.events.len(),
        "demo project seeded"
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_units_of_area_a_renovate_and_none_of_area_b() {
        // Buildings 1–3 (area A) hold households 1–324, buildings 4–6 (area B) 325–648.
        let renovating: Vec<usize> = (1..=648)
            .filter(|&n| household_tags(n, n <= 324).contains(&"renovating"))
            .collect();
        assert_eq!(renovating, [101, 202, 303]);
        for tag in ["elderly_alone", "vacant", "new_owner", "key_customer"] {
            assert!((325..=648).any(|n| household_tags(n, false).contains(&tag)));
        }
    }

    #[test]
    fn owner_names_vary_beyond_sixteen() {
        let names: std::collections::BTreeSet<String> = (1..=648).map(owner_name).collect();
        assert_eq!(names.len(), 256);
        assert_eq!(owner_name(1), "李强");
    }
}

#[cfg(test)]
mod checkpoint_groups_tests {
    #[test]
    fn every_checklist_group_is_checked_at_a_demo_checkpoint() {
        for (group, _) in super::CHECKLIST {
            assert!(
                super::CHECKPOINT_GROUPS.iter().any(|c| c.contains(group)),
                "{group} is checked nowhere"
            );
        }
    }
}
