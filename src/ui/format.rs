//! Formatting for people: countdowns, money, limits, what a round left out.

use crate::model::patrol::TodayPatrol;
use crate::ui::i18n::{tr, I18n, Key, Lang};
use guanjia_core::deadline::{CategoryLimits, Countdown, Urgency};
use guanjia_core::records::{LeftOut, ScanFlag};

/// "剩 1 小时 5 分" / "1 h 5 min left"; "超时 12 分" / "12 min overdue".
/// The words live in the translation list with `{d}`, `{h}`, `{m}` and `{span}` holes.
pub fn countdown_text(lang: Lang, c: &Countdown) -> String {
    let m = c.minutes_left();
    let a = m.unsigned_abs();
    let (d, h, min) = (a / 1440, a % 1440 / 60, a % 60);
    let span = match (d, h) {
        (1.., _) => tr(lang, Key::SpanDaysHours),
        (0, 1..) => tr(lang, Key::SpanHoursMinutes),
        (0, 0) => tr(lang, Key::SpanMinutes),
    }
    .replace("{d}", &d.to_string())
    .replace("{h}", &h.to_string())
    .replace("{m}", &min.to_string());
    let whole = tr(
        lang,
        if m < 0 {
            Key::CountdownOverdue
        } else {
            Key::CountdownLeft
        },
    );
    whole.replace("{span}", &span)
}

pub fn urgency_class(c: &Countdown) -> &'static str {
    match c.urgency() {
        Urgency::OnTime => "ok",
        Urgency::DueSoon => "soon",
        Urgency::Overdue => "overdue",
    }
}

/// "¥15.00" from fen, without float formatting.
pub fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}¥{}.{:02}", c / 100, c % 100)
}

/// Yuan as typed ("12", "12.5", "12.50") in fen, without floats; `None` for anything else.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches(['¥', '￥']);
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || digits(frac) && frac.len() <= 2) {
        return None;
    }
    let fen = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(fen)
}

/// "到场 30 分钟（紧急 15）· 完工 ½ 个工作日": a category's limits as intake shows them
/// (amounts in halves, so no float formatting is linked into the app).
pub fn limits_text(i18n: I18n, l: &CategoryLimits) -> String {
    use guanjia_core::deadline::LimitUnit;
    let mut parts = Vec::new();
    if let Some(m) = l.arrival_minutes {
        let urgent = l
            .urgent_arrival_minutes
            .map(|u| format!(" ({} {u})", i18n.t(Key::LimitUrgent)))
            .unwrap_or_default();
        parts.push(format!(
            "{} {m} {}{urgent}",
            i18n.t(Key::LimitArrival),
            i18n.t(Key::UnitMinutes)
        ));
    }
    if let Some(c) = l.completion {
        let halves = (c.amount * 2.0).round() as i64;
        let amount = match (halves / 2, halves % 2 == 1) {
            (0, true) => "½".to_string(),
            (n, true) => format!("{n}½"),
            (n, false) => n.to_string(),
        };
        let unit = match c.unit {
            LimitUnit::Minutes => Key::UnitMinutes,
            LimitUnit::Hours => Key::UnitHours,
            LimitUnit::Days => Key::UnitDays,
            LimitUnit::WorkingHours => Key::UnitWorkingHours,
            LimitUnit::WorkingDays => Key::UnitWorkingDays,
        };
        parts.push(format!(
            "{} {amount} {}",
            i18n.t(Key::LimitCompletion),
            i18n.t(unit)
        ));
    }
    parts.join(" · ")
}

/// "2 个巡查点未打卡，5 项未检查" / "2 checkpoints not checked in, 5 items not checked".
pub fn left_out_text(i18n: I18n, l: &LeftOut) -> String {
    let mut parts = Vec::new();
    if !l.checkpoints.is_empty() {
        parts.push(format!(
            "{} {}",
            l.checkpoints.len(),
            i18n.t(Key::RoundLeftCheckpoints)
        ));
    }
    if !l.items.is_empty() {
        parts.push(format!("{} {}", l.items.len(), i18n.t(Key::RoundLeftItems)));
    }
    parts.join(i18n.t(Key::PatrolSep))
}

pub fn flag_text(i18n: I18n, f: &ScanFlag) -> String {
    match f {
        ScanFlag::TooFast { seconds, .. } => format!("{} ({seconds} s)", i18n.t(Key::FlagTooFast)),
        ScanFlag::ClockWentBack { .. } => i18n.t(Key::FlagClockBack).to_string(),
        ScanFlag::AfterFinish { .. } => i18n.t(Key::FlagAfterFinish).to_string(),
    }
}

/// "今日已完成 1 / 2 · 下一轮截止 18:00 · 超时 1 · 漏巡 1".
pub fn today_patrol_text(i18n: I18n, today: &TodayPatrol) -> String {
    let mut out = format!(
        "{} {} / {}",
        i18n.t(Key::PatrolToday),
        today.day.done,
        today.required
    );
    if let Some(due) = today.next_due {
        out += &format!(" · {} {}", i18n.t(Key::PatrolNextDue), due.format("%H:%M"));
    }
    if today.day.late > 0 {
        out += &format!(" · {} {}", i18n.t(Key::ComplianceLate), today.day.late);
    }
    if today.day.missed > 0 {
        out += &format!(" · {} {}", i18n.t(Key::ComplianceMissed), today.day.missed);
    }
    out
}

/// A phone number as shown before someone taps it (owners' details are confidential, 001:8,
/// 000:140): the first three and last four digits, the digits between as `*`, anything that
/// is not a digit kept where it was ("138****1234", "0571-****5678"). A short number keeps
/// only its last two digits; one of two digits or fewer shows none.
pub fn masked_phone(phone: &str) -> String {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let (head, tail) = match digits {
        n if n >= 8 => (3, 4),
        n if n >= 3 => (0, 2),
        _ => (0, 0),
    };
    let mut seen = 0;
    phone
        .trim()
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > digits - tail {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn countdown(minutes_left: i64) -> Countdown {
        let due = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap();
        Countdown::new(due, due - chrono::Duration::minutes(minutes_left))
    }

    #[test]
    fn a_countdown_reads_in_days_hours_or_minutes_left_or_overdue() {
        assert_eq!(countdown_text(Lang::ZhCn, &countdown(14)), "剩 14 分");
        assert_eq!(countdown_text(Lang::En, &countdown(14)), "14 min left");
        assert_eq!(
            countdown_text(Lang::ZhCn, &countdown(545)),
            "剩 9 小时 5 分"
        );
        assert_eq!(countdown_text(Lang::ZhCn, &countdown(-13)), "超时 13 分");
        assert_eq!(countdown_text(Lang::En, &countdown(-13)), "13 min overdue");
        assert_eq!(
            countdown_text(Lang::En, &countdown(49 * 60)),
            "2 d 1 h left"
        );
        assert_eq!(
            countdown_text(Lang::ZhCn, &countdown(-49 * 60)),
            "超时 2 天 1 小时"
        );
    }

    #[test]
    fn a_phone_shows_its_first_three_and_last_four_digits() {
        assert_eq!(masked_phone("13812341234"), "138****1234");
        assert_eq!(masked_phone("13800007919"), "138****7919");
    }

    #[test]
    fn separators_stay_where_they_were_and_only_digits_are_hidden() {
        assert_eq!(masked_phone("0571-8765 4321"), "057*-**** 4321");
        assert_eq!(masked_phone(" 138 1234 1234 "), "138 **** 1234");
    }

    #[test]
    fn a_short_number_shows_only_its_last_two_digits_and_a_tiny_one_none() {
        assert_eq!(masked_phone("8001"), "**01");
        assert_eq!(masked_phone("1234567"), "*****67");
        assert_eq!(masked_phone("12"), "**");
        assert_eq!(masked_phone(""), "");
    }

    #[test]
    fn typed_yuan_become_fen_and_anything_else_is_refused() {
        for (typed, fen) in [
            ("12", 1200),
            ("12.5", 1250),
            ("12.05", 1205),
            (" ¥0.5 ", 50),
            ("0", 0),
        ] {
            assert_eq!(parse_yuan(typed), Some(fen), "{typed}");
        }
        for typed in ["", ".5", "12.345", "-3", "1e3", "十二", "12,5"] {
            assert_eq!(parse_yuan(typed), None, "{typed}");
        }
    }
}
