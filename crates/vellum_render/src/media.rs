//! Embedded files and web media, as Obsidian shows them: images at a size,
//! audio and video players, PDFs in the browser's viewer, and YouTube videos
//! written as images (`![](https://www.youtube.com/watch?v=…)`), played from
//! YouTube's privacy-enhanced host.
//!
//! Everything here writes HTML whose every value is either escaped or built
//! by this module from checked parts (a YouTube id is `[A-Za-z0-9_-]`, a size
//! is digits), so the renderer may treat it as its own markup.

use std::fmt::Write as _;

use vellum_syntax::Fragment;

use crate::escape;

/// What an embedded attachment is, by its extension (Obsidian's accepted formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Media {
    Image,
    Audio,
    Video,
    Pdf,
}

const IMAGE: &[&str] = &["avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp"];
const AUDIO: &[&str] = &["flac", "m4a", "mp3", "ogg", "wav", "webm", "3gp"];
const VIDEO: &[&str] = &["mkv", "mov", "mp4", "ogv", "webm"];

impl Media {
    /// The kind of the file at `path`; `None` for a file Obsidian shows as a link.
    /// Obsidian lists `.webm` as both audio and video; it is shown as video,
    /// whose player plays either.
    pub(crate) fn of(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        let ext = ext.as_str();
        if IMAGE.contains(&ext) {
            Some(Self::Image)
        } else if VIDEO.contains(&ext) {
            Some(Self::Video)
        } else if AUDIO.contains(&ext) {
            Some(Self::Audio)
        } else if ext == "pdf" {
            Some(Self::Pdf)
        } else {
            None
        }
    }
}

/// ` width="W"` or ` width="W" height="H"` when `display` is a size (`300`,
/// `640x480`), as Obsidian reads the text after `|` in an image or video embed.
pub(crate) fn size_attrs(display: Option<&str>) -> Option<String> {
    let d = display?.trim();
    let (w, h) = match d.split_once('x') {
        Some((w, h)) => (w, Some(h)),
        None => (d, None),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(w) || h.is_some_and(|h| !digits(h)) {
        return None;
    }
    let mut out = format!(" width=\"{w}\"");
    if let Some(h) = h {
        let _ = write!(out, " height=\"{h}\"");
    }
    Some(out)
}

/// How an embed was written: the text after `|`, what follows `#`
/// (`page=3`, `height=400` for a PDF), and the text a link would show.
pub(crate) struct Written<'a> {
    pub display: Option<&'a str>,
    pub fragment: Option<&'a Fragment>,
    pub shown: &'a str,
}

/// The player or viewer for an embedded attachment of kind `media` at `url`
/// (already the published URL), named `name` (its file name).
pub(crate) fn attachment(media: Media, url: &str, name: &str, w: &Written<'_>) -> String {
    let (url, name) = (escape(url), escape(name));
    let size = size_attrs(w.display);
    let fragment = w.fragment;
    match media {
        Media::Image => {
            // With a size after `|`, the alt text is the file name; otherwise what a link shows.
            let alt = if size.is_some() { name } else { escape(w.shown) };
            format!(
                "<img class=\"embed-image\" src=\"{url}\" alt=\"{alt}\" loading=\"lazy\"{}>",
                size.unwrap_or_default()
            )
        }
        Media::Audio => format!(
            "<span class=\"embed-media\"><audio class=\"embed-audio\" controls preload=\"metadata\" src=\"{url}\" title=\"{name}\"></audio></span>"
        ),
        Media::Video => format!(
            "<span class=\"embed-media\"><video class=\"embed-video\" controls preload=\"metadata\" src=\"{url}\" title=\"{name}\"{}></video></span>",
            size.unwrap_or_default()
        ),
        Media::Pdf => {
            let (page, height) = pdf_options(fragment);
            let page = page.map_or(String::new(), |p| format!("#page={p}"));
            format!(
                "<span class=\"embed-media\"><iframe class=\"embed-pdf\" src=\"{url}{page}\" title=\"{name}\" height=\"{}\" loading=\"lazy\"></iframe><a class=\"embed-file\" href=\"{url}\">{name}</a></span>",
                height.unwrap_or(600)
            )
        }
    }
}

/// `page=N` and `height=N` of a PDF embed's fragment (`#page=3`, `#height=400`, or both joined by `&`).
fn pdf_options(fragment: Option<&Fragment>) -> (Option<u32>, Option<u32>) {
    let text = match fragment {
        Some(Fragment::Heading(chain)) => chain.join("&"),
        _ => String::new(),
    };
    let (mut page, mut height) = (None, None);
    for part in text.split('&') {
        if let Some((k, v)) = part.split_once('=')
            && let Ok(n) = v.trim().parse::<u32>()
        {
            match k.trim() {
                "page" => page = Some(n.max(1)),
                "height" => height = Some(n.clamp(50, 5000)),
                _ => {}
            }
        }
    }
    (page, height)
}

/// The id of a YouTube video URL (`youtube.com/watch?v=ID`, `youtu.be/ID`,
/// `youtube.com/shorts/ID`, `youtube.com/embed/ID`), when `url` is one.
pub(crate) fn youtube_id(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(host);
    let id = match host {
        "youtu.be" => path.split(['?', '#', '/']).next()?,
        "youtube.com" | "youtube-nocookie.com" => {
            if let Some(query) = path.strip_prefix("watch?") {
                query.split('&').find_map(|kv| kv.strip_prefix("v="))?.split('#').next()?
            } else {
                let (kind, id) = path.split_once('/')?;
                if !matches!(kind, "shorts" | "embed" | "live") {
                    return None;
                }
                id.split(['?', '#', '/']).next()?
            }
        }
        _ => return None,
    };
    let valid = (6..=32).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(id)
}

/// What a web URL written as an image (`![alt](url)`) becomes when it is
/// more than a plain image: a YouTube player, or an image at the size the
/// alt text gives (`![250](url)`, `![Alt|100x145](url)`). `None` leaves it
/// a plain image.
pub(crate) fn web_embed(url: &str, alt: &str) -> Option<String> {
    let Some(id) = youtube_id(url) else {
        let web = url.starts_with("https://") || url.starts_with("http://");
        let (text, size) = match alt.rsplit_once('|') {
            Some((text, size)) => (text, size_attrs(Some(size))?),
            None => ("", size_attrs(Some(alt))?),
        };
        return web.then(|| {
            format!("<img src=\"{}\" alt=\"{}\" loading=\"lazy\"{size}>", escape(url), escape(text.trim()))
        });
    };
    let title = alt;
    let title = if title.trim().is_empty() { "YouTube video".to_owned() } else { escape(title) };
    Some(format!(
        "<span class=\"embed-media\"><iframe class=\"embed-youtube\" src=\"https://www.youtube-nocookie.com/embed/{id}\" title=\"{title}\" loading=\"lazy\" allow=\"encrypted-media; picture-in-picture; fullscreen\" allowfullscreen></iframe></span>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_obsidians_accepted_formats() {
        assert_eq!(Media::of("a/Photo.JPG"), Some(Media::Image));
        assert_eq!(Media::of("Talk.mp3"), Some(Media::Audio));
        assert_eq!(Media::of("Excerpt (1968).ogg"), Some(Media::Audio));
        assert_eq!(Media::of("clip.mp4"), Some(Media::Video));
        assert_eq!(Media::of("clip.webm"), Some(Media::Video));
        assert_eq!(Media::of("Doc.pdf"), Some(Media::Pdf));
        assert_eq!(Media::of("archive.zip"), None);
        assert_eq!(Media::of("no-extension"), None);
    }

    #[test]
    fn sizes_are_digits_only() {
        assert_eq!(size_attrs(Some("300")).as_deref(), Some(" width=\"300\""));
        assert_eq!(size_attrs(Some("640x480")).as_deref(), Some(" width=\"640\" height=\"480\""));
        for not in ["", "x", "30px", "640x", "\"><script>", "1x2x3", "123456"] {
            assert_eq!(size_attrs(Some(not)), None, "{not:?}");
        }
    }

    #[test]
    fn pdf_pages_and_heights() {
        let pdf = |s: &str| {
            let fragment = Fragment::Heading(vec![s.to_owned()]);
            attachment(
                Media::Pdf,
                "/a/Doc.pdf",
                "Doc.pdf",
                &Written { display: None, fragment: Some(&fragment), shown: "Doc" },
            )
        };
        let html = pdf("page=3");
        assert!(html.contains("src=\"/a/Doc.pdf#page=3\"") && html.contains("height=\"600\""), "{html}");
        let html = pdf("height=400");
        assert!(html.contains("src=\"/a/Doc.pdf\"") && html.contains("height=\"400\""), "{html}");
        let html = pdf("page=x");
        assert!(html.contains("src=\"/a/Doc.pdf\""), "{html}");
    }

    #[test]
    fn players_escape_what_they_show() {
        let plain = Written { display: None, fragment: None, shown: "x" };
        let html = attachment(Media::Audio, "/a/x\".mp3", "x\".mp3", &plain);
        assert!(
            html.contains("<audio class=\"embed-audio\" controls") && html.contains("x&quot;.mp3"),
            "{html}"
        );
        let sized = Written { display: Some("320x200"), fragment: None, shown: "v" };
        let html = attachment(Media::Video, "/v.mp4", "v.mp4", &sized);
        assert!(html.contains("<video") && html.contains(" width=\"320\" height=\"200\""), "{html}");
        let captioned = Written { display: Some("A <cat>"), fragment: None, shown: "A <cat>" };
        let html = attachment(Media::Image, "/i.png", "i.png", &captioned);
        assert!(html.contains("alt=\"A &lt;cat&gt;\""), "{html}");
    }

    #[test]
    fn youtube_urls_and_only_them() {
        for (url, id) in [
            ("https://www.youtube.com/watch?v=NnTvZWp5Q7o", "NnTvZWp5Q7o"),
            ("https://youtube.com/watch?feature=share&v=NnTvZWp5Q7o#t=3", "NnTvZWp5Q7o"),
            ("https://youtu.be/NnTvZWp5Q7o?t=42", "NnTvZWp5Q7o"),
            ("https://www.youtube.com/shorts/abcDEF_123", "abcDEF_123"),
            ("https://m.youtube.com/embed/NnTvZWp5Q7o", "NnTvZWp5Q7o"),
        ] {
            assert_eq!(youtube_id(url), Some(id), "{url}");
        }
        for url in [
            "https://example.com/watch?v=NnTvZWp5Q7o",
            "https://www.youtube.com/watch?v=bad\"id",
            "https://www.youtube.com/channel/UC123456",
            "javascript:alert(1)//youtu.be/NnTvZWp5Q7o",
            "https://youtu.be/",
        ] {
            assert_eq!(youtube_id(url), None, "{url}");
        }
        let html = web_embed("https://youtu.be/NnTvZWp5Q7o", "A <talk>").expect("youtube");
        assert!(
            html.contains("https://www.youtube-nocookie.com/embed/NnTvZWp5Q7o")
                && html.contains("A &lt;talk&gt;")
        );
    }

    #[test]
    fn web_images_take_the_size_their_alt_text_gives() {
        let html = web_embed("https://example.com/a.png", "250").expect("sized");
        assert_eq!(html, "<img src=\"https://example.com/a.png\" alt=\"\" loading=\"lazy\" width=\"250\">");
        let html = web_embed("https://example.com/a.png?x=1&y=\"", "Engelbart|100x145").expect("sized");
        assert!(html.contains("alt=\"Engelbart\" loading=\"lazy\" width=\"100\" height=\"145\""), "{html}");
        assert!(html.contains("x=1&amp;y=&quot;"), "{html}");
        assert_eq!(web_embed("https://example.com/a.png", "A cat"), None, "no size: a plain image");
        assert_eq!(web_embed("data:image/png;base64,AAAA", "250"), None, "only web URLs");
    }
}
