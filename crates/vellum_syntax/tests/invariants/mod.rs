//! The span invariants of [`vellum_syntax::parse`], shared by the property tests
//! (`tests/properties.rs`) and the fuzz target (`fuzz/fuzz_targets/parse_note.rs`).
//!
//! Every span in a [`Note`] is a half-open byte range into the parsed text with
//! `start <= end`, both ends on UTF-8 character boundaries; a wikilink's target is
//! the text at its `target_span`, a tag's span reads `#` + its name and a block
//! id's span reads `^` + its id.

use vellum_syntax::{LinkKind, Note, Span};

/// Return an error naming the first broken invariant.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn span_ok(text: &str, what: &str, span: Span) -> Result<(), String> {
    ensure!(span.start <= span.end, "{what}: start > end in {span:?}");
    ensure!(span.end <= text.len(), "{what}: {span:?} past the end ({} bytes)", text.len());
    ensure!(text.is_char_boundary(span.start), "{what}: start of {span:?} not on a char boundary");
    ensure!(text.is_char_boundary(span.end), "{what}: end of {span:?} not on a char boundary");
    Ok(())
}

/// Check every span of `note`, the result of parsing `text`.
pub(crate) fn check_note(text: &str, note: &Note) -> Result<(), String> {
    let ok = |what: &str, span: Span| span_ok(text, what, span);
    if let Some(fm) = &note.frontmatter {
        ok("frontmatter", fm.span)?;
        ok("frontmatter yaml", fm.yaml)?;
    }
    ok("body", note.body)?;
    let p = &note.properties;
    let d = note.detail().ok_or("a parse has its detail")?;
    for (key, field) in &d.fields {
        ok(&format!("frontmatter field `{key}`"), field.span)?;
    }
    for s in [&p.title, &p.description, &p.note_id].into_iter().flatten() {
        ok("frontmatter string", s.span)?;
    }
    for s in p.aliases.iter().chain(&p.tags).chain(&p.keywords).chain(&p.cssclasses) {
        ok("frontmatter list item", s.span)?;
    }
    if let Some(d) = &p.draft {
        ok("draft", d.span)?;
    }
    for d in [&p.created, &p.updated].into_iter().flatten() {
        ok("date", d.span)?;
    }
    for h in &note.headings {
        ok("heading", h.span)?;
    }
    for l in &note.links {
        ok("link", l.span)?;
        ok("link target", l.target_span)?;
        if matches!(l.kind, LinkKind::Wiki | LinkKind::Embed) {
            ensure!(
                l.span.contains(l.target_span),
                "wikilink target {:?} outside the link {:?}",
                l.target_span,
                l.span
            );
            let at = &text[l.target_span.range()];
            ensure!(at == l.target, "wikilink target {:?} but its span reads {at:?}", l.target);
        }
    }
    for t in &note.tags {
        ok("tag", t.span)?;
        let at = &text[t.span.range()];
        ensure!(at.strip_prefix('#') == Some(t.name.as_str()), "tag {:?} but its span reads {at:?}", t.name);
    }
    for b in &note.block_ids {
        ok("block id", b.span)?;
        let at = &text[b.span.range()];
        ensure!(at.strip_prefix('^') == Some(b.id.as_str()), "block id {:?} but its span reads {at:?}", b.id);
    }
    for c in &d.callouts {
        ok("callout", c.span)?;
        ok("callout kind", c.kind_span)?;
    }
    for c in &note.components {
        ok("component", c.span)?;
    }
    for e in &note.errors {
        ok(&format!("error {:?}", e.kind), e.span)?;
    }
    for x in &d.external_links {
        ok("external link", x.span)?;
    }
    let j = &note.journal;
    if let Some(row) = &j.keyword_row {
        ok("keyword row", row.span)?;
        for k in &row.value {
            ok("keyword", k.span)?;
        }
    }
    let items = j.claims.iter().chain(&j.questions).chain(&d.signals).chain(&j.core_claim);
    for s in items {
        ok("journal item", s.span)?;
    }
    if let Some(t) = j.my_take {
        ok("my take", t)?;
    }
    for s in &j.sources {
        ok("source", s.span)?;
        if let Some(u) = &s.url {
            ok("source url", u.span)?;
        }
    }
    for b in &d.brain_dump {
        ok("brain-dump item", b.span)?;
    }
    if let Some(l) = &d.linkage {
        ok("linkage tree", l.span)?;
        for t in &l.tags {
            ok("linkage tag", t.span)?;
        }
        for &i in &l.related {
            ensure!(i < note.links.len(), "linkage-tree link index {i} out of range");
        }
    }
    // Turning spans into lines and columns must not panic either.
    let _ = d.lines.line_col(text, note.body.start);
    let _ = d.lines.line_col(text, text.len());
    Ok(())
}
