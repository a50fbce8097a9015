//! The module graph of `src/`: no file imports (by `use crate::…` or `use super::…`) from a
//! file that imports it back, directly or through other files. A parent `mod.rs` declaring its
//! children (`mod x;`) is not an import; re-exports and uses are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/http/mod.rs` → `["http"]`, `src/lib.rs` → `[]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file that defines the longest prefix of `path` (a module path from the crate root).
fn file_of(path: &[String]) -> Option<PathBuf> {
    (1..=path.len()).rev().find_map(|n| {
        let base = path[..n].iter().fold(src(), |p, s| p.join(s));
        [base.with_extension("rs"), base.join("mod.rs")]
            .into_iter()
            .find(|p| p.is_file())
    })
}

/// Every `use` statement's text (joined across lines), without the `pub`/`use` keywords.
fn use_statements(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let tail = &rest[at + 4..];
        let end = tail.find(';').unwrap_or(tail.len());
        if before.is_none_or(|c| c.is_whitespace() || c == '{' || c == ';') {
            out.push(tail[..end].split_whitespace().collect::<String>());
        }
        rest = &tail[end..];
    }
    out
}

/// Paths written in code outside `use` statements: `crate::db::is_unique_violation(…)`,
/// `super::public::png_response(…)`.
fn inline_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for start in ["crate::", "super::"] {
            let mut rest = line;
            while let Some(at) = rest.find(start) {
                let standalone = rest[..at]
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
                let tail = &rest[at..];
                let end = tail
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(tail.len());
                if standalone {
                    out.push(tail[..end].trim_end_matches(':').to_owned());
                }
                rest = &tail[end..];
            }
        }
    }
    out
}

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|s| !s.is_empty())
        .flat_map(|item| expand(&format!("{prefix}{item}")))
        .collect()
}

/// The files a file imports from (itself excluded).
fn imports(file: &Path) -> BTreeSet<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let here = module_of(file);
    let mut out = BTreeSet::new();
    let paths = use_statements(&text)
        .into_iter()
        .flat_map(|stmt| expand(&stmt))
        .chain(inline_paths(&text));
    {
        for path in paths {
            let mut segs: Vec<String> = path.split("::").map(|s| s.trim().to_owned()).collect();
            let absolute = match segs.first().map(String::as_str) {
                Some("crate") => segs.split_off(1),
                Some("super") => {
                    // `super` of a mod.rs is its parent's parent; of x.rs, the folder's module.
                    let mut base = here.clone();
                    let mut rest = segs.as_slice();
                    while rest.first().map(String::as_str) == Some("super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                }
                _ => continue,
            };
            if let Some(target) = file_of(&absolute) {
                if target != file {
                    out.insert(target);
                }
            }
        }
    }
    out
}

fn graph() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files
        .into_iter()
        .map(|f| (f.clone(), imports(&f)))
        .collect()
}

/// The strongly connected components with more than one file: each is a set of files that
/// import one another, directly or round a loop (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'g PathBuf, usize>,
        low: BTreeMap<&'g PathBuf, usize>,
        stack: Vec<&'g PathBuf>,
        found: Vec<Vec<PathBuf>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g PathBuf) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let Some((next, _)) = self.graph.get_key_value(next) else {
                    continue;
                };
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let at = self.stack.iter().position(|n| *n == node).unwrap_or(0);
                let component: Vec<PathBuf> =
                    self.stack.drain(at..).map(|p| p.to_path_buf()).collect();
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.found
}

fn rel(p: &Path) -> String {
    p.strip_prefix(src()).unwrap().display().to_string()
}

#[test]
fn no_file_in_src_imports_a_file_that_imports_it_back() {
    let found: Vec<String> = cycles(&graph())
        .iter()
        .map(|c| c.iter().map(|p| rel(p)).collect::<Vec<_>>().join(" ↔ "))
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_checker_sees_uses_groups_and_super() {
    assert_eq!(
        expand("crate::a::{b,c::{d,e}}"),
        ["crate::a::b", "crate::a::c::d", "crate::a::c::e"]
    );
    let g = graph();
    let http_apps = src().join("http/applications/mod.rs");
    assert!(
        g[&http_apps].contains(&src().join("http/mod.rs")),
        "super::AppState"
    );
    assert!(g[&http_apps].contains(&src().join("error.rs")));
    let mut g2 = BTreeMap::new();
    g2.insert(PathBuf::from("a"), BTreeSet::from([PathBuf::from("b")]));
    g2.insert(PathBuf::from("b"), BTreeSet::from([PathBuf::from("a")]));
    assert_eq!(cycles(&g2).len(), 1);
}

/// The lower layers never reach up: rules, render, the spec, the engine, storage and the
/// database know nothing of the workflow, accounts, counts, notifications or HTTP.
#[test]
fn lower_layers_do_not_import_upper_ones() {
    let lower = [
        "rules/",
        "render/",
        "spec.rs",
        "engine.rs",
        "storage/",
        "db/",
        "calendar/",
        "clock/",
    ];
    let upper = ["applications/", "auth/", "stats/", "http/", "notify/"];
    let mut upward = Vec::new();
    for (file, targets) in graph() {
        let from = rel(&file);
        if !lower.iter().any(|l| from.starts_with(l)) {
            continue;
        }
        for target in targets {
            let to = rel(&target);
            if upper.iter().any(|u| to.starts_with(u)) {
                upward.push(format!("{from} → {to}"));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}
