//! Shared components and formatting: translations, labels, countdown and money formatting,
//! the conflict panel, photos, the signature pad, QR codes, the quiet-hours warning, the
//! priced-work form, the colour theme.

pub mod action;
pub mod conflict_panel;
pub mod errors;
pub mod filter_tabs;
pub mod format;
pub mod history;
pub mod household_lookup;
pub mod i18n;
pub mod labels;
pub mod phone;
pub mod photo;
pub mod qr;
pub mod quiet_hours;
pub mod signature;
pub mod theme;
pub mod visit;
pub mod work_form;
