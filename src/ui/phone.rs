//! A phone number shown masked until tapped (owners' details are confidential: 001:8,
//! 000:140). The masking rule is `format::masked_phone`.

use crate::ui::format::masked_phone;
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// The number masked in a button; one tap shows it whole as a `tel:` link (a second tap
/// calls). `testid` names the element in both states (`data-masked` tells which);
/// `call` puts "Call" before the number; `class` styles both states.
#[component]
pub fn MaskedPhone(
    phone: String,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] call: bool,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    let masked = masked_phone(&phone);
    let testid = (!testid.is_empty()).then_some(testid);
    let label = move || {
        call.then(|| {
            view! {
                {i18n.text(Key::OrderCallOwner)}
                " "
            }
        })
    };
    move || {
        if shown.get() {
            view! {
                <a
                    href=format!("tel:{}", phone.trim())
                    class=class
                    data-testid=testid
                    data-masked="false"
                >
                    {label()}
                    {phone.clone()}
                </a>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class=format!("phone-masked {class}")
                    data-testid=testid
                    data-masked="true"
                    title=i18n.text(Key::PhoneReveal)
                    aria-label=i18n.text(Key::PhoneReveal)
                    on:click=move |_| shown.set(true)
                >
                    {label()}
                    {masked.clone()}
                </button>
            }
            .into_any()
        }
    }
}
