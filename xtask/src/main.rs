//! Project tasks, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! - `dist`  — install the build tools if missing, `cargo fetch`, `trunk build --release --offline`.
//! - `run`   — `dist`, then the sync server in demo mode serving `dist/` on 127.0.0.1:8080.
//! - `test`  — fmt, clippy (host and wasm32), host tests, in-browser tests, `dist`, `e2e`.
//! - `e2e`   — `dist`, then the end-to-end scenarios (tests/e2e: headless Chromium driven by
//!   playwright-core against the real server); `cargo xtask e2e <filter>…` runs some of them.
//! - `bench` — the server's benchmarks (if any), the brotli size of the built app shell, and
//!   browser benchmarks (tests/e2e/bench.mjs: a fresh profile pulling 10,000 events, tap →
//!   committed entry p50/p95).
//! - `size`  — `dist`, then the raw and brotli size of every file and of the app shell.
//! - `layers` — the app's layering check (`src/`: app → pages → ui → model → offline →
//!   platform; pages never import pages; no module cycles), the first step of `test`.
//! - `sw`    — trunk post_build hook: writes the precache list and cache version into sw.js.

mod layers;

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

const TRUNK_VERSION: &str = "0.21.14";
/// The `view!` formatter (checked in `test`); pinned so everyone formats alike.
const LEPTOSFMT_VERSION: &str = "0.1.33";
const BINARYEN_NPM: &str = "binaryen@132.0.0";
const WASM_OPT_VERSION: &str = "version 132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A CJK font, so Chinese text in the e2e screenshots is not drawn as boxes.
const CJK_FONTS: &str = "fonts-noto-cjk";
/// The end-to-end harness (a private npm package pinning playwright-core).
const E2E_DIR: &str = "tests/e2e";
const DEMO_LISTEN: &str = "127.0.0.1:8080";

const USAGE: &str =
    "usage: cargo xtask <dist | run [server args…] | test | e2e [scenario filter…] | bench | size | layers | sw>";

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let task = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let result = match task.as_str() {
        "dist" => dist(),
        "run" => run(&rest),
        "test" => test(),
        "e2e" => dist().and_then(|()| e2e(&rest)),
        "bench" => bench(),
        "size" => dist().and_then(|()| shell_size_report(&root().join("dist"))),
        "sw" => sw_hook(),
        "layers" => check_layers(),
        "" | "help" | "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask {task}: FAILED: {err}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tasks

fn dist() -> Result {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_binaryen()?;
    step(&mut cargo_with("fetch"))?;
    step(tool("trunk").args(["build", "--release", "--offline"]))?;
    let sw =
        fs::read_to_string(root().join("dist/sw.js")).map_err(|e| format!("dist/sw.js: {e}"))?;
    if sw.contains(VERSION_PLACEHOLDER) || sw.contains(PRECACHE_PLACEHOLDER) {
        return Err(
            "dist/sw.js still has its placeholders: the post_build hook did not run".into(),
        );
    }
    println!("xtask dist: built {}", root().join("dist").display());
    Ok(())
}

fn run(server_args: &[String]) -> Result {
    dist()?;
    println!("==> open http://{DEMO_LISTEN} (the server prints the demo logins)");
    let args = format!("run -p guanjia-server -- --demo --listen {DEMO_LISTEN} --static-dir dist");
    step(cargo_with(&args).args(server_args))
}

/// Fails, naming each offending line, when `src/` breaks its layering.
fn check_layers() -> Result {
    let files = layers::read_tree(&root())?;
    let problems = layers::violations(&files);
    if problems.is_empty() {
        println!(
            "layers: {} modules of src/ keep their layers, no page imports a page, no cycles",
            files.len()
        );
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    Err(format!(
        "{} layering problem(s) in src/ (see ARCHITECTURE.md, \"The app's layers\")",
        problems.len()
    ))
}

fn test() -> Result {
    check_layers()?;
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_chromium()?;
    step(&mut cargo_with("fmt --all --check"))?;
    // `view!` bodies are macros rustfmt leaves alone; leptosfmt formats them
    // (leptosfmt.toml). Fix with `leptosfmt src`.
    ensure_leptosfmt()?;
    step(
        tool("leptosfmt")
            .current_dir(root())
            .args(["--check", "src"]),
    )?;
    step(&mut cargo_with(
        "clippy --workspace --all-targets -- -D warnings",
    ))?;
    step(&mut cargo_with(&format!(
        "clippy -p guanjia -p guanjia-core --target {WASM_TARGET} --all-targets -- -D warnings"
    )))?;
    // PostgreSQL tests read GUANJIA_TEST_PG_URL from the inherited environment.
    if env::var_os("GUANJIA_TEST_PG_URL").is_none() {
        println!("note: GUANJIA_TEST_PG_URL is not set, PostgreSQL tests will skip themselves");
    }
    step(&mut cargo_with("test --workspace"))?;
    // In headless Chromium via wasm-bindgen-test-runner (`runner` in .cargo/config.toml).
    // `--tests`: doctests are host-only, and would end the log on a "0 passed" line.
    step(
        cargo_with(&format!("test -p guanjia --target {WASM_TARGET} --tests"))
            .env("CHROMEDRIVER", CHROMEDRIVER)
            // The runner gives a whole test file 20 s by default; the store suite (10,000
            // events among others) needs more on a busy 2-core machine. Not a speed check.
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300"),
    )?;
    dist()?;
    e2e(&[])?;
    println!("xtask test: every step passed");
    Ok(())
}

/// The end-to-end scenarios against the built `dist/` (see tests/e2e/run.mjs): a debug build
/// of the server, Chromium, a CJK font and playwright-core, then one node process.
fn e2e(filters: &[String]) -> Result {
    ensure_chromium()?;
    step(&mut cargo_with("build -p guanjia-server"))?;
    ensure_e2e_deps()?;
    step(tool("node").arg(format!("{E2E_DIR}/run.mjs")).args(filters))
}

fn bench() -> Result {
    let server = root().join("crates/guanjia-server");
    let manifest = fs::read_to_string(server.join("Cargo.toml")).unwrap_or_default();
    if server.join("benches").is_dir() || manifest.contains("[[bench]]") {
        step(&mut cargo_with("bench -p guanjia-server"))?;
    } else {
        println!("guanjia-server has no benches: skipped");
    }
    dist()?;
    shell_size_report(&root().join("dist"))?;
    // In the browser: a fresh profile pulling 10,000 events, tap → committed entry.
    ensure_chromium()?;
    step(&mut cargo_with("build -p guanjia-server"))?;
    ensure_e2e_deps()?;
    step(tool("node").arg(format!("{E2E_DIR}/bench.mjs")))
}

/// Prints raw and brotli (quality 11, as for pre-compressed static files) sizes of `dist/`.
fn shell_size_report(dist: &Path) -> Result {
    let mut files = list_files(dist)?;
    files.sort();
    let (mut raw_total, mut br_total) = (0, 0);
    println!("{:<44} {:>10} {:>10}", "dist/ file", "raw B", "brotli B");
    for rel in &files {
        let bytes = fs::read(dist.join(rel)).map_err(|e| format!("{rel}: {e}"))?;
        let br = brotli_len(&bytes)?;
        let shell = is_shell_file(rel);
        if shell {
            raw_total += bytes.len();
            br_total += br;
        }
        let mark = if shell { " (shell)" } else { "" };
        println!("{rel:<44} {:>10} {br:>10}{mark}", bytes.len());
    }
    println!("app shell (index.html + wasm + js + css): {raw_total} B raw, {br_total} B brotli");
    Ok(())
}

/// What the page loads to start: index.html, the wasm, its JS glue and the CSS (not sw.js).
fn is_shell_file(rel: &str) -> bool {
    rel == "index.html"
        || (!rel.contains('/')
            && rel != "sw.js"
            && [".wasm", ".js", ".css"]
                .iter()
                .any(|ext| rel.ends_with(ext)))
}

fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out.len())
}

// ---------------------------------------------------------------------------------------------
// Service worker hook (trunk `[[hooks]] stage = "post_build"`, see Trunk.toml)

const VERSION_PLACEHOLDER: &str = "__GUANJIA_CACHE_VERSION__";
const PRECACHE_PLACEHOLDER: &str = "[/* __GUANJIA_PRECACHE__ */]";

fn sw_hook() -> Result {
    let staging = env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or("TRUNK_STAGING_DIR is not set: `sw` runs as trunk's post_build hook")?;
    let sw_path = staging.join("sw.js");
    let template =
        fs::read_to_string(&sw_path).map_err(|e| format!("{}: {e}", sw_path.display()))?;
    let mut files = list_files(&staging)?;
    files.retain(|f| f != "sw.js");
    files.sort();
    let mut contents = Vec::with_capacity(files.len());
    for rel in &files {
        contents.push(fs::read(staging.join(rel)).map_err(|e| format!("{rel}: {e}"))?);
    }
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(String::as_str)
        .zip(contents.iter().map(Vec::as_slice))
        .collect();
    let sw = inject_precache(&template, &named)?;
    fs::write(&sw_path, sw).map_err(|e| format!("{}: {e}", sw_path.display()))?;
    println!("xtask sw: {} files precached by sw.js", files.len());
    Ok(())
}

/// Fills sw.js's placeholders: the list of files (paths relative to sw.js) and a cache version
/// that changes whenever any of them, or sw.js itself, changes.
fn inject_precache(template: &str, files: &[(&str, &[u8])]) -> Result<String> {
    if !template.contains(VERSION_PLACEHOLDER) || !template.contains(PRECACHE_PLACEHOLDER) {
        return Err(format!(
            "sw.js lacks {VERSION_PLACEHOLDER} or {PRECACHE_PLACEHOLDER}"
        ));
    }
    let mut hash = Fnv1a::default();
    hash.write(template.as_bytes());
    for (path, bytes) in files {
        hash.write(path.as_bytes());
        hash.write(&[0]);
        hash.write(&(bytes.len() as u64).to_le_bytes());
        hash.write(bytes);
    }
    let list: Vec<String> = files.iter().map(|(path, _)| json_string(path)).collect();
    Ok(template
        .replace(VERSION_PLACEHOLDER, &format!("{:016x}", hash.0))
        .replace(PRECACHE_PLACEHOLDER, &format!("[{}]", list.join(", "))))
}

/// 64-bit FNV-1a: a stable content hash for the cache version (not for security).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every file under `dir`, as `/`-separated paths relative to it.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result {
        let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(|e| e.to_string())?;
            if kind.is_dir() {
                walk(&entry.path(), &format!("{rel}/"), out)?;
            } else if kind.is_file() {
                out.push(rel);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Tools (each installed once, announced in one line)

fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]));
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    println!("installing the {WASM_TARGET} Rust target (first run only, ~1 min)");
    step(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn ensure_leptosfmt() -> Result {
    if output(tool("leptosfmt").arg("--version")).contains(LEPTOSFMT_VERSION) {
        return Ok(());
    }
    println!("installing leptosfmt {LEPTOSFMT_VERSION} (first run only, ~3 min)");
    step(cargo().args([
        "install",
        "leptosfmt",
        "--version",
        LEPTOSFMT_VERSION,
        "--locked",
    ]))
}

fn ensure_trunk() -> Result {
    if output(tool("trunk").arg("--version")).contains(TRUNK_VERSION) {
        return Ok(());
    }
    println!("installing trunk {TRUNK_VERSION} (first run only, ~9 min)");
    step(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

fn ensure_wasm_bindgen() -> Result {
    let version = locked_version("wasm-bindgen")?;
    let trunk_toml =
        fs::read_to_string(root().join("Trunk.toml")).map_err(|e| format!("Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
        return Err(format!("Cargo.lock has wasm-bindgen {version}: set `wasm_bindgen = \"{version}\"` in Trunk.toml"));
    }
    let installed = |bin: &str| {
        output(tool(bin).arg("--version"))
            .split_whitespace()
            .any(|w| w == version)
    };
    if installed("wasm-bindgen") && installed("wasm-bindgen-test-runner") {
        return Ok(());
    }
    println!("installing wasm-bindgen-cli {version} (first run only, ~3 min)");
    // No --locked: the crate's own lockfile names a dependency version the registry no longer serves.
    step(cargo().args(["install", "wasm-bindgen-cli", "--version", &version]))
}

fn ensure_binaryen() -> Result {
    let wasm_opt = npm_bin().join("wasm-opt");
    if output(Command::new(&wasm_opt).arg("--version")).contains(WASM_OPT_VERSION) {
        return Ok(());
    }
    ensure_npm()?;
    println!(
        "installing wasm-opt ({BINARYEN_NPM} from npm) into .tools/npm (first run only, ~5 s)"
    );
    let prefix = root().join(".tools/npm");
    step(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(BINARYEN_NPM),
    )
}

fn ensure_npm() -> Result {
    if !output(Command::new("npm").arg("--version")).is_empty() {
        return Ok(());
    }
    println!("installing nodejs and npm with apt-get (first run only, ~1 min)");
    apt_install(&["nodejs", "npm"])
}

fn ensure_chromium() -> Result {
    if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
        println!("installing chromium and chromium-driver with apt-get (first run only, ~1 min)");
        apt_install(&["chromium", "chromium-driver"])?;
    }
    // People look at the e2e screenshots: without a CJK font, Chinese text shows as boxes.
    if output(Command::new("fc-list").args([":lang=zh", "family"]))
        .trim()
        .is_empty()
    {
        println!("installing {CJK_FONTS} with apt-get (first run only, ~1 min)");
        apt_install(&["fontconfig", CJK_FONTS])?;
    }
    Ok(())
}

/// playwright-core as pinned in tests/e2e/package-lock.json (`npm ci`: exactly the lockfile).
/// Never `npx playwright install`: the tests drive Debian's /usr/bin/chromium.
fn ensure_e2e_deps() -> Result {
    let dir = root().join(E2E_DIR);
    let manifest = fs::read_to_string(dir.join("package.json"))
        .map_err(|e| format!("{E2E_DIR}/package.json: {e}"))?;
    let installed = fs::read_to_string(dir.join("node_modules/playwright-core/package.json"))
        .unwrap_or_default();
    if pinned_npm_version(&manifest, "playwright-core")
        .is_some_and(|v| pinned_npm_version(&installed, "version").as_deref() == Some(v.as_str()))
    {
        return Ok(());
    }
    ensure_npm()?;
    println!("installing playwright-core (first run only)");
    step(Command::new("npm").current_dir(root()).args([
        "ci",
        "--no-audit",
        "--no-fund",
        "--prefix",
        E2E_DIR,
    ]))
}

/// The string value of the first `"key": "value"` in a JSON text (enough for package.json).
fn pinned_npm_version(json: &str, key: &str) -> Option<String> {
    let rest = &json[json.find(&format!("\"{key}\""))? + key.len() + 2..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

fn apt_install(packages: &[&str]) -> Result {
    step(Command::new("apt-get").arg("update"))?;
    step(
        Command::new("apt-get")
            .args(["install", "-y"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// The version of `name` in Cargo.lock.
fn locked_version(name: &str) -> Result<String> {
    let lock =
        fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    version_in_lock(&lock, name).ok_or_else(|| format!("{name} is not in Cargo.lock"))
}

fn version_in_lock(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Processes

/// The workspace root (xtask lives in `<root>/xtask`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent")
        .to_path_buf()
}

fn npm_bin() -> PathBuf {
    root().join(".tools/npm/node_modules/.bin")
}

/// PATH with the npm wasm-opt first, then cargo's install directory.
fn tool_path() -> OsString {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let mut dirs = vec![npm_bin()];
    dirs.extend(cargo_home.map(|home| home.join("bin")));
    dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
    env::join_paths(dirs).unwrap_or_default()
}

/// A command run from the workspace root with [`tool_path`].
fn tool(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", tool_path());
    cmd
}

fn cargo() -> Command {
    tool(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// `cargo` with space-separated arguments.
fn cargo_with(args: &str) -> Command {
    let mut cmd = cargo();
    cmd.args(args.split_whitespace());
    cmd
}

/// Announces `cmd` in one line, runs it, and names it if it fails.
fn step(cmd: &mut Command) -> Result {
    let line = describe(cmd);
    println!("==> {line}");
    let status = cmd
        .status()
        .map_err(|e| format!("`{line}` could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` exited with {status}"))
    }
}

fn describe(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let name = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
    format!("{name} {}", args.join(" ")).trim_end().to_owned()
}

/// The stdout of `cmd`, or "" if it cannot run or fails (used to probe for tools).
fn output(cmd: &mut Command) -> String {
    match cmd.output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "const CACHE_VERSION = \"__GUANJIA_CACHE_VERSION__\";\nconst PRECACHE = [/* __GUANJIA_PRECACHE__ */];\n";

    #[test]
    fn injects_files_and_a_content_version() {
        let files: [(&str, &[u8]); 2] = [("index.html", b"<html>"), ("icons/a.png", b"png")];
        let sw = inject_precache(TEMPLATE, &files).unwrap();
        assert!(
            sw.contains("const PRECACHE = [\"index.html\", \"icons/a.png\"];"),
            "{sw}"
        );
        assert!(!sw.contains("__GUANJIA"), "{sw}");

        let changed: [(&str, &[u8]); 2] = [("index.html", b"<html>!"), ("icons/a.png", b"png")];
        let other = inject_precache(TEMPLATE, &changed).unwrap();
        assert_ne!(sw, other, "a changed file must change the cache version");
        assert_eq!(
            sw,
            inject_precache(TEMPLATE, &files).unwrap(),
            "the version is deterministic"
        );
    }

    #[test]
    fn refuses_a_template_without_placeholders() {
        assert!(inject_precache("const PRECACHE = [];", &[]).is_err());
    }

    #[test]
    fn escapes_json() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }

    #[test]
    fn reads_versions_from_the_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-test\"\nversion = \"0.3.80\"\n";
        assert_eq!(
            version_in_lock(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            version_in_lock(lock, "wasm-bindgen-test").as_deref(),
            Some("0.3.80")
        );
        assert_eq!(version_in_lock(lock, "trunk"), None);
    }

    #[test]
    fn reads_pinned_npm_versions() {
        let manifest = "{\n  \"name\": \"guanjia-e2e\",\n  \"version\": \"0.0.0\",\n  \"dependencies\": {\n    \"playwright-core\": \"1.65.1\"\n  }\n}\n";
        assert_eq!(
            pinned_npm_version(manifest, "playwright-core").as_deref(),
            Some("1.65.1")
        );
        assert_eq!(
            pinned_npm_version(manifest, "version").as_deref(),
            Some("0.0.0")
        );
        assert_eq!(pinned_npm_version(manifest, "binaryen"), None);
        assert_eq!(pinned_npm_version("", "version"), None);
    }

    #[test]
    fn shell_files_are_what_the_page_loads() {
        assert!(is_shell_file("index.html"));
        assert!(is_shell_file("guanjia-0123abcd_bg.wasm"));
        assert!(is_shell_file("guanjia-0123abcd.js"));
        assert!(is_shell_file("main-0123abcd.css"));
        assert!(!is_shell_file("sw.js"));
        assert!(!is_shell_file("icons/icon-192.png"));
        assert!(!is_shell_file("manifest.webmanifest"));
    }
}
