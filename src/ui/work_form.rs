//! Priced work: items from the price list or typed, the charge, the owner's consent; the
//! quote at intake and the completion both use it.

use crate::model::orders::{price_list, PriceItem};
use crate::ui::format::{parse_yuan, yuan};
use crate::ui::i18n::{I18n, Key};
use guanjia_core::records::{Material, Quote, RepairCompleted};
use leptos::prelude::*;

/// What the technician enters on completion: labour, materials from the price list, the
/// owner's consent to the charge.
#[derive(Clone, Copy)]
pub struct WorkEntry {
    labour: RwSignal<String>,
    materials: RwSignal<Vec<(PriceItem, u32)>>,
    pick: RwSignal<String>,
    quantity: RwSignal<u32>,
    /// A material or fee not on the price list: name and unit price in yuan as typed.
    other_name: RwSignal<String>,
    other_price: RwSignal<String>,
    consent: RwSignal<bool>,
}

impl Default for WorkEntry {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkEntry {
    pub fn new() -> Self {
        WorkEntry {
            labour: RwSignal::new(String::new()),
            materials: RwSignal::new(Vec::new()),
            pick: RwSignal::new(String::new()),
            quantity: RwSignal::new(1),
            other_name: RwSignal::new(String::new()),
            other_price: RwSignal::new(String::new()),
            consent: RwSignal::new(false),
        }
    }

    pub fn items(&self) -> Vec<Material> {
        self.materials.with_untracked(|m| {
            m.iter()
                .map(|(p, q)| Material {
                    name: p.name.clone(),
                    quantity: *q as f64,
                    unit_price_cents: p.price_cents,
                })
                .collect()
        })
    }

    /// The quote for paid work agreed at intake (`None` when nothing is priced).
    pub fn quote(&self) -> Option<Quote> {
        let items = self.items();
        (!items.is_empty()).then(|| Quote {
            total_cents: Quote::sum_cents(&items),
            items,
            owner_consented: self.consent.get_untracked(),
        })
    }

    /// Starts the completion from what was quoted (the technician can still change it).
    pub fn fill_from(&self, q: &Quote) {
        let items = q
            .items
            .iter()
            .map(|m| {
                let p = PriceItem {
                    name: m.name.clone(),
                    unit: String::new(),
                    price_cents: m.unit_price_cents,
                };
                (p, m.quantity.round().max(1.0) as u32)
            })
            .collect();
        self.materials.set(items);
        self.consent.set(q.owner_consented);
    }

    pub fn charge_cents(&self) -> i64 {
        self.materials
            .with(|m| m.iter().map(|(p, q)| p.price_cents * *q as i64).sum())
    }

    /// The completion as entered, or the key of what is missing.
    pub fn completion(&self, note: Option<String>) -> Result<RepairCompleted, Key> {
        let labour = self.labour.get_untracked();
        let labour: Option<u32> = match labour.trim() {
            "" => None,
            t => Some(t.parse().map_err(|_| Key::WorkLabourInvalid)?),
        };
        let charge = self.charge_cents();
        if charge > 0 && !self.consent.get_untracked() {
            return Err(Key::WorkNeedsConsent);
        }
        Ok(RepairCompleted {
            result_note: note,
            labour_minutes: labour,
            materials: self.items(),
            charge_cents: (charge > 0).then_some(charge),
            owner_consented: (charge > 0).then_some(true),
        })
    }
}

/// The priced items and the owner's consent; `labour` adds the labour minutes (completion,
/// not the quote at intake).
pub fn work_form(i18n: I18n, w: WorkEntry, labour: bool) -> impl IntoView {
    let prices = price_list();
    let prices2 = prices.clone();
    let error = RwSignal::new(false);
    let add = move |_| {
        let name = w.pick.get_untracked();
        let q = w.quantity.get_untracked().max(1);
        let other = w.other_name.get_untracked().trim().to_string();
        let item = if !other.is_empty() {
            match parse_yuan(&w.other_price.get_untracked()) {
                Some(price_cents) => Some(PriceItem {
                    name: other,
                    unit: String::new(),
                    price_cents,
                }),
                None => {
                    error.set(true);
                    return;
                }
            }
        } else {
            prices2.iter().find(|p| p.name == name).cloned()
        };
        if let Some(p) = item {
            error.set(false);
            w.other_name.set(String::new());
            w.other_price.set(String::new());
            w.materials.update(|m| m.push((p, q)));
        }
    };
    view! {
        {labour
            .then(|| {
                view! {
                    <label>
                        <span>{i18n.text(Key::WorkLabour)}</span>
                        <input
                            type="number"
                            min="0"
                            inputmode="numeric"
                            data-testid="work-labour"
                            prop:value=move || w.labour.get()
                            on:input=move |ev| w.labour.set(event_target_value(&ev))
                        />
                    </label>
                }
            })}
        <div class="row">
            <select
                data-testid="work-price-item"
                on:change=move |ev| w.pick.set(event_target_value(&ev))
            >
                <option value="">{i18n.text(Key::WorkPickItem)}</option>
                {prices
                    .into_iter()
                    .map(|p| {
                        view! {
                            <option value=p
                                .name
                                .clone()>
                                {format!("{} {}/{}", p.name, yuan(p.price_cents), p.unit)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <input
                type="number"
                min="1"
                class="qty"
                data-testid="work-quantity"
                prop:value=move || w.quantity.get().to_string()
                on:input=move |ev| w.quantity.set(event_target_value(&ev).parse().unwrap_or(1))
            />
            <button type="button" class="small" data-testid="work-add-item" on:click=add>
                {i18n.text(Key::WorkAddItem)}
            </button>
        </div>
        <div class="row">
            <input
                data-testid="work-other-name"
                placeholder=i18n.text(Key::WorkOtherName)
                prop:value=move || w.other_name.get()
                on:input=move |ev| w.other_name.set(event_target_value(&ev))
            />
            <input
                inputmode="decimal"
                class="qty"
                data-testid="work-other-price"
                placeholder=i18n.text(Key::WorkOtherPrice)
                prop:value=move || w.other_price.get()
                on:input=move |ev| w.other_price.set(event_target_value(&ev))
            />
        </div>
        <Show when=move || error.get()>
            <p class="error" role="alert" data-testid="work-other-error">
                {i18n.text(Key::WorkOtherPriceInvalid)}
            </p>
        </Show>
        <ul class="list">
            {move || {
                w.materials
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (p, q))| {
                        view! {
                            <li data-testid="work-item">
                                {format!("{} × {q} = {}", p.name, yuan(p.price_cents * q as i64))}
                                " "
                                <button
                                    type="button"
                                    class="small"
                                    on:click=move |_| {
                                        w.materials
                                            .update(|m| {
                                                m.remove(i);
                                            })
                                    }
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        <Show when=move || { w.charge_cents() > 0 }>
            <p data-testid="work-charge">
                {i18n.text(Key::WorkCharge)} " " {move || yuan(w.charge_cents())}
            </p>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="work-consent"
                    prop:checked=move || w.consent.get()
                    on:change=move |ev| w.consent.set(event_target_checked(&ev))
                />
                <span>{i18n.text(Key::WorkConsent)}</span>
            </label>
        </Show>
    }
}
