//! `file://` URIs ↔ paths.
//!
//! Editors name documents by URI; vellum names notes by vault-relative path.
//! Only `file:` URIs name notes: any other scheme (`untitled:`, `git:`) is not
//! part of a vault. Paths are percent-encoded byte for byte except for the
//! characters RFC 3986 leaves bare in a path, which is what VS Code, Neovim
//! and Helix send and accept.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use lsp_types::Uri;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Bytes percent-encoded in a path: everything but unreserved characters, `/`
/// and the sub-delimiters editors leave bare.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The local path a `file:` URI names, or `None` for another scheme or a
/// path that is not valid UTF-8 once decoded.
#[must_use]
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://").or_else(|| s.strip_prefix("FILE://"))?;
    // `file://host/path`: only an empty host or `localhost` is this machine.
    let path = if rest.starts_with('/') { rest } else { rest.strip_prefix("localhost")? };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    // `file:///C:/x` on Windows names `C:/x`.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => &decoded[1..],
        _ => &decoded,
    };
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path; `None` when the path is not UTF-8.
#[must_use]
pub fn from_path(path: &Path) -> Option<Uri> {
    let s = path.to_str()?;
    let s = s.replace('\\', "/");
    let lead = if s.starts_with('/') { "" } else { "/" };
    Uri::from_str(&format!("file://{lead}{}", utf8_percent_encode(&s, PATH))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).expect("valid uri")
    }

    #[test]
    fn round_trips_odd_names() {
        for p in ["/v/a b.md", "/v/Nöte #1?.md", "/v/100% [draft].md", "/v/中文/x.md"] {
            let u = from_path(Path::new(p)).expect("uri");
            assert_eq!(to_path(&u).as_deref(), Some(Path::new(p)), "{}", u.as_str());
        }
        assert_eq!(
            from_path(Path::new("/v/a b.md")).map(|u| u.as_str().to_owned()).as_deref(),
            Some("file:///v/a%20b.md")
        );
    }

    #[test]
    fn reads_what_editors_send() {
        assert_eq!(to_path(&uri("file:///v/a%20b.md")), Some(PathBuf::from("/v/a b.md")));
        assert_eq!(to_path(&uri("file://localhost/v/x.md")), Some(PathBuf::from("/v/x.md")));
        // VS Code encodes `:` in drive letters; decoding handles it.
        assert_eq!(to_path(&uri("file:///v/N%C3%B6te.md")), Some(PathBuf::from("/v/Nöte.md")));
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://otherhost/v/x.md")), None);
        assert_eq!(to_path(&uri("file:///v/%FF.md")), None, "not UTF-8");
    }
}
