//! Unified diffs of planned changes, for `--dry-run`.

use similar::TextDiff;

use crate::write::Change;

/// A unified diff (`git diff` style, three lines of context) from `old` at
/// `old_path` to `new` at `new_path`. `None` as a path means the file does not
/// exist on that side (`/dev/null`). Line endings are kept as they are, and a
/// missing final newline is marked.
#[must_use]
pub fn unified(old_path: Option<&str>, new_path: Option<&str>, old: &str, new: &str) -> String {
    let a = old_path.map_or_else(|| "/dev/null".to_owned(), |p| format!("a/{p}"));
    let b = new_path.map_or_else(|| "/dev/null".to_owned(), |p| format!("b/{p}"));
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    if let (Some(o), Some(n)) = (old_path, new_path)
        && o != n
    {
        out.push_str(&format!("rename from {o}\nrename to {n}\n"));
        if old == new {
            return out;
        }
    }
    if old == new {
        return out;
    }
    out.push_str(&diff.unified_diff().context_radius(3).header(&a, &b).to_string());
    out
}

/// The diff of every change, one after the other, each under a `diff --git`
/// header (so `git apply` takes it, renames included).
#[must_use]
pub fn changes(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let d = match c {
            Change::Create { path, text } => unified(None, Some(path), "", text),
            Change::Modify { path, original, text } => unified(Some(path), Some(path), original, text),
            Change::Move { from, to, original, text } => unified(Some(from), Some(to), original, text),
        };
        if !d.is_empty() {
            let from = match c {
                Change::Move { from, .. } => from.as_str(),
                _ => c.path(),
            };
            out.push_str(&format!("diff --git a/{from} b/{}\n", c.path()));
            if matches!(c, Change::Create { .. }) {
                out.push_str("new file mode 100644\n");
            }
            out.push_str(&d);
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_lines_with_context() {
        let d = unified(Some("n.md"), Some("n.md"), "a\nb\nc\n", "a\nB\nc\n");
        assert!(d.starts_with("--- a/n.md\n+++ b/n.md\n@@ -1,3 +1,3 @@\n"), "{d}");
        assert!(d.contains("-b\n+B\n"), "{d}");
    }

    #[test]
    fn renames_and_creations() {
        let d = unified(Some("a.md"), Some("b/a.md"), "x\n", "x\n");
        assert_eq!(d, "rename from a.md\nrename to b/a.md\n");
        let d = unified(None, Some("new.md"), "", "x");
        assert!(d.contains("--- /dev/null\n+++ b/new.md\n"), "{d}");
        assert!(d.contains("No newline at end of file"), "{d}");
    }
}
