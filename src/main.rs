//! Entry point of the wasm app: mounts [`guanjia::App`] into `<body>`.

fn main() {
    leptos::mount::mount_to_body(guanjia::App);
}
