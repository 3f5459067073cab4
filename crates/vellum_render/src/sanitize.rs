//! Sanitizing the rendered HTML with ammonia. Notes may hold raw HTML; what
//! reaches a page is an allowlist: the journal's components and their classes,
//! callouts, MathML, highlighted code, images and links. Scripts, styles, event
//! handlers, `javascript:` and `data:` URLs, iframes, forms and the like go.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;

const EXTRA_TAGS: &[&str] = &[
    "details",
    "summary",
    "mark",
    "input",
    "section",
    "figure",
    "figcaption",
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mrow",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mtext",
    "mspace",
    "mtable",
    "mtr",
    "mtd",
    "munder",
    "mover",
    "munderover",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "semantics",
    "annotation",
];

const MATH_ATTRS: &[&str] = &[
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "movablelimits",
    "linethickness",
    "scriptlevel",
    "displaystyle",
    "columnalign",
    "rowspacing",
    "columnspacing",
    "width",
    "height",
    "depth",
    "voffset",
    "notation",
    "encoding",
    "largeop",
    "symmetric",
    "minsize",
    "maxsize",
];

static BUILDER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.add_tags(EXTRA_TAGS.iter().copied());
    b.add_generic_attributes(["class", "id", "title", "lang", "dir", "aria-hidden", "aria-label"]);
    b.add_tag_attributes("div", ["data-callout", "data-fold"]);
    b.add_tag_attributes("details", ["data-callout", "open"]);
    b.add_tag_attributes("pre", ["data-lang"]);
    b.add_tag_attributes("img", ["width", "height", "loading"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    // `<input>` is here for task lists only: any other kind (a password field,
    // a submit button) becomes a disabled checkbox.
    b.set_tag_attribute_value("input", "type", "checkbox");
    b.set_tag_attribute_value("input", "disabled", "");
    b.add_tag_attributes("a", ["data-preview"]);
    b.add_tag_attributes("span", ["data-math-style"]);
    for t in [
        "math",
        "mi",
        "mn",
        "mo",
        "mrow",
        "mstyle",
        "mspace",
        "mpadded",
        "mtable",
        "mtd",
        "mfrac",
        "mover",
        "munder",
        "munderover",
        "menclose",
        "annotation",
        "semantics",
    ] {
        b.add_tag_attributes(t, MATH_ATTRS.iter().copied());
    }
    b.url_schemes(HashSet::from(["http", "https", "mailto"]));
    b.link_rel(Some("noopener noreferrer"));
    b.strip_comments(true);
    b
});

/// Sanitize rendered HTML (see the module docs for what survives).
#[must_use]
pub fn sanitize(html: &str) -> String {
    BUILDER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_components_drops_scripts() {
        let out = sanitize(
            "<div class=\"keyword-row\"><span class=\"inline-keyword\">gpu</span></div>\
             <script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>\
             <iframe src=\"https://evil\"></iframe><div class=\"callout\" data-callout=\"note\">c</div>",
        );
        assert!(out.contains("class=\"keyword-row\""));
        assert!(out.contains("data-callout=\"note\""));
        for bad in ["<script", "onerror", "javascript:", "<iframe", "alert(1)</script"] {
            assert!(!out.contains(bad), "{bad} survived: {out}");
        }
    }

    #[test]
    fn inputs_are_only_disabled_checkboxes() {
        let out = sanitize("<input type=\"password\" name=\"pw\"><input><input type=\"checkbox\" checked>");
        assert_eq!(out.matches("type=\"checkbox\"").count(), 3, "{out}");
        assert_eq!(out.matches("disabled=\"\"").count(), 3, "{out}");
        assert!(!out.contains("password") && !out.contains("name="), "{out}");
    }
}
