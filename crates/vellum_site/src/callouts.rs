//! The stylesheet rules for the callout types the vault's CSS snippets define
//! (`vellum_vault::snippets`): each type's colour and icon, appended to
//! `style.css`.
//!
//! The rules are generated from the parsed values alone — a colour of three
//! integers, a name of letters, digits, `-` and `_`, an icon from a fixed
//! table — so nothing of a snippet's text reaches the site. The theme draws
//! callout icons as characters (`--icon`), with no icon font and no request
//! to the network; a Lucide icon name is shown as the nearest such character
//! from [`LUCIDE`], and a name not in it keeps the default callout icon.

use std::fmt::Write as _;

use vellum_vault::SnippetCallouts;

/// Lucide icon names (without `lucide-`) and the character the site shows
/// for each: the icons Obsidian's own callouts use and the ones snippets
/// reach for most, sorted by name.
const LUCIDE: &[(&str, &str)] = &[
    ("activity", "📈"),
    ("alarm-clock", "⏰"),
    ("alert-circle", "❗"),
    ("alert-octagon", "🛑"),
    ("alert-triangle", "⚠️"),
    ("archive", "🗄️"),
    ("award", "🏅"),
    ("badge-check", "✅"),
    ("book", "📖"),
    ("book-open", "📖"),
    ("bookmark", "🔖"),
    ("bot", "🤖"),
    ("box", "📦"),
    ("brain", "🧠"),
    ("bug", "🐞"),
    ("calendar", "📅"),
    ("camera", "📷"),
    ("check", "✔️"),
    ("check-circle", "✅"),
    ("check-circle-2", "✅"),
    ("chef-hat", "🍳"),
    ("circle-alert", "❗"),
    ("circle-check", "✅"),
    ("circle-help", "❓"),
    ("circle-x", "✖️"),
    ("clipboard", "📋"),
    ("clipboard-list", "📋"),
    ("clock", "🕒"),
    ("cloud", "☁️"),
    ("code", "💻"),
    ("code-2", "💻"),
    ("coffee", "☕"),
    ("cog", "⚙️"),
    ("compass", "🧭"),
    ("cpu", "🖥️"),
    ("database", "🗄️"),
    ("dollar-sign", "💲"),
    ("download", "⬇️"),
    ("edit", "✏️"),
    ("eye", "👁️"),
    ("file", "📄"),
    ("file-text", "📄"),
    ("flag", "🚩"),
    ("flame", "🔥"),
    ("flask-conical", "🧪"),
    ("folder", "📁"),
    ("gift", "🎁"),
    ("git-branch", "🌿"),
    ("globe", "🌐"),
    ("graduation-cap", "🎓"),
    ("hammer", "🔨"),
    ("heart", "❤️"),
    ("help-circle", "❓"),
    ("home", "🏠"),
    ("hourglass", "⏳"),
    ("image", "🖼️"),
    ("info", "ℹ️"),
    ("key", "🔑"),
    ("lightbulb", "💡"),
    ("link", "🔗"),
    ("list", "📋"),
    ("list-checks", "☑️"),
    ("lock", "🔒"),
    ("mail", "✉️"),
    ("map", "🗺️"),
    ("map-pin", "📍"),
    ("megaphone", "📣"),
    ("message-circle", "💬"),
    ("message-square", "💬"),
    ("mic", "🎤"),
    ("monitor", "🖥️"),
    ("moon", "🌙"),
    ("music", "🎵"),
    ("package", "📦"),
    ("paperclip", "📎"),
    ("pencil", "✏️"),
    ("phone", "📞"),
    ("pin", "📌"),
    ("puzzle", "🧩"),
    ("quote", "❝"),
    ("rocket", "🚀"),
    ("scale", "⚖️"),
    ("search", "🔍"),
    ("settings", "⚙️"),
    ("shield", "🛡️"),
    ("shield-alert", "🛡️"),
    ("shield-check", "🛡️"),
    ("smartphone", "📱"),
    ("smile", "🙂"),
    ("sparkles", "✨"),
    ("square-check", "☑️"),
    ("star", "⭐"),
    ("sun", "☀️"),
    ("tag", "🏷️"),
    ("target", "🎯"),
    ("terminal", "💻"),
    ("thumbs-down", "👎"),
    ("thumbs-up", "👍"),
    ("timer", "⏱️"),
    ("trash", "🗑️"),
    ("trash-2", "🗑️"),
    ("trending-up", "📈"),
    ("triangle-alert", "⚠️"),
    ("trophy", "🏆"),
    ("user", "👤"),
    ("users", "👥"),
    ("video", "🎬"),
    ("wrench", "🔧"),
    ("x", "✖️"),
    ("x-circle", "✖️"),
    ("zap", "⚡"),
];

/// The character the site shows for the Lucide icon `name`, if it has one.
fn lucide_char(name: &str) -> Option<&'static str> {
    LUCIDE.binary_search_by(|(n, _)| n.cmp(&name)).ok().map(|i| LUCIDE[i].1)
}

/// The rules for `callouts` (empty when none has a colour or a known icon).
pub(crate) fn snippet_css(callouts: &SnippetCallouts) -> String {
    let mut css = String::new();
    for c in callouts.iter() {
        let icon = c.icon.as_deref().and_then(lucide_char);
        if c.color.is_none() && icon.is_none() {
            continue;
        }
        // The name holds letters, digits, `-` and `_` only (checked when read).
        if !c.name.chars().all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_') {
            continue;
        }
        let _ = write!(css, ".callout[data-callout=\"{}\"] {{", c.name);
        if let Some([r, g, b]) = c.color {
            let _ = write!(css, " --c: rgb({r}, {g}, {b});");
        }
        if let Some(icon) = icon {
            let _ = write!(css, " --icon: \"{icon}\";");
        }
        css.push_str(" }\n");
    }
    if css.is_empty() {
        return css;
    }
    format!("\n/* Callout types of the vault's CSS snippets */\n{css}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_table_is_sorted_and_unique() {
        assert!(LUCIDE.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no duplicates");
        assert_eq!(lucide_char("flame"), Some("🔥"));
        assert_eq!(lucide_char("no-such-icon"), None);
    }

    #[test]
    fn rules_from_the_values_only() {
        let sheets = vec![(
            ".obsidian/snippets/s.css".to_owned(),
            ".callout[data-callout=recipe] { --callout-color: 200, 100, 0; --callout-icon: lucide-chef-hat }\n\
             .callout[data-callout=plain] .callout-title { display: none }\n\
             .callout[data-callout=odd] { --callout-icon: lucide-not-in-the-table }\n\
             .callout[data-callout=red] { --callout-color: #ff0000; background: url(javascript:x) }"
                .to_owned(),
        )];
        let (callouts, _) = SnippetCallouts::from_sheets(&sheets);
        insta::assert_snapshot!(snippet_css(&callouts), @r#"
        /* Callout types of the vault's CSS snippets */
        .callout[data-callout="recipe"] { --c: rgb(200, 100, 0); --icon: "🍳"; }
        .callout[data-callout="red"] { --c: rgb(255, 0, 0); }
        "#);
        assert_eq!(snippet_css(&SnippetCallouts::default()), "");
    }
}
