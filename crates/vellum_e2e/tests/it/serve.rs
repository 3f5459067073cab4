//! `vellum serve` in a real headless Chromium: an edit to a note shows up on
//! the open page without any click.
//!
//! The server runs in this process through `vellum_serve::run` (port 0, on a
//! copy of `examples/journal`, drafts shown) on a thread that lives until the
//! test process ends. Skipped like the site tests when there is no browser.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use vellum_e2e::{Browser, Error};

const SEED_URL: &str = "/nvidia-open-sources-gpu-kernel-modules/";
const SEED_FILE: &str = "Nvidia Open Sources GPU Kernel Modules.md";

/// Start `vellum serve` on a free loopback port; returns its base URL
/// (`http://127.0.0.1:PORT`, no trailing slash).
fn start_serve(vault: &std::path::Path) -> Result<String, Error> {
    let (tx, rx) = mpsc::channel::<Result<String, String>>();
    let tx = Arc::new(Mutex::new(tx));
    let mut opts = vellum_serve::ServeOptions::new(vault);
    opts.port = 0;
    opts.drafts = true;
    let events = Arc::clone(&tx);
    opts.on_event = Arc::new(move |event| {
        if let vellum_serve::ServeEvent::Listening { url, .. } = event
            && let Ok(tx) = events.lock()
        {
            let _ = tx.send(Ok(url));
        }
    });
    std::thread::Builder::new().name("vellum-serve".into()).spawn(move || {
        if let Err(e) = vellum_serve::run(opts)
            && let Ok(tx) = tx.lock()
        {
            let _ = tx.send(Err(e.to_string()));
        }
    })?;
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(Ok(url)) => Ok(url.trim_end_matches('/').to_owned()),
        Ok(Err(e)) => Err(Error(format!("vellum serve failed: {e}"))),
        Err(_) => Err(Error::new("vellum serve did not start within 120 s")),
    }
}

/// Records every `EventSource` the page opens, so the test knows when the
/// live-reload channel is connected before it edits a note.
const RECORD_EVENT_SOURCES: &str = "(() => {
  const Original = window.EventSource;
  if (!Original) return;
  window.__e2eEventSources = [];
  window.EventSource = function (...args) {
    const es = new Original(...args);
    window.__e2eEventSources.push(es);
    return es;
  };
  window.EventSource.prototype = Original.prototype;
  Object.assign(window.EventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
})();";

#[test]
fn page_updates_after_an_edit_without_any_click() -> Result<(), Error> {
    let test = "page_updates_after_an_edit_without_any_click";
    let Some(browser) = Browser::launch_or_skip(test) else { return Ok(()) };
    let vault = vellum_e2e::copy_example_vault()?;
    let base = start_serve(vault.path())?;
    browser.add_init_script(RECORD_EVENT_SOURCES)?;
    browser.run_check(test, |browser| {
        let page = format!("{base}{SEED_URL}");
        browser.goto(&page)?;
        let title =
            |b: &Browser| -> Result<String, Error> { b.find(".callout-note .callout-title-inner")?.text() };
        assert_eq!(title(browser)?, "Core claim");
        browser.wait_until("the live-reload connection", Duration::from_secs(10), |b| {
            let open =
                b.execute("return (window.__e2eEventSources || []).some(es => es.readyState === 1);", &[])?;
            Ok(open.as_bool().unwrap_or(false).then_some(()))
        })?;

        // Edit the note as an editor does: new text to a temporary file, then a rename.
        let note = vault.path().join(SEED_FILE);
        let text = std::fs::read_to_string(&note)?;
        assert!(text.contains("> [!note] Core claim\n"), "the seed note has its core-claim callout");
        let edited = text.replace("> [!note] Core claim\n", "> [!note] Core claim, edited live\n");
        let tmp = vault.path().join(".e2e-edit.tmp");
        std::fs::write(&tmp, edited)?;
        std::fs::rename(&tmp, &note)?;

        // No click, no navigation: the page must change by itself.
        let now = browser.wait_until(
            "the edited callout title on the open page",
            Duration::from_secs(30),
            |b| Ok(title(b).ok().filter(|t| t == "Core claim, edited live")),
        )?;
        assert_eq!(now, "Core claim, edited live");
        assert_eq!(browser.current_url()?, page, "still the same page");
        browser.save_screenshot("serve-live-edit")?;
        browser.assert_no_console_errors()
    })
}
