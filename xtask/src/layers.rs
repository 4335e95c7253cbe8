//! The app's layering check (`cargo xtask layers`, also the first step of `cargo xtask test`).
//!
//! `src/` is layered `app → pages → ui → model → offline → platform` (all on `guanjia_core`):
//! a module may name modules of its own layer or below, never above; a page never names
//! another page (what two screens share lives lower down); and no two modules name each other
//! through any chain (no cycles). It reads every `crate::…` path in the code, `use` lines and
//! inline paths alike, so a violation is reported with its file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, lowest first.
pub const LAYERS: [&str; 6] = ["platform", "offline", "model", "ui", "pages", "app"];

/// One module of `src/`, by its path below the crate (`["pages", "orders", "list"]`).
type Module = Vec<String>;

/// A reference from one module to another, where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub from: String,
    pub line: usize,
    pub text: String,
    pub to: Module,
}

/// The module a source file defines: `src/pages/orders/list.rs` → pages::orders::list,
/// `src/ui/mod.rs` → ui, `src/lib.rs` → the crate root (empty).
pub fn module_of(rel: &str) -> Module {
    let rel = rel.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn layer_of(m: &[String]) -> Option<usize> {
    let first = m.first()?;
    LAYERS.iter().position(|l| l == first)
}

/// The screen a page module belongs to: `pages::<feature>::<screen>` (or `pages::<screen>`
/// for a page of its own); the files below a screen are its sub-forms.
fn screen_of(m: &[String]) -> Option<Module> {
    if m.first().map(String::as_str) != Some("pages") || m.len() < 2 {
        return None;
    }
    Some(m[..m.len().min(3)].to_vec())
}

/// Strips `//` comments and the contents of string literals (a `"crate::x"` in a string is
/// not a dependency). Good enough for this code base: no raw strings hold `crate::`.
fn code_only(line: &str) -> String {
    let mut out = String::new();
    let mut in_str = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_str {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_str = false;
                out.push('"');
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            break;
        }
        if c == '"' {
            in_str = true;
        }
        out.push(c);
    }
    out
}

/// Every `crate::a::b…` path in a line, with one level of `{…}` groups expanded
/// (`crate::offline::{engine, sync}` names both).
pub fn paths_in(line: &str) -> Vec<Vec<String>> {
    let code = code_only(line);
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut base = Vec::new();
        let mut s = rest;
        loop {
            let end = s
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            if end == 0 {
                break;
            }
            base.push(s[..end].to_string());
            s = &s[end..];
            if let Some(next) = s.strip_prefix("::") {
                s = next;
            } else {
                break;
            }
        }
        if let Some(group) = s.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let item = item.trim();
                let first = item
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next();
                match first {
                    Some("self") | None | Some("") => out.push(base.clone()),
                    Some(name) => {
                        let mut p = base.clone();
                        p.extend(item.split("::").map(|x| {
                            x.trim()
                                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                                .next()
                                .unwrap_or("")
                                .to_string()
                        }));
                        if p.last().is_some_and(String::is_empty) {
                            p.pop();
                        }
                        let _ = name;
                        out.push(p);
                    }
                }
            }
        } else if !base.is_empty() {
            out.push(base);
        }
    }
    out
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
}

/// Every reference between modules, read from `files` (path relative to the crate, text).
pub fn references(files: &[(String, String)]) -> Vec<Reference> {
    let modules: BTreeSet<Module> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut out = Vec::new();
    for (path, text) in files {
        let from = module_of(path);
        for (i, line) in text.lines().enumerate() {
            for p in paths_in(line) {
                let Some(to) = resolve(&p, &modules) else {
                    continue;
                };
                if to == from || to.is_empty() {
                    continue;
                }
                out.push(Reference {
                    from: path.clone(),
                    line: i + 1,
                    text: line.trim().to_string(),
                    to,
                });
            }
        }
    }
    out
}

/// What breaks the layering, each naming its file and line.
pub fn violations(files: &[(String, String)]) -> Vec<String> {
    let refs = references(files);
    let mut out = Vec::new();
    for r in &refs {
        let from = module_of(&r.from);
        let (Some(lf), Some(lt)) = (layer_of(&from), layer_of(&r.to)) else {
            continue;
        };
        if lt > lf {
            out.push(format!(
                "{}:{}: {} may not depend on {} (a higher layer): `{}`",
                r.from, r.line, LAYERS[lf], LAYERS[lt], r.text
            ));
        } else if let (Some(a), Some(b)) = (screen_of(&from), screen_of(&r.to)) {
            if a != b && r.to.len() >= a.len().min(b.len()) {
                out.push(format!(
                    "{}:{}: a page may not import another page ({} → {}); move what they share to ui, model or offline: `{}`",
                    r.from,
                    r.line,
                    a.join("::"),
                    b.join("::"),
                    r.text
                ));
            }
        }
    }
    out.extend(cycles(&refs));
    out
}

/// Module cycles (strongly connected components of more than one module), each with the
/// lines that close it.
fn cycles(refs: &[Reference]) -> Vec<String> {
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for r in refs {
        graph
            .entry(module_of(&r.from))
            .or_default()
            .insert(r.to.clone());
        graph.entry(r.to.clone()).or_default();
    }
    // Tarjan's algorithm, iterative enough for a few hundred modules.
    struct T<'a> {
        g: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on: BTreeSet<Module>,
        next: usize,
        out: Vec<Vec<Module>>,
    }
    fn visit(t: &mut T, v: &Module) {
        t.index.insert(v.clone(), t.next);
        t.low.insert(v.clone(), t.next);
        t.next += 1;
        t.stack.push(v.clone());
        t.on.insert(v.clone());
        let succ: Vec<Module> = t.g.get(v).into_iter().flatten().cloned().collect();
        for w in succ {
            if !t.index.contains_key(&w) {
                visit(t, &w);
                let lw = t.low[&w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(&w) {
                let iw = t.index[&w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
        .into_iter()
        .map(|comp| {
            let set: BTreeSet<&Module> = comp.iter().collect();
            let lines: Vec<String> = refs
                .iter()
                .filter(|r| set.contains(&module_of(&r.from)) && set.contains(&r.to))
                .map(|r| format!("  {}:{}: `{}`", r.from, r.line, r.text))
                .collect();
            let names: Vec<String> = comp.iter().map(|m| m.join("::")).collect();
            format!(
                "a cycle between modules {}:\n{}",
                names.join(" ↔ "),
                lines.join("\n")
            )
        })
        .collect()
}

/// Reads every `.rs` file below `src` (paths relative to `root`).
pub fn read_tree(root: &Path) -> Result<Vec<(String, String)>, String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) -> Result<(), String> {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out)?;
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p
                    .strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = fs::read_to_string(&p).map_err(|e| format!("{rel}: {e}"))?;
                out.push((rel, text));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&root.join("src"), root, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Vec<(String, String)> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("src/lib.rs", "pub mod app; pub mod pages; pub mod ui; pub mod model;"),
            ("src/app/mod.rs", "use crate::pages::orders::list::OrdersPage;"),
            ("src/pages/mod.rs", "pub mod orders;"),
            ("src/pages/orders/mod.rs", "pub mod list; pub mod detail;"),
            ("src/pages/orders/list.rs", "use crate::ui::format::yuan;\nuse crate::model::orders::{orders, OrderRow};"),
            ("src/pages/orders/detail.rs", "use crate::{model::orders, ui::format};\nfn x() { crate::model::clock::local_now(); }"),
            ("src/ui/mod.rs", "pub mod format;"),
            ("src/ui/format.rs", "// crate::pages::orders is only a comment\nconst S: &str = \"crate::pages\";"),
            ("src/model/mod.rs", "pub mod orders; pub mod clock;"),
            ("src/model/orders.rs", "use crate::model::clock::local_now;"),
            ("src/model/clock.rs", ""),
        ]
    }

    #[test]
    fn a_tree_that_keeps_the_layers_passes() {
        assert_eq!(violations(&tree(&base())), Vec::<String>::new());
    }

    #[test]
    fn a_lower_layer_naming_a_higher_one_is_reported_with_its_line() {
        let mut files = base();
        files[9] = (
            "src/model/orders.rs",
            "use crate::model::clock::local_now;\nfn k() -> crate::ui::format::Key { todo!() }",
        );
        let v = violations(&tree(&files));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].starts_with("src/model/orders.rs:2: model may not depend on ui"),
            "{}",
            v[0]
        );
    }

    #[test]
    fn a_page_importing_another_page_is_reported() {
        let mut files = base();
        files[5] = (
            "src/pages/orders/detail.rs",
            "use crate::pages::orders::list::order_card;",
        );
        let v = violations(&tree(&files));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].contains(
                "a page may not import another page (pages::orders::detail → pages::orders::list)"
            ),
            "{}",
            v[0]
        );
    }

    #[test]
    fn a_cycle_within_a_layer_is_reported_with_both_lines() {
        let mut files = base();
        files[10] = ("src/model/clock.rs", "use crate::model::orders::OrderRow;");
        let v = violations(&tree(&files));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("a cycle between modules"), "{}", v[0]);
        assert!(
            v[0].contains("src/model/clock.rs:1") && v[0].contains("src/model/orders.rs:1"),
            "{}",
            v[0]
        );
    }

    #[test]
    fn groups_are_expanded_and_strings_and_comments_ignored() {
        assert_eq!(
            paths_in("use crate::offline::{engine, sync::request_sync, self}; // crate::app"),
            vec![
                vec!["offline".to_string(), "engine".into()],
                vec!["offline".to_string(), "sync".into(), "request_sync".into()],
                vec!["offline".to_string()],
            ]
        );
        assert!(paths_in("let s = \"crate::pages\";").is_empty());
        assert!(paths_in("my_crate::pages::x()").is_empty());
    }
}
