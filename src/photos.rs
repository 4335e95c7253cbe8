//! Temporary stand-in until the photo pipeline lands (replaced by the real module).
use leptos::prelude::*;

#[component]
pub fn PhotoPicker(on_added: Callback<String>, #[prop(into)] testid: String) -> impl IntoView {
    let _ = on_added;
    view! { <input type="file" data-testid=testid /> }
}

#[component]
pub fn Photo(hash: String) -> impl IntoView {
    view! { <figure data-testid="photo" data-hash=hash></figure> }
}
