//! The one translation table of the app. Simplified Chinese is the default language; every
//! string the user sees goes through [`tr`] (or [`I18n::t`] inside components).
//!
//! The table is a `match`, so the compiler refuses a key without both translations.

use gloo_storage::{LocalStorage, Storage};
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

/// Declares every user-visible string once: the `Key` enum, `Key::ALL` and the table come
/// from this one list, so adding a string is one line (the compiler refuses a key without
/// both languages).
macro_rules! translations {
    ($($key:ident => ($zh:expr, $en:expr),)*) => {
        /// Every user-visible string of the app.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key {
            $($key,)*
        }

        impl Key {
            /// Every key (for tests and tooling).
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];
        }

        /// `(zh-CN, en)` for a key.
        const fn entry(key: Key) -> (&'static str, &'static str) {
            match key {
                $(Key::$key => ($zh, $en),)*
            }
        }
    };
}

translations! {
    AppName => ("管家 Guanjia", "管家 Guanjia"),
    Tagline => ("离线优先的物业管家工作台", "Offline-first workbench for property butlers"),
    Version => ("版本", "Version"),
    NavLabel => ("主导航", "Main navigation"),
    NavHome => ("首页", "Home"),
    NavSettings => ("设置", "Settings"),
    SettingsTitle => ("设置", "Settings"),
    Language => ("语言", "Language"),
    Theme => ("显示", "Display"),
    ThemeSystem => ("跟随系统", "Follow device"),
    ThemeLight => ("浅色", "Light"),
    ThemeDark => ("夜间", "Night"),
    ExportOutbox => ("导出未同步记录", "Export unsent records"),
    ExportOutboxHint => ("无法联网同步时（例如交还设备前），把未同步的记录保存为文件，交给管理员导入服务器。记录仍保留在本设备上。", "When you cannot sync (e.g. before handing the device back), save the unsent records to a file for an admin to import on the server. They also stay on this device."),
    ExportFailed => ("导出失败。请再试一次；如仍不行，请截图设置页并联系管理员。", "Export failed. Try again; if it still fails, take a screenshot of this page for your administrator."),
    NavOrders => ("报修", "Repairs"),
    OrdersTitle => ("报修工单", "Repair orders"),
    OrderNew => ("新建报修", "New repair order"),
    FilterOpen => ("未完成", "Open"),
    FilterMine => ("我的", "Mine"),
    FilterOverdue => ("已超时", "Overdue"),
    FilterAll => ("全部", "All"),
    OrdersEmpty => ("没有符合条件的工单。", "No orders here."),
    OrderUrgent => ("紧急", "Urgent"),
    OrderNoArea => ("你还没有分配片区，无法登记报修；请联系主管。", "You have no area yet, so you cannot file orders; ask your supervisor."),
    OrderDescription => ("故障描述", "What is wrong"),
    OrderCategory => ("维修类别", "Category"),
    OrderArea => ("片区", "Area"),
    OrderUrgentHint => ("紧急（水、电、气）：15 分钟内到场", "Urgent (water, power, gas): on site within 15 minutes"),
    OrderLocation => ("位置 / 房号", "Location / room"),
    OrderReporter => ("报修人", "Reported by"),
    OrderPhone => ("联系电话", "Phone"),
    OrderSubmit => ("登记报修", "File the order"),
    OrderNeedsInput => ("请先填写所需内容（维修人员或原因）。", "Fill in what this step needs first (technician or reason)."),
    OrderArrival => ("到场", "Arrival"),
    OrderCompletion => ("完工", "Completion"),
    OrderReturnVisit => ("回访", "Return visit"),
    StatusCreated => ("待派工", "Not dispatched"),
    StatusAssigned => ("已派工", "Assigned"),
    StatusAccepted => ("已接单", "Accepted"),
    StatusOnTheWay => ("在途", "On the way"),
    StatusArrived => ("已到场", "Arrived"),
    StatusCompleted => ("已完工", "Completed"),
    StatusReturnVisited => ("已回访", "Return-visited"),
    StatusClosed => ("已关闭", "Closed"),
    StatusCancelled => ("已取消", "Cancelled"),
    ActAssign => ("派工", "Assign"),
    ActCancel => ("取消工单", "Cancel order"),
    ActAccept => ("接单", "Accept"),
    ActOnTheWay => ("出发", "On my way"),
    ActArrived => ("已到场", "Arrived"),
    ActComplete => ("完工", "Complete"),
    ActReturnVisit => ("登记回访", "Record return visit"),
    ActFixAgain => ("返修", "Fix again"),
    ActClose => ("关闭工单", "Close order"),
    DeadlineMet => ("按时", "On time"),
    DeadlineLate => ("超时完成", "Done late"),
    OrderNotFound => ("此设备上没有这张工单。", "This device has no such order."),
    OrderTechnician => ("维修人员", "Technician"),
    OrderHasConflict => ("这张工单有离线冲突或未生效的操作，请在下方核对。", "This order has an offline conflict or a step that did not take effect; check it below."),
    OrderSatisfaction => ("满意度（5 最满意）", "Satisfaction (5 = very satisfied)"),
    OrderNote => ("说明 / 原因", "Note / reason"),
    FilterEscalate => ("需督办", "Escalate"),
    OrderSearch => ("搜索：故障、位置、报修人、电话", "Search: fault, place, reporter, phone"),
    OrdersShowingFirst => ("仅显示前", "Showing the first"),
    QuietHoursWarning => ("现在是业主休息时间（早 8 点前、12–14 点、晚 9 点后），电话回访请在此时间后：", "Owners are resting now (before 8:00, 12–14, after 21:00); phone for the return visit after"),
    Network => ("网络状态", "Network"),
    Online => ("在线", "Online"),
    Offline => ("离线", "Offline"),
    NetworkHint => ("设备报告的网络状态仅供参考；数据是否已同步，以同步结果为准。", "This is what the device reports; whether data has synced is decided by the sync itself."),
    NotFoundTitle => ("页面不存在", "Page not found"),
    NotFoundBody => ("没有找到这个页面。", "There is no page at this address."),
    BackHome => ("返回首页", "Back to home"),
    NavToday => ("今日", "Today"),
    NavDuty => ("值班记录", "Duty log"),
    NavInbox => ("待处理", "Inbox"),
    LoginTitle => ("登录", "Sign in"),
    Username => ("用户名", "Username"),
    Password => ("密码", "Password"),
    LoginSubmit => ("登录", "Sign in"),
    LoginWorking => ("正在登录…", "Signing in\u{2026}"),
    LoginFailed => ("登录失败：", "Sign-in failed: "),
    LoginNeedsNetwork => ("登录需要连接服务器；请在有信号的地方再试。", "Signing in needs the server; try again where there is a signal."),
    StoreFull => ("这台设备的存储空间已满，没有保存。请清理一些空间（或同步后删除旧照片）再试；之前保存的都还在。", "This device's storage is full, so nothing was saved. Free some space (or sync and remove old photos) and try again; nothing saved earlier was lost."),
    StoreUnavailable => ("本机数据库暂时不能用，没有保存。请关闭本应用的其他标签页后刷新；如仍不行，请允许浏览器为本站保存数据。", "The app's local database cannot be used right now, so nothing was saved. Close the app's other tabs and reload; if it persists, allow this site to store data."),
    StoreCorrupt => ("本机数据库里有这个版本读不了的数据。请不要清除网站数据：更新应用，或联系管理员。", "The app's local database holds data this version cannot read. Do not clear the site's data: update the app, or contact your administrator."),
    StoreRefused => ("这次修改不符合规则（与服务器的检查相同），没有保存。请检查填写的内容后再保存。", "This change breaks a rule the server checks too, so nothing was saved. Check what you entered and save again."),
    PhotoNotAnImage => ("这个文件不是浏览器能打开的图片，请重新拍照，或选择 JPEG / PNG。", "This file is not a picture the browser can open; take the photo again or pick a JPEG or PNG."),
    PhotoCompressFailed => ("照片压缩失败，请再试一次，或关闭其他应用释放内存。", "The photo could not be compressed; try again, or close other apps to free memory."),
    PhotoNoCrypto => ("这个浏览器在这里不能计算照片指纹，请通过 https（或 localhost）打开应用。", "This browser cannot fingerprint photos here; open the app over https (or on localhost)."),
    PhotoNotReady => ("请先登录再拍照。", "Sign in first, then take the photo."),
    SpanDaysHours => ("{d} 天 {h} 小时", "{d} d {h} h"),
    SpanHoursMinutes => ("{h} 小时 {m} 分", "{h} h {m} min"),
    SpanMinutes => ("{m} 分", "{m} min"),
    CountdownLeft => ("剩 {span}", "{span} left"),
    CountdownOverdue => ("超时 {span}", "{span} overdue"),
    RejectForbidden => ("服务器拒绝了这次修改：你没有权限（不在你的片区，或你的角色不能做这一步）。请联系主管处理。", "The server refused this change: you may not make it (not your area, or not your role). Ask your supervisor."),
    RejectInvalid => ("服务器拒绝了这次修改：内容不符合规则。请打开记录检查后重新填写。", "The server refused this change: it breaks a rule. Open the record, check it and enter it again."),
    RejectClockSkew => ("服务器拒绝了这次修改：本机时间比服务器快太多。请校正设备时间，应用会自动重发。", "The server refused this change: this device's clock is too far ahead. Correct the device time; the app sends it again."),
    RejectImmutable => ("服务器拒绝了这次修改：这类记录不能更改或删除，只能追加一条更正。", "The server refused this change: such records can never be changed or deleted; add a correction instead."),
    LoginWrongPassword => ("用户名或密码不正确，请检查后再试。", "Wrong user name or password; check them and try again."),
    LoginThrottled => ("尝试次数过多，请稍等几分钟再试。", "Too many attempts; wait a few minutes and try again."),
    LoginServerRefused => ("服务器拒绝了登录，请联系管理员。代码：", "The server refused the sign-in; ask your administrator. Code: "),
    LoginOtherUser => ("本机还有其他用户未上传的记录或照片，请用该账号登录，上传后再换人。", "This device still holds unsent changes or photos of another user; sign in as that user, let them upload, then switch."),
    SyncOnline => ("已连接", "Connected"),
    SyncOffline => ("离线", "Offline"),
    SyncSyncing => ("同步中", "Syncing"),
    SyncPaused => ("需重新登录", "Sign in again"),
    SyncPending => ("待上传", "Unsent"),
    SyncLast => ("上次同步", "Last sync"),
    SyncNow => ("立即同步", "Sync now"),
    SyncPulled => ("已下载", "Downloaded"),
    Never => ("—", "\u{2014}"),
    TodayTitle => ("今日工作", "Today"),
    Hello => ("你好，", "Hello, "),
    MyAreas => ("我的片区", "My areas"),
    TodayDutyCard => ("值班记录", "Duty log"),
    TodayDutyHint => ("各岗位的值班记录，离线也能记。", "Each post's duty log, works offline."),
    TodayPatrolCard => ("日常巡查", "Daily patrol"),
    TodayRepairCard => ("报修工单", "Repair orders"),
    EmptyFeature => ("暂无任务。", "Nothing to do yet."),
    DutyTitle => ("值班记录", "Duty log"),
    DutyPick => ("选择岗位", "Choose a post"),
    DutyNoPosts => ("还没有岗位数据；联网同步后显示。", "No posts yet; they appear after the first sync."),
    DutyToday => ("今日记录", "Today's entries"),
    DutyNew => ("新记录", "New entry"),
    DutyAdd => ("添加记录", "Add entry"),
    DutyEmpty => ("今天还没有记录。", "No entries today."),
    DutyCorrect => ("更正", "Correct"),
    DutyCorrectPlaceholder => ("写明更正内容（原记录保留，不可删改）", "Write the correction (the original stays; nothing is edited or deleted)"),
    DutyCorrectSubmit => ("保存更正", "Save correction"),
    DutyCorrects => ("更正了", "Corrects"),
    DutyCorrectedBy => ("已被更正", "Corrected"),
    DutyRule => ("值班记录只能追加：更正会作为新记录保存，原记录保留。", "The duty log is append-only: a correction is saved as a new entry and the original stays."),
    Cancel => ("取消", "Cancel"),
    StatePending => ("待上传", "Unsent"),
    StateSynced => ("已同步", "Synced"),
    StateRejected => ("被拒绝", "Rejected"),
    Me => ("我", "Me"),
    SaveFailed => ("保存失败，内容仍在输入框中：", "Not saved; your text is still in the box: "),
    InboxTitle => ("待处理", "Inbox"),
    InboxEmpty => ("没有冲突或被拒绝的记录。", "No conflicts or rejected changes."),
    InboxRejected => ("被服务器拒绝", "Refused by the server"),
    InboxConflict => ("冲突", "Conflict"),
    ConflictTitle => ("两台设备离线时改了同一记录，请核对：", "Two devices changed this record offline; please check:"),
    ConflictIgnoredStep => ("未生效的操作", "Step that did not take effect"),
    ConflictFieldWrites => ("不同的修改", "Different changes to"),
    ConflictReviewNote => ("处理说明（可选）", "How it was settled (optional)"),
    ConflictReview => ("核对完毕，标记已处理", "Checked: mark as settled"),
    ConflictReviewedBy => ("已处理", "Settled"),
    ConflictOpenRecord => ("打开记录", "Open the record"),
    ConflictIgnoredWhy => ("这一步到达时，记录已处在不允许它的状态，所以没有生效；它录入的内容都保留在这里。", "When this step arrived the record was already in a state that does not allow it, so it did not take effect; everything it carried is kept here."),
    InboxConflictSummary => ("处字段冲突，未生效的操作：", "conflicting fields; steps that did not take effect:"),
    RenovatingUnits => ("装修户：", "Units under renovation:"),
    FieldConsent => ("业主同意收费", "Owner agreed to the charge"),
    Yes => ("是", "Yes"),
    No => ("否", "No"),
    OrderPaid => ("有偿服务：按价目表报价", "Paid work: quote from the price list"),
    OrderQuote => ("报价", "Quote"),
    OrderQuoteConsented => ("业主已同意", "owner agreed"),
    OrderQuoteNotConsented => ("业主尚未同意", "owner has not agreed yet"),
    OrderEdit => ("修改类别和紧急程度", "Change category and urgency"),
    CaptionBefore => ("维修前", "Before"),
    CaptionAfter => ("维修后", "After"),
    CaptionFinding => ("巡查发现", "From the patrol"),
    OrderCallOwner => ("打电话", "Call"),
    PhoneReveal => ("点击显示完整号码", "Tap to show the whole number"),
    DeviceWiped => ("管理员已结束此设备的登录并要求清除数据：未上传的记录已先上传，本机的记录、照片和草稿已清除。请重新登录。", "An administrator ended this device's sign-in and ordered its data removed: unsent records were sent first, then this device's records, photos and drafts were cleared. Sign in again."),
    DeviceWipePending => ("管理员要求清除本机数据：请重新登录，未上传的记录上传后本机数据将被清除。", "An administrator ordered this device's data removed: sign in again; once the unsent records are sent, this device's data is cleared."),
    FieldResultNote => ("结果说明", "Result"),
    FieldLabour => ("工时（分钟）", "Labour (minutes)"),
    FieldMaterials => ("材料", "Materials"),
    FieldCharge => ("收费", "Charge"),
    FieldReason => ("原因", "Reason"),
    FieldTechnician => ("维修师傅", "Technician"),
    FieldSatisfaction => ("满意度", "Satisfaction"),
    FieldDescription => ("描述", "Description"),
    FieldAppointment => ("预约时间", "Appointment"),
    WorkOtherName => ("其他材料或费用（不在价目表中）", "Other material or fee (not on the price list)"),
    WorkOtherPrice => ("单价（元）", "Unit price (yuan)"),
    WorkOtherPriceInvalid => ("单价请写成元，例如 12 或 12.50，然后再点“添加”。", "Write the unit price in yuan, e.g. 12 or 12.50, then tap “Add” again."),
    OrderArrivalPosition => ("到场定位", "Position on arrival"),
    OrderAddNote => ("记录备注", "Add note"),
    OrderSetAppointment => ("约定上门时间", "Set appointment"),
    OrderAppointmentInvalid => ("请先选好约定的日期和时间。", "Pick the agreed date and time first."),
    WorkNeedsSignature => ("请业主在签名板上签名；业主拒签时，在备注里写明原因后点“业主拒签”。", "Have the owner sign on the pad; if the owner refuses, write why in the note and tap “Owner refuses to sign”."),
    OrderComplaintKind => ("投诉请登记为投诉单，答复时限和回访另行计算。", "Register a complaint as a complaint: its reply deadline and return visit are tracked separately."),
    EscalateComplaints => ("件投诉的答复已超时或一小时内到期", "complaint replies overdue or due within the hour"),
    OrderNeedsCategory => ("请选择维修类别：它决定到场和完工时限。", "Choose the repair category: it sets the arrival and completion limits."),
    LimitArrival => ("到场", "Arrival"),
    LimitUrgent => ("紧急", "urgent"),
    LimitCompletion => ("完工", "Completion"),
    UnitMinutes => ("分钟", "min"),
    UnitHours => ("小时", "h"),
    UnitDays => ("天", "days"),
    UnitWorkingHours => ("工作小时", "working hours"),
    UnitWorkingDays => ("个工作日", "working days"),
    DeviceId => ("设备编号", "Device id"),
    Storage => ("本地存储", "Storage on this device"),
    Persistent => ("持久保存（浏览器不会自动清除）", "Persistent (the browser will not evict it)"),
    NotPersistent => ("非持久：存储紧张时浏览器可能清除，请尽快同步", "Not persistent: the browser may clear it when space runs low; sync soon"),
    Usage => ("已用", "Used"),
    QuotaWarning => ("本地存储快满了，请联网同步并清理旧照片。", "Local storage is nearly full; sync and clear old photos."),
    Account => ("账号", "Account"),
    Logout => ("退出登录", "Sign out"),
    LogoutBlocked => ("还有未上传的记录，不能退出：", "Unsent changes, you cannot sign out yet: "),
    LogoutBlockedHint => ("请联网同步后再退出；无法联网时可先导出未同步记录。", "Sync first, then sign out; if you cannot get online, export the unsent records first."),
    UpdateReady => ("新版本已就绪。", "A new version is ready."),
    UpdateApply => ("更新", "Update"),
    UpdateWait => ("有未上传的记录或未保存的输入，同步并保存后再更新。", "Unsent changes or unsaved text: sync and save first, then update."),
    StoreFailed => ("本地存储不可用：", "Local storage is unavailable: "),
    Loading => ("加载中…", "Loading\u{2026}"),
    RoleButler => ("管家", "Butler"),
    RoleSupervisor => ("客服主管", "Supervisor"),
    RoleTechnician => ("维修工", "Technician"),
    RoleAdmin => ("管理员", "Admin"),
    NavPatrol => ("巡查", "Patrol"),
    PatrolTitle => ("日常巡查", "Daily patrol"),
    PatrolToday => ("今日已完成", "Done today"),
    PatrolStart => ("开始巡查", "Start a round"),
    PatrolContinue => ("继续巡查", "Continue the round"),
    PatrolNoTemplate => ("本项目还没有巡查表：请主管在“巡查表”里添加检查项。", "This project has no patrol checklist yet: ask a supervisor to add items under \"Checklist\"."),
    PatrolCheckpoints => ("巡查点位", "Checkpoints"),
    PatrolCodePlaceholder => ("扫码或输入点位编码，如 CP-A-01", "Scan or type the checkpoint code, e.g. CP-A-01"),
    PatrolCheckIn => ("打卡", "Check in"),
    PatrolUnknownCode => ("编码不对：请核对标签，本区域的点位编码是", "Unknown code: check the label; this area's checkpoint codes are"),
    PatrolItems => ("检查项", "Checklist"),
    PatrolPass => ("合格", "Pass"),
    PatrolFail => ("不合格", "Fail"),
    PatrolFindingOpened => ("已记录问题 →", "Finding recorded →"),
    PatrolFinish => ("完成巡查", "Finish the round"),
    PatrolAbandon => ("放弃本次巡查", "Abandon the round"),
    PatrolAbandonReason => ("放弃原因", "Reason for abandoning"),
    PatrolAbandonNeedsReason => ("请先写明放弃原因。", "Write the reason for abandoning first."),
    RoundNotFound => ("本设备上没有这次巡查：请先同步。", "This round is not on this device: sync first."),
    RoundInProgress => ("进行中", "In progress"),
    RoundFinished => ("已完成", "Finished"),
    RoundAbandoned => ("已放弃", "Abandoned"),
    FlagTooFast => ("两个点位打卡间隔过短", "Two checkpoints scanned too close together"),
    FlagClockBack => ("打卡时间倒退（设备时间被修改？）", "Scan time went backwards (device clock changed?)"),
    FlagAfterFinish => ("巡查完成后仍有打卡", "Scan after the round was finished"),
    FindingNew => ("记录问题", "Record a finding"),
    FindingNote => ("问题描述", "What is wrong"),
    FindingSeverity => ("严重程度", "Severity"),
    SeverityMinor => ("一般", "Minor"),
    SeverityMajor => ("较重", "Major"),
    SeverityCritical => ("严重", "Critical"),
    FindingBuilding => ("楼栋", "Building"),
    FindingUnit => ("单元/房号", "Unit / room"),
    FindingPhotoRequired => ("此项不合格需拍照留证。", "A photo is required when this item fails."),
    FindingSave => ("保存问题", "Save the finding"),
    FindingNeedsNote => ("请写下问题描述。", "Describe the problem first."),
    FindingNeedsPhoto => ("请先拍照：需要照片作为证据。", "Take a photo first: it is the evidence."),
    FindingsTitle => ("巡查问题", "Findings"),
    FindingsEmpty => ("没有符合条件的问题。", "No findings here."),
    FindingReported => ("待处理", "Reported"),
    FindingAssigned => ("整改中", "Being fixed"),
    FindingRectified => ("已整改待复查", "Fixed, awaiting re-check"),
    FindingClosed => ("已消项", "Closed"),
    FindingNotFound => ("本设备上没有这个问题：请先同步。", "This finding is not on this device: sync first."),
    FindingDepartment => ("整改部门", "Department"),
    FindingAssign => ("派给部门整改", "Assign for rectification"),
    FindingToOrder => ("转为报修单", "Turn into a repair order"),
    FindingNeedsDepartment => ("请填写整改部门。", "Name the department first."),
    FindingRectify => ("整改完成（附照片）", "Mark fixed (with photo)"),
    FindingCloseOnSpot => ("当场处理完毕", "Fixed on the spot"),
    FindingRecheckPass => ("复查合格，消项", "Re-check passed: close"),
    FindingRecheckFail => ("复查不合格，重新整改", "Re-check failed: fix again"),
    FindingNeedsReason => ("请在备注里写明原因或说明。", "Write the reason or explanation in the note first."),
    FindingExplain => ("超期说明", "Explain the delay"),
    FindingOwnFix => ("整改人不能复查自己的整改，请由他人复查。", "The fixer cannot re-check their own fix; someone else must."),
    FindingRound => ("来自巡查", "From the round"),
    FindingDue => ("限期", "Due"),
    FindingOrderLink => ("查看报修单", "Open the repair order"),
    ComplianceTitle => ("巡查达标", "Patrol compliance"),
    ComplianceHint => ("每个区域每天的巡查次数与各次截止时间：", "Rounds each area needs a day, each finished by:"),
    ComplianceDone => ("已完成", "Done"),
    ComplianceLate => ("超时", "Late"),
    ComplianceMissed => ("漏巡", "Missed"),
    ComplianceIncomplete => ("未完整", "Incomplete"),
    PatrolItemsHere => ("本点检查项", "Items at this checkpoint"),
    PatrolItemsElsewhere => ("其他巡查点的检查项", "Items of other checkpoints"),
    PatrolScanFirst => ("先在巡查点打卡，再检查该点的项目", "Check in at a checkpoint to see its items"),
    FindingDraftRestored => ("已恢复未保存的问题记录", "Unsaved finding restored"),
    CheckpointGroups => ("本点检查的项目组", "Groups checked here"),
    CheckpointGroupsNone => ("未指定：检查其他巡查点未指定的项目", "None set: the items no other checkpoint has"),
    CheckpointGroupsEdit => ("检查项目", "Items"),
    FindingAddNote => ("添加备注", "Add a note"),
    FindingNoteNeedsText => ("请先填写备注", "Type the note first"),
    FindingDepartmentPick => ("选择或填写部门", "Pick or type a department"),
    ChecklistTitle => ("巡查表", "Checklist"),
    ChecklistPhotoOnFail => ("不合格需拍照", "Photo on fail"),
    ChecklistRemove => ("删除", "Remove"),
    ChecklistGroup => ("分类", "Group"),
    ChecklistText => ("检查内容", "Item"),
    ChecklistAdd => ("添加检查项", "Add item"),
    ChecklistSave => ("保存为新版本", "Save as a new version"),
    ChecklistSaved => ("已保存；进行中的巡查仍用原版本。", "Saved; rounds under way keep their version."),
    ChecklistNeedsText => ("请填写检查内容。", "Write the item first."),
    PrintTitle => ("打印点位二维码", "Print checkpoint QR codes"),
    PrintNow => ("打印", "Print"),
    TodayPatrolOpen => ("巡查问题待处理", "Open findings"),
    PatrolRecent => ("近 7 天的巡查", "Rounds of the last 7 days"),
    PatrolFlagged => ("异常打卡", "Flagged scans"),
    RoundLeftCheckpoints => ("个巡查点未打卡", "checkpoints not checked in"),
    RoundLeftItems => ("项未检查", "items not checked"),
    RoundFinishAgain => ("再点一次“结束巡查”确认结束", "tap Finish again to end the round"),
    RoundIncomplete => ("未巡完", "Incomplete"),
    ScanDeviceTime => ("本机", "device"),
    ScanCorrectedTime => ("校正", "corrected"),
    PatrolPositionFix => ("定位精度", "Position accuracy"),
    PatrolNextDue => ("下一轮截止", "Next round due by"),
    PatrolSep => ("，", ", "),
    FindingOverdueAlert => ("已超期：请先写明超期原因，之后才能复查或关闭。", "Overdue: write why it is late first; re-checking and closing wait for it."),
    FindingNeedsExplanation => ("待说明超期", "Needs an explanation"),
    FindingTimeline => ("处理记录", "History"),
    FindingStepReported => ("上报", "Reported"),
    FindingStepAssigned => ("派单", "Assigned"),
    FindingStepReassigned => ("改派", "Reassigned"),
    FindingStepRectified => ("整改完成", "Rectified"),
    FindingStepRecheckPassed => ("复查合格", "Re-check passed"),
    FindingStepNote => ("备注", "Note"),
    FindingStepPhoto => ("补充照片", "Photo added"),
    OrderHousehold => ("住户", "Household"),
    OrderHouseholdHint => ("楼栋-单元-房号（如 3-1-1201）、业主姓名或电话", "Building-unit-room (e.g. 3-1-1201), owner name or phone"),
    OrderRequestKind => ("求助类型", "Kind of request"),
    KindRepair => ("报修", "Repair"),
    KindEmergencyMedical => ("紧急医疗", "Medical emergency"),
    KindComplaint => ("投诉", "Complaint"),
    KindEnquiry => ("咨询", "Enquiry"),
    KindSecurity => ("治安事件", "Security incident"),
    KindDisaster => ("灾情", "Disaster"),
    KindOther => ("其他", "Other"),
    OrderAppointment => ("预约上门时间", "Appointment"),
    WorkLabour => ("工时（分钟）", "Labour (minutes)"),
    WorkLabourInvalid => ("工时请填整数分钟，如 45。", "Labour is whole minutes, e.g. 45."),
    WorkNeedsConsent => ("有偿服务需先向业主说明价格并征得同意，请勾选“业主已同意”。", "Chargeable work needs the owner's consent to the price first: tick \"owner agreed\"."),
    WorkPickItem => ("选择收费项目（价目表）", "Pick from the price list"),
    WorkAddItem => ("添加", "Add"),
    WorkCharge => ("应收费用", "Charge"),
    WorkConsent => ("已按价目表告知价格，业主同意收费", "Price stated from the price list; the owner agreed"),
    ComplaintsTitle => ("投诉", "Complaints"),
    ComplaintNew => ("登记投诉", "Register a complaint"),
    ComplaintRegistered => ("已登记", "Registered"),
    ComplaintInvestigating => ("调查中", "Investigating"),
    ComplaintReplied => ("已答复", "Replied"),
    ComplaintReplyDue => ("答复期限", "Reply due"),
    ComplaintNeedsText => ("请写下投诉内容。", "Write what the complaint is about."),
    ComplaintAboutOrder => ("关联报修单", "About the repair order"),
    ComplaintText => ("投诉内容", "Complaint"),
    ComplaintSubmit => ("登记", "Register"),
    ComplaintNotFound => ("本设备上没有这条投诉：请先同步。", "This complaint is not on this device: sync first."),
    ComplaintEffective => ("有效投诉", "Effective complaint"),
    ComplaintNotEffective => ("非有效投诉", "Not an effective complaint"),
    ComplaintReopen => ("重新处理", "Reopen"),
    ComplaintReplyText => ("答复 / 原因 / 回访意见", "Reply / reason / visit comment"),
    ComplaintInvestigate => ("开始调查", "Start investigating"),
    ComplaintReply => ("答复业主", "Reply to the owner"),
    ComplaintMarkEffective => ("认定为有效投诉", "Mark as effective"),
    ComplaintMarkNotEffective => ("认定为非有效投诉", "Mark as not effective"),
    OrderDissatisfied => ("业主不满意：请重新维修或登记投诉。", "The owner is dissatisfied: fix again or register a complaint."),
    OrderFirstAnswer => ("首次响应", "First answer"),
    FilterAwaitingVisit => ("待回访", "Awaiting return visit"),
    OrderVisitInPerson => ("上门回访（不勾选为电话回访）", "In person (unticked: by phone)"),
    SignatureEmpty => ("请业主先在框内签名。", "Ask the owner to sign in the box first."),
    SignatureFailed => ("签名没有保存成功，请让业主再签一次。", "The signature could not be kept; ask the owner to sign again."),
    SignatureClear => ("重签", "Clear"),
    SignatureConfirm => ("确认签名", "Confirm signature"),
    PhotoNotHere => ("照片还未同步到本设备", "Photo not on this device yet"),
    PhotoPending => ("待上传", "Waiting to upload"),
    PhotoFailed => ("上传被拒：", "Upload refused:"),
    PhotoUploaded => ("已上传", "Uploaded"),
    PhotoSaving => ("正在保存照片…", "Saving the photo…"),
    PhotoTake => ("拍照", "Take a photo"),
    SignatureTitle => ("业主签名", "Owner's signature"),
    SignatureRefused => ("业主拒签", "Owner refused to sign"),
    SignatureRefusedNeedsReason => ("请在备注里写明业主拒签的原因。", "Write why the owner refused to sign in the note."),
    PhotoBefore => ("拍维修前照片", "Photo before"),
    PhotoAfter => ("拍维修后照片", "Photo after"),
    ScanStart => ("扫码打卡", "Scan the QR code"),
    ScanNoCamera => ("无法打开摄像头：请允许使用摄像头，或直接输入点位编码。", "Cannot open the camera: allow camera access, or type the checkpoint code."),
    OrderFromFinding => ("来自巡查问题 →", "From a patrol finding →"),
    PositionKnown => ("已定位", "Position known"),
    PositionUnknown => ("未获得定位（到场仍可记录）", "No position yet (arrival can still be recorded)"),
    PhotoDamaged => ("照片在本机已损坏，未上传；请重新拍摄。", "The photo is damaged on this device and was not sent; take it again."),
    Save => ("保存", "Save"),
    RulesTitle => ("项目规则", "Project rules"),
    RulesSupervisorsOnly => ("只有主管和管理员可以修改项目规则。", "Only supervisors and admins change the project rules."),
    RulesProject => ("项目", "Project"),
    RulesRounds => ("每日巡查完成时间", "Times each day's rounds must be done by"),
    RulesRoundsHint => ("每个时间一轮，例如 12:00 18:00（每天两轮）。", "One time per round, e.g. 12:00 18:00 (two rounds a day)."),
    RulesFindingLimit => ("巡查问题整改时限（工作日）", "Limit to fix a finding (working days)"),
    RulesFindingLimitHint => ("整数或半天，例如 2 或 0.5。", "A whole or half number, e.g. 2 or 0.5."),
    RulesHolidays => ("法定节假日", "Public holidays"),
    RulesExtraWorkdays => ("调休上班日", "Make-up working days"),
    RulesDatesHint => ("日期写成 2027-01-01，用空格、逗号或换行分开。", "Dates as 2027-01-01, separated by spaces, commas or lines."),
    RulesSaved => ("已保存，联网后同步到所有设备。", "Saved; it reaches every device when synced."),
    RulesBadTime => ("巡查时间写错了，请写成 12:00 这样的时间：", "A round time is wrong; write times like 12:00:"),
    RulesNoRounds => ("至少填写一个巡查完成时间，例如 12:00。", "Give at least one round time, e.g. 12:00."),
    RulesBadLimit => ("整改时限请填整数或半天（最多 60），例如 2 或 0.5：", "Write the limit as a whole or half number up to 60, e.g. 2 or 0.5:"),
    RulesBadDate => ("日期请写成 2027-01-01 这样的格式：", "Write dates like 2027-01-01:"),
    RulesBothLists => ("同一天不能既是节假日又是调休上班日，请只保留一处：", "A day cannot be both a holiday and a make-up working day; keep it in one list:"),
    RulesInvalid => ("规则无法保存，请修改后再试：", "The rules cannot be saved; fix this and try again:"),
    RulesPatrolSection => ("巡查", "Patrol"),
    RulesCalendarSection => ("工作时间与节假日", "Working time and holidays"),
    RulesServiceSection => ("报修与投诉时限", "Repair and complaint time limits"),
    RulesWorkingHours => ("工作时间", "Working hours"),
    RulesSpansHint => ("每段写成 08:00-12:00，用空格分开，例如 08:00-12:00 14:00-18:00。", "Each span as 08:00-12:00, separated by spaces, e.g. 08:00-12:00 14:00-18:00."),
    RulesArrival => ("一般报修到场时限（分钟）", "Arrival for ordinary repairs (minutes)"),
    RulesUrgentArrival => ("水电气紧急报修到场时限（分钟）", "Arrival for urgent water, power and gas repairs (minutes)"),
    RulesReturnVisit => ("完工后回访时限（小时）", "Return visit after completion (hours)"),
    RulesComplaintReply => ("投诉回复时限（工作日）", "Complaint reply (working days)"),
    RulesQuietHours => ("免打扰时段（回访电话前提醒）", "Quiet hours (a warning before calling owners)"),
    RulesQuietHint => ("例如 00:00-08:00 12:00-14:00 21:00-24:00；留空表示不提醒。", "E.g. 00:00-08:00 12:00-14:00 21:00-24:00; leave empty for no warning."),
    RulesMinutesHint => ("整数分钟，1 到 1440。", "Whole minutes, 1 to 1440."),
    RulesHoursHint => ("整数小时，1 到 720。", "Whole hours, 1 to 720."),
    RulesBadSpan => ("时段写错了，请写成 08:00-12:00 这样（结束不晚于 24:00）：", "A span is wrong; write it like 08:00-12:00 (ending by 24:00):"),
    RulesNoWorkingHours => ("至少填写一段工作时间，例如 08:00-12:00 14:00-18:00。", "Give at least one span of working hours, e.g. 08:00-12:00 14:00-18:00."),
    RulesBadMinutes => ("到场时限请填 1 到 1440 的整数分钟，例如 30：", "Write the arrival limit as whole minutes from 1 to 1440, e.g. 30:"),
    RulesBadHours => ("回访时限请填 1 到 720 的整数小时，例如 48：", "Write the return-visit limit as whole hours from 1 to 720, e.g. 48:"),
    RulesBadReplyDays => ("投诉回复时限请填整数或半天（最多 60），例如 4：", "Write the complaint reply limit as a whole or half number of working days up to 60, e.g. 4:"),
    OrderFindingNeedsAfterPhoto => ("此工单来自巡查问题：请拍一张“维修后”照片，完工时该问题才会记为已整改，交巡查人复查。", "This order came from a patrol finding: add an \"after\" photo so that completing it marks the finding rectified for re-checking."),
    FilterAllAreas => ("全部区域", "All areas"),
    CheckpointsTitle => ("巡查点", "Checkpoints"),
    CheckpointName => ("巡查点名称（印在标签上）", "Checkpoint name (printed on its label)"),
    CheckpointCode => ("编码（二维码内容）", "Code (what its QR holds)"),
    CheckpointCodeHint => ("1–20 位字母、数字或 -，例如 CP-A-07；同一项目内不能重复。", "1–20 letters, digits or -, e.g. CP-A-07; unique in the project."),
    CheckpointAdd => ("添加巡查点", "Add checkpoint"),
    CheckpointRetire => ("停用", "Retire"),
    CheckpointRetireConfirm => ("确认停用", "Confirm retiring"),
    CheckpointNeedsName => ("请填写巡查点名称（印在标签上），例如 1幢大堂。", "Give the checkpoint a name (printed on its label), e.g. 1幢大堂."),
    CheckpointBadCode => ("编码只能用 1–20 位字母、数字或 -，例如 CP-A-07：", "Codes are 1–20 letters, digits or -, e.g. CP-A-07:"),
    CheckpointCodeTaken => ("本项目已有巡查点使用这个编码，请换一个：", "Another checkpoint of this project has this code; choose another:"),
    SettingsProjectRules => ("项目规则（巡查时间、时限、节假日、免打扰）", "Project rules (round times, time limits, holidays, quiet hours)"),
    HouseholdsTitle => ("住户档案", "Households"),
    HouseholdsHint => ("按楼栋-单元-房号、业主姓名或电话查找；标签提醒巡查和走访时要留意的住户", "Find a household by building-unit-room, owner or phone; tags mark the ones patrols and visits should look out for"),
    HouseholdsEmpty => ("没有符合的住户。", "No household matches."),
    HouseholdsTagged => ("有标签的住户", "Tagged households"),
    HouseholdOwner => ("业主", "Owner"),
    HouseholdPhone => ("电话", "Phone"),
    HouseholdTags => ("标签", "Tags"),
    HouseholdNoTags => ("无标签", "No tags"),
    HouseholdTagsEdit => ("点一下标签即可添加或取消（离线也可，联网后同步）。", "Tap a tag to add or remove it (offline too; it syncs when back online)."),
    HouseholdNoOrders => ("这户还没有报修工单。", "No repair orders for this household yet."),
    HouseholdNoComplaints => ("这户还没有投诉。", "No complaints from this household yet."),
    HouseholdNotFound => ("这台设备上没有这户（不在你的片区，或还没同步）。", "This household is not on this device (not in your areas, or not synced yet)."),
    TagKeyCustomer => ("重点客户", "Key customer"),
    TagElderlyAlone => ("空巢老人", "Elderly living alone"),
    TagVacant => ("空置房", "Vacant"),
    TagRenovating => ("装修户", "Under renovation"),
    TagNewOwner => ("新入住", "New owner"),
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
        save_lang(lang);
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

/// `localStorage` key of the chosen language.
pub const LANG_KEY: &str = "guanjia.settings.lang";

/// The language chosen on this device, or the default (zh-CN).
pub fn load_lang() -> Lang {
    LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Remembers the chosen language. A full or disabled storage only loses the preference.
pub fn save_lang(lang: Lang) {
    if let Err(err) = LocalStorage::set(LANG_KEY, lang.code()) {
        leptos::logging::warn!("could not save the language setting: {err}");
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
        for &key in Key::ALL {
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
