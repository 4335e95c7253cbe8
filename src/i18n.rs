//! The one translation table of the app. Simplified Chinese is the default language; every
//! string the user sees goes through [`tr`] (or [`I18n::t`] inside components).
//!
//! The table is a `match`, so the compiler refuses a key without both translations.

use leptos::prelude::*;

/// A language the app is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 简体中文 — the default.
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the settings page offers them.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// BCP 47 code, used for `<html lang>` and for storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a stored or browser language code (`zh-CN`, `zh`, `en`, `en-GB`, …).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's name in itself, as shown on the language toggle.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "简体中文",
            Lang::En => "English",
        }
    }
}

/// Every user-visible string of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    AppName,
    Tagline,
    Version,
    NavLabel,
    NavHome,
    NavSettings,
    SettingsTitle,
    Language,
    Network,
    Online,
    Offline,
    NetworkHint,
    NotFoundTitle,
    NotFoundBody,
    BackHome,
    NavToday,
    NavDuty,
    NavInbox,
    LoginTitle,
    Username,
    Password,
    LoginSubmit,
    LoginWorking,
    LoginFailed,
    LoginNeedsNetwork,
    LoginOtherUser,
    SyncOnline,
    SyncOffline,
    SyncSyncing,
    SyncPaused,
    SyncPending,
    SyncLast,
    SyncNow,
    SyncPulled,
    Never,
    TodayTitle,
    Hello,
    MyAreas,
    TodayDutyCard,
    TodayDutyHint,
    TodayPatrolCard,
    TodayRepairCard,
    EmptyFeature,
    DutyTitle,
    DutyPick,
    DutyNoPosts,
    DutyToday,
    DutyNew,
    DutyAdd,
    DutyEmpty,
    DutyCorrect,
    DutyCorrectPlaceholder,
    DutyCorrectSubmit,
    DutyCorrects,
    DutyCorrectedBy,
    DutyRule,
    Cancel,
    StatePending,
    StateSynced,
    StateRejected,
    Me,
    SaveFailed,
    InboxTitle,
    InboxEmpty,
    InboxRejected,
    InboxConflict,
    DeviceId,
    Storage,
    Persistent,
    NotPersistent,
    Usage,
    QuotaWarning,
    Account,
    Logout,
    LogoutBlocked,
    LogoutBlockedHint,
    UpdateReady,
    UpdateApply,
    UpdateWait,
    StoreFailed,
    Loading,
    RoleButler,
    RoleSupervisor,
    RoleTechnician,
    RoleAdmin,
    Theme,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
    ExportOutbox,
    ExportOutboxHint,
    ExportFailed,
    NavOrders,
    OrdersTitle,
    OrderNew,
    FilterOpen,
    FilterMine,
    FilterOverdue,
    FilterAll,
    OrdersEmpty,
    OrderUrgent,
    OrderNoArea,
    OrderDescription,
    OrderCategory,
    OrderArea,
    OrderUrgentHint,
    OrderLocation,
    OrderReporter,
    OrderPhone,
    OrderSubmit,
    OrderNeedsInput,
    OrderArrival,
    OrderCompletion,
    OrderReturnVisit,
    StatusCreated,
    StatusAssigned,
    StatusAccepted,
    StatusOnTheWay,
    StatusArrived,
    StatusCompleted,
    StatusReturnVisited,
    StatusClosed,
    StatusCancelled,
    ActAssign,
    ActCancel,
    ActAccept,
    ActOnTheWay,
    ActArrived,
    ActComplete,
    ActReturnVisit,
    ActFixAgain,
    ActClose,
    DeadlineMet,
    DeadlineLate,
    OrderNotFound,
    OrderTechnician,
    OrderHasConflict,
    OrderSatisfaction,
    OrderNote,
    FilterEscalate,
    QuietHoursWarning,
    OrderSearch,
    OrdersShowingFirst,
}

impl Key {
    /// Every key (for tests and tooling).
    pub const ALL: [Key; 143] = [
        Key::AppName,
        Key::Tagline,
        Key::Version,
        Key::NavLabel,
        Key::NavHome,
        Key::NavSettings,
        Key::SettingsTitle,
        Key::Language,
        Key::Network,
        Key::Online,
        Key::Offline,
        Key::NetworkHint,
        Key::NotFoundTitle,
        Key::NotFoundBody,
        Key::BackHome,
        Key::NavToday,
        Key::NavDuty,
        Key::NavInbox,
        Key::LoginTitle,
        Key::Username,
        Key::Password,
        Key::LoginSubmit,
        Key::LoginWorking,
        Key::LoginFailed,
        Key::LoginNeedsNetwork,
        Key::LoginOtherUser,
        Key::SyncOnline,
        Key::SyncOffline,
        Key::SyncSyncing,
        Key::SyncPaused,
        Key::SyncPending,
        Key::SyncLast,
        Key::SyncNow,
        Key::SyncPulled,
        Key::Never,
        Key::TodayTitle,
        Key::Hello,
        Key::MyAreas,
        Key::TodayDutyCard,
        Key::TodayDutyHint,
        Key::TodayPatrolCard,
        Key::TodayRepairCard,
        Key::EmptyFeature,
        Key::DutyTitle,
        Key::DutyPick,
        Key::DutyNoPosts,
        Key::DutyToday,
        Key::DutyNew,
        Key::DutyAdd,
        Key::DutyEmpty,
        Key::DutyCorrect,
        Key::DutyCorrectPlaceholder,
        Key::DutyCorrectSubmit,
        Key::DutyCorrects,
        Key::DutyCorrectedBy,
        Key::DutyRule,
        Key::Cancel,
        Key::StatePending,
        Key::StateSynced,
        Key::StateRejected,
        Key::Me,
        Key::SaveFailed,
        Key::InboxTitle,
        Key::InboxEmpty,
        Key::InboxRejected,
        Key::InboxConflict,
        Key::DeviceId,
        Key::Storage,
        Key::Persistent,
        Key::NotPersistent,
        Key::Usage,
        Key::QuotaWarning,
        Key::Account,
        Key::Logout,
        Key::LogoutBlocked,
        Key::LogoutBlockedHint,
        Key::UpdateReady,
        Key::UpdateApply,
        Key::UpdateWait,
        Key::StoreFailed,
        Key::Loading,
        Key::RoleButler,
        Key::RoleSupervisor,
        Key::RoleTechnician,
        Key::RoleAdmin,
        Key::Theme,
        Key::ThemeSystem,
        Key::ThemeLight,
        Key::ThemeDark,
        Key::ExportOutbox,
        Key::ExportOutboxHint,
        Key::ExportFailed,
        Key::NavOrders,
        Key::OrdersTitle,
        Key::OrderNew,
        Key::FilterOpen,
        Key::FilterMine,
        Key::FilterOverdue,
        Key::FilterAll,
        Key::OrdersEmpty,
        Key::OrderUrgent,
        Key::OrderNoArea,
        Key::OrderDescription,
        Key::OrderCategory,
        Key::OrderArea,
        Key::OrderUrgentHint,
        Key::OrderLocation,
        Key::OrderReporter,
        Key::OrderPhone,
        Key::OrderSubmit,
        Key::OrderNeedsInput,
        Key::OrderArrival,
        Key::OrderCompletion,
        Key::OrderReturnVisit,
        Key::StatusCreated,
        Key::StatusAssigned,
        Key::StatusAccepted,
        Key::StatusOnTheWay,
        Key::StatusArrived,
        Key::StatusCompleted,
        Key::StatusReturnVisited,
        Key::StatusClosed,
        Key::StatusCancelled,
        Key::ActAssign,
        Key::ActCancel,
        Key::ActAccept,
        Key::ActOnTheWay,
        Key::ActArrived,
        Key::ActComplete,
        Key::ActReturnVisit,
        Key::ActFixAgain,
        Key::ActClose,
        Key::DeadlineMet,
        Key::DeadlineLate,
        Key::OrderNotFound,
        Key::OrderTechnician,
        Key::OrderHasConflict,
        Key::OrderSatisfaction,
        Key::OrderNote,
        Key::FilterEscalate,
        Key::QuietHoursWarning,
        Key::OrderSearch,
        Key::OrdersShowingFirst,
    ];
}

/// `(zh-CN, en)` for a key.
const fn entry(key: Key) -> (&'static str, &'static str) {
    match key {
        Key::AppName => ("管家 Guanjia", "管家 Guanjia"),
        Key::Tagline => (
            "离线优先的物业管家工作台",
            "Offline-first workbench for property butlers",
        ),
        Key::Version => ("版本", "Version"),
        Key::NavLabel => ("主导航", "Main navigation"),
        Key::NavHome => ("首页", "Home"),
        Key::NavSettings => ("设置", "Settings"),
        Key::SettingsTitle => ("设置", "Settings"),
        Key::Language => ("语言", "Language"),
        Key::Theme => ("显示", "Display"),
        Key::ThemeSystem => ("跟随系统", "Follow device"),
        Key::ThemeLight => ("浅色", "Light"),
        Key::ThemeDark => ("夜间", "Night"),
        Key::ExportOutbox => ("导出未同步记录", "Export unsent records"),
        Key::ExportOutboxHint => (
            "无法联网同步时（例如交还设备前），把未同步的记录保存为文件，交给管理员导入服务器。记录仍保留在本设备上。",
            "When you cannot sync (e.g. before handing the device back), save the unsent records to a file for an admin to import on the server. They also stay on this device.",
        ),
        Key::ExportFailed => ("导出失败：", "Export failed: "),
        Key::NavOrders => ("报修", "Repairs"),
        Key::OrdersTitle => ("报修工单", "Repair orders"),
        Key::OrderNew => ("新建报修", "New repair order"),
        Key::FilterOpen => ("未完成", "Open"),
        Key::FilterMine => ("我的", "Mine"),
        Key::FilterOverdue => ("已超时", "Overdue"),
        Key::FilterAll => ("全部", "All"),
        Key::OrdersEmpty => ("没有符合条件的工单。", "No orders here."),
        Key::OrderUrgent => ("紧急", "Urgent"),
        Key::OrderNoArea => ("你还没有分配片区，无法登记报修；请联系主管。", "You have no area yet, so you cannot file orders; ask your supervisor."),
        Key::OrderDescription => ("故障描述", "What is wrong"),
        Key::OrderCategory => ("维修类别", "Category"),
        Key::OrderArea => ("片区", "Area"),
        Key::OrderUrgentHint => ("紧急（水、电、气）：15 分钟内到场", "Urgent (water, power, gas): on site within 15 minutes"),
        Key::OrderLocation => ("位置 / 房号", "Location / room"),
        Key::OrderReporter => ("报修人", "Reported by"),
        Key::OrderPhone => ("联系电话", "Phone"),
        Key::OrderSubmit => ("登记报修", "File the order"),
        Key::OrderNeedsInput => ("请先填写所需内容（维修人员或原因）。", "Fill in what this step needs first (technician or reason)."),
        Key::OrderArrival => ("到场", "Arrival"),
        Key::OrderCompletion => ("完工", "Completion"),
        Key::OrderReturnVisit => ("回访", "Return visit"),
        Key::StatusCreated => ("待派工", "Not dispatched"),
        Key::StatusAssigned => ("已派工", "Assigned"),
        Key::StatusAccepted => ("已接单", "Accepted"),
        Key::StatusOnTheWay => ("在途", "On the way"),
        Key::StatusArrived => ("已到场", "Arrived"),
        Key::StatusCompleted => ("已完工", "Completed"),
        Key::StatusReturnVisited => ("已回访", "Return-visited"),
        Key::StatusClosed => ("已关闭", "Closed"),
        Key::StatusCancelled => ("已取消", "Cancelled"),
        Key::ActAssign => ("派工", "Assign"),
        Key::ActCancel => ("取消工单", "Cancel order"),
        Key::ActAccept => ("接单", "Accept"),
        Key::ActOnTheWay => ("出发", "On my way"),
        Key::ActArrived => ("已到场", "Arrived"),
        Key::ActComplete => ("完工", "Complete"),
        Key::ActReturnVisit => ("登记回访", "Record return visit"),
        Key::ActFixAgain => ("返修", "Fix again"),
        Key::ActClose => ("关闭工单", "Close order"),
        Key::DeadlineMet => ("按时", "On time"),
        Key::DeadlineLate => ("超时完成", "Done late"),
        Key::OrderNotFound => ("此设备上没有这张工单。", "This device has no such order."),
        Key::OrderTechnician => ("维修人员", "Technician"),
        Key::OrderHasConflict => ("这张工单有离线冲突或被忽略的操作，请查看收件箱。", "This order has an offline conflict or an ignored step; see the inbox."),
        Key::OrderSatisfaction => ("满意度（5 最满意）", "Satisfaction (5 = very satisfied)"),
        Key::OrderNote => ("说明 / 原因", "Note / reason"),
        Key::FilterEscalate => ("需督办", "Escalate"),
        Key::OrderSearch => ("搜索：故障、位置、报修人、电话", "Search: fault, place, reporter, phone"),
        Key::OrdersShowingFirst => ("仅显示前", "Showing the first"),
        Key::QuietHoursWarning => (
            "现在是业主休息时间（早 8 点前、12–14 点、晚 9 点后），电话回访请在此时间后：",
            "Owners are resting now (before 8:00, 12–14, after 21:00); phone for the return visit after",
        ),
        Key::Network => ("网络状态", "Network"),
        Key::Online => ("在线", "Online"),
        Key::Offline => ("离线", "Offline"),
        Key::NetworkHint => (
            "设备报告的网络状态仅供参考；数据是否已同步，以同步结果为准。",
            "This is what the device reports; whether data has synced is decided by the sync itself.",
        ),
        Key::NotFoundTitle => ("页面不存在", "Page not found"),
        Key::NotFoundBody => ("没有找到这个页面。", "There is no page at this address."),
        Key::BackHome => ("返回首页", "Back to home"),
        Key::NavToday => ("今日", "Today"),
        Key::NavDuty => ("值班记录", "Duty log"),
        Key::NavInbox => ("待处理", "Inbox"),
        Key::LoginTitle => ("登录", "Sign in"),
        Key::Username => ("用户名", "Username"),
        Key::Password => ("密码", "Password"),
        Key::LoginSubmit => ("登录", "Sign in"),
        Key::LoginWorking => ("正在登录…", "Signing in\u{2026}"),
        Key::LoginFailed => ("登录失败：", "Sign-in failed: "),
        Key::LoginNeedsNetwork => ("登录需要连接服务器；请在有信号的地方再试。", "Signing in needs the server; try again where there is a signal."),
        Key::LoginOtherUser => ("本机还有其他用户未上传的记录，请用该账号登录，上传后再换人。", "This device still holds unsent changes of another user; sign in as that user, let them upload, then switch."),
        Key::SyncOnline => ("已连接", "Connected"),
        Key::SyncOffline => ("离线", "Offline"),
        Key::SyncSyncing => ("同步中", "Syncing"),
        Key::SyncPaused => ("需重新登录", "Sign in again"),
        Key::SyncPending => ("待上传", "Unsent"),
        Key::SyncLast => ("上次同步", "Last sync"),
        Key::SyncNow => ("立即同步", "Sync now"),
        Key::SyncPulled => ("已下载", "Downloaded"),
        Key::Never => ("—", "\u{2014}"),
        Key::TodayTitle => ("今日工作", "Today"),
        Key::Hello => ("你好，", "Hello, "),
        Key::MyAreas => ("我的片区", "My areas"),
        Key::TodayDutyCard => ("值班记录", "Duty log"),
        Key::TodayDutyHint => ("各岗位的值班记录，离线也能记。", "Each post's duty log, works offline."),
        Key::TodayPatrolCard => ("日常巡查", "Daily patrol"),
        Key::TodayRepairCard => ("报修工单", "Repair orders"),
        Key::EmptyFeature => ("暂无任务。", "Nothing to do yet."),
        Key::DutyTitle => ("值班记录", "Duty log"),
        Key::DutyPick => ("选择岗位", "Choose a post"),
        Key::DutyNoPosts => ("还没有岗位数据；联网同步后显示。", "No posts yet; they appear after the first sync."),
        Key::DutyToday => ("今日记录", "Today's entries"),
        Key::DutyNew => ("新记录", "New entry"),
        Key::DutyAdd => ("添加记录", "Add entry"),
        Key::DutyEmpty => ("今天还没有记录。", "No entries today."),
        Key::DutyCorrect => ("更正", "Correct"),
        Key::DutyCorrectPlaceholder => ("写明更正内容（原记录保留，不可删改）", "Write the correction (the original stays; nothing is edited or deleted)"),
        Key::DutyCorrectSubmit => ("保存更正", "Save correction"),
        Key::DutyCorrects => ("更正了", "Corrects"),
        Key::DutyCorrectedBy => ("已被更正", "Corrected"),
        Key::DutyRule => ("值班记录只能追加：更正会作为新记录保存，原记录保留。", "The duty log is append-only: a correction is saved as a new entry and the original stays."),
        Key::Cancel => ("取消", "Cancel"),
        Key::StatePending => ("待上传", "Unsent"),
        Key::StateSynced => ("已同步", "Synced"),
        Key::StateRejected => ("被拒绝", "Rejected"),
        Key::Me => ("我", "Me"),
        Key::SaveFailed => ("保存失败，内容仍在输入框中：", "Not saved; your text is still in the box: "),
        Key::InboxTitle => ("待处理", "Inbox"),
        Key::InboxEmpty => ("没有冲突或被拒绝的记录。", "No conflicts or rejected changes."),
        Key::InboxRejected => ("被服务器拒绝", "Refused by the server"),
        Key::InboxConflict => ("冲突", "Conflict"),
        Key::DeviceId => ("设备编号", "Device id"),
        Key::Storage => ("本地存储", "Storage on this device"),
        Key::Persistent => ("持久保存（浏览器不会自动清除）", "Persistent (the browser will not evict it)"),
        Key::NotPersistent => ("非持久：存储紧张时浏览器可能清除，请尽快同步", "Not persistent: the browser may clear it when space runs low; sync soon"),
        Key::Usage => ("已用", "Used"),
        Key::QuotaWarning => ("本地存储快满了，请联网同步并清理旧照片。", "Local storage is nearly full; sync and clear old photos."),
        Key::Account => ("账号", "Account"),
        Key::Logout => ("退出登录", "Sign out"),
        Key::LogoutBlocked => ("还有未上传的记录，不能退出：", "Unsent changes, you cannot sign out yet: "),
        Key::LogoutBlockedHint => (
            "请联网同步后再退出；无法联网时可先导出未同步记录。",
            "Sync first, then sign out; if you cannot get online, export the unsent records first.",
        ),
        Key::UpdateReady => ("新版本已就绪。", "A new version is ready."),
        Key::UpdateApply => ("更新", "Update"),
        Key::UpdateWait => ("有未上传的记录或未保存的输入，同步并保存后再更新。", "Unsent changes or unsaved text: sync and save first, then update."),
        Key::StoreFailed => ("本地存储不可用：", "Local storage is unavailable: "),
        Key::Loading => ("加载中…", "Loading\u{2026}"),
        Key::RoleButler => ("管家", "Butler"),
        Key::RoleSupervisor => ("客服主管", "Supervisor"),
        Key::RoleTechnician => ("维修工", "Technician"),
        Key::RoleAdmin => ("管理员", "Admin"),
    }
}

/// The text for `key` in `lang`.
pub fn tr(lang: Lang, key: Key) -> &'static str {
    let (zh_cn, en) = entry(key);
    match lang {
        Lang::ZhCn => zh_cn,
        Lang::En => en,
    }
}

/// The app's current language, shared through context. `Copy`, so closures can capture it.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Provides a new `I18n` starting in `lang` to the current component tree.
    pub fn provide(lang: Lang) -> I18n {
        let i18n = I18n {
            lang: RwSignal::new(lang),
        };
        provide_context(i18n);
        i18n
    }

    /// The current language (reactive).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// Switches the language and remembers the choice on this device.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        crate::settings::save_lang(lang);
    }

    /// The text for `key` in the current language (reactive).
    pub fn t(&self, key: Key) -> &'static str {
        tr(self.lang.get(), key)
    }

    /// `key` as reactive view text or attribute value. Every call site gets the same closure
    /// type, so Leptos's rendering code for it is generated once, not once per string (a
    /// separate `move || i18n.t(…)` per string cost the wasm shell several KB each).
    pub fn text(self, key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(key)
    }
}

/// The `I18n` provided by [`crate::App`].
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default() {
        assert_eq!(Lang::default(), Lang::ZhCn);
        assert_eq!(
            tr(Lang::default(), Key::Tagline),
            "离线优先的物业管家工作台"
        );
        assert_eq!(tr(Lang::default(), Key::AppName), "管家 Guanjia");
    }

    #[test]
    fn every_key_is_translated() {
        for key in Key::ALL {
            for lang in Lang::ALL {
                assert!(
                    !tr(lang, key).trim().is_empty(),
                    "{key:?} empty in {lang:?}"
                );
            }
        }
        assert_ne!(tr(Lang::ZhCn, Key::Tagline), tr(Lang::En, Key::Tagline));
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("zh"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_code("zh_Hans"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }
}
