//! Finding the browser programs: an environment variable naming the file
//! wins, else the first match on `PATH`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `chromedriver`: `$VELLUM_CHROMEDRIVER`, else `chromedriver` on `PATH`
/// (Debian's `chromium-driver` installs `/usr/bin/chromedriver`).
#[must_use]
pub fn chromedriver() -> Option<PathBuf> {
    from_env("VELLUM_CHROMEDRIVER").or_else(|| which_first(&["chromedriver"]))
}

/// Chromium: `$VELLUM_CHROMIUM`, else the first of `chromium`,
/// `chromium-browser`, `google-chrome-stable`, `google-chrome` on `PATH`.
#[must_use]
pub fn chromium() -> Option<PathBuf> {
    from_env("VELLUM_CHROMIUM")
        .or_else(|| which_first(&["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"]))
}

fn from_env(var: &str) -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os(var).filter(|v| !v.is_empty())?);
    path.is_file().then_some(path)
}

fn which_first(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| which_in(&path, name))
}

/// The first `dir/name` that is a file, over the folders of a `PATH` value.
fn which_in(path: &OsStr, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path).map(|dir| dir.join(name)).find(|p| is_program(p))
}

fn is_program(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_finds_only_programs_in_order() {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        std::fs::write(a.path().join("tool"), "not executable").expect("write");
        let program = b.path().join("tool");
        std::fs::write(&program, "#!/bin/sh\n").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let path = std::env::join_paths([a.path(), b.path()]).expect("join");
        #[cfg(unix)]
        assert_eq!(which_in(&path, "tool"), Some(program));
        assert_eq!(which_in(&path, "missing"), None);
    }
}
