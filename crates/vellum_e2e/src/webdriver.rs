//! [`Browser`]: one headless Chromium, driven through `chromedriver` with the
//! W3C WebDriver protocol (JSON over HTTP on loopback).
//!
//! Only the commands the tests use are here; each is a thin wrapper over one
//! endpoint of <https://www.w3.org/TR/webdriver2/>. Two are chromedriver's
//! own: the console log (`POST /session/{id}/se/log`, filled because the
//! session asks for `goog:loggingPrefs: {browser: ALL}`) and a Chrome
//! DevTools call for [`Browser::add_init_script`] (`POST
//! /session/{id}/goog/cdp/execute`).
//!
//! Console errors: Chromium logs `console.error(…)`, uncaught exceptions,
//! unhandled promise rejections and failed resource loads at level `SEVERE`;
//! [`Browser::console_errors`] returns those, and
//! [`Browser::assert_no_console_errors`] turns any into an error.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::http::request;
use crate::{Error, locate};

/// Chromium's flags for this sandbox and for CI: headless, no sandbox (we run
/// as root), no GPU, and none of the background traffic a closed network
/// refuses. [`Browser::launch_with`] adds a fresh `--user-data-dir` and a
/// fixed window size.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// The browser window's size, so screenshots and layouts are repeatable.
pub const WINDOW_SIZE: (u32, u32) = (1280, 1000);

/// How long [`Browser::wait_until`] and friends wait by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// Every HTTP call to chromedriver waits at most this (a page load included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(90);

/// W3C's key for an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser at a time per test process: two Chromiums on CI's two cores
/// make every wait flaky. [`Browser`] holds this lock while it lives.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// A line of the browser's console log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE` (errors), `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// Where it came from (`javascript`, `console-api`, `network`…).
    pub source: String,
    /// The text, with the script URL and position when there is one.
    pub message: String,
}

/// A headless Chromium session. Dropping it ends the session (Chromium
/// quits), stops `chromedriver` and deletes the profile folder.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    driver_addr: SocketAddr,
    session: String,
    /// Dropped after the session is gone (fields drop in order, after `Drop::drop`).
    _profile: tempfile::TempDir,
    _one_browser: MutexGuard<'static, ()>,
}

impl Browser {
    /// Start a browser if one is installed.
    ///
    /// - `chromedriver` and Chromium found: start them; `Some(browser)`.
    /// - Not found and `VELLUM_E2E=1`: panic (CI must run the browser tests).
    /// - Not found otherwise: print why `test` is skipped on stderr; `None`.
    ///
    /// # Panics
    /// When the programs are missing under `VELLUM_E2E=1`, and whenever they
    /// are found but fail to start (a broken install is a failure, not a skip).
    #[must_use]
    pub fn launch_or_skip(test: &str) -> Option<Self> {
        let required = std::env::var("VELLUM_E2E").is_ok_and(|v| v == "1");
        match (locate::chromedriver(), locate::chromium()) {
            (Some(driver), Some(chromium)) => match Self::launch_with(&driver, &chromium) {
                Ok(browser) => Some(browser),
                Err(e) => panic!(
                    "{test}: cannot start Chromium ({}) through chromedriver ({}): {e}",
                    chromium.display(),
                    driver.display()
                ),
            },
            (driver, chromium) => {
                let missing = match (driver, chromium) {
                    (None, None) => "chromedriver and Chromium are",
                    (None, Some(_)) => "chromedriver is",
                    _ => "Chromium is",
                };
                assert!(
                    !required,
                    "{test}: VELLUM_E2E=1 but {missing} not installed (apt-get install chromium chromium-driver, \
                     or set VELLUM_CHROMEDRIVER / VELLUM_CHROMIUM)"
                );
                // Straight to stderr, past the test harness's capture, so the
                // skip shows in a plain `cargo test`.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping browser test {test}: {missing} not installed \
                     (apt-get install chromium chromium-driver; VELLUM_E2E=1 makes this a failure)"
                );
                None
            }
        }
    }

    /// Start the browser found by [`locate`]; an error if it is missing.
    ///
    /// # Errors
    /// See [`Browser::launch_with`].
    pub fn launch() -> Result<Self, Error> {
        let driver = locate::chromedriver().ok_or_else(|| Error::new("chromedriver not found"))?;
        let chromium = locate::chromium().ok_or_else(|| Error::new("Chromium not found"))?;
        Self::launch_with(&driver, &chromium)
    }

    /// Start `chromedriver` on a free loopback port and open a session of
    /// `chromium` with [`CHROMIUM_FLAGS`], a new empty profile folder and the
    /// console log enabled. Waits while another [`Browser`] of this process
    /// is alive.
    ///
    /// # Errors
    /// chromedriver does not start or answer, or the session is refused.
    pub fn launch_with(chromedriver: &Path, chromium: &Path) -> Result<Self, Error> {
        let guard = ONE_BROWSER.lock().unwrap_or_else(PoisonError::into_inner);
        let profile = tempfile::Builder::new().prefix("vellum-e2e-profile-").tempdir()?;
        let (driver, driver_addr) = start_driver(chromedriver)?;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={},{}", WINDOW_SIZE.0, WINDOW_SIZE.1));
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 30_000 },
                    "goog:chromeOptions": { "binary": chromium, "args": args },
                    "goog:loggingPrefs": { "browser": "ALL" }
                }
            }
        });
        let mut browser =
            Self { driver, driver_addr, session: String::new(), _profile: profile, _one_browser: guard };
        let value = browser.call("POST", "/session", Some(&caps))?;
        browser.session = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| Error(format!("no sessionId in the new-session reply {value}")))?
            .to_owned();
        Ok(browser)
    }

    /// Navigate to `url` and wait for the page's `load` event.
    ///
    /// # Errors
    /// The page does not load.
    pub fn goto(&self, url: &str) -> Result<(), Error> {
        self.cmd("POST", "/url", Some(&json!({ "url": url }))).map(drop)
    }

    /// The URL of the current page.
    ///
    /// # Errors
    /// The browser does not answer.
    pub fn current_url(&self) -> Result<String, Error> {
        string(self.cmd("GET", "/url", None)?)
    }

    /// The current page's `<title>`.
    ///
    /// # Errors
    /// The browser does not answer.
    pub fn title(&self) -> Result<String, Error> {
        string(self.cmd("GET", "/title", None)?)
    }

    /// The first element matching the CSS `selector`.
    ///
    /// # Errors
    /// No element matches.
    pub fn find(&self, selector: &str) -> Result<Element<'_>, Error> {
        let v = self.cmd("POST", "/element", Some(&json!({ "using": "css selector", "value": selector })))?;
        self.element(&v).map_err(|e| Error(format!("finding {selector:?}: {e}")))
    }

    /// Every element matching the CSS `selector`, in document order.
    ///
    /// # Errors
    /// The selector is invalid or the browser does not answer.
    pub fn find_all(&self, selector: &str) -> Result<Vec<Element<'_>>, Error> {
        let v =
            self.cmd("POST", "/elements", Some(&json!({ "using": "css selector", "value": selector })))?;
        v.as_array()
            .ok_or_else(|| Error(format!("finding {selector:?}: not a list: {v}")))?
            .iter()
            .map(|e| self.element(e))
            .collect()
    }

    /// Wait up to `timeout` for an element matching `selector`.
    ///
    /// # Errors
    /// None appeared in time.
    pub fn wait_for(&self, selector: &str, timeout: Duration) -> Result<Element<'_>, Error> {
        self.wait_until(&format!("an element {selector:?}"), timeout, |_| {
            Ok(self.find_all(selector)?.into_iter().next())
        })
    }

    /// Call `check` every 50 ms until it returns `Some`, for at most
    /// `timeout`; `what` names the awaited thing in the error.
    ///
    /// # Errors
    /// `check` failed, or returned `None` until the time ran out.
    pub fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&Self) -> Result<Option<T>, Error>,
    ) -> Result<T, Error> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = check(self)? {
                return Ok(found);
            }
            if Instant::now() >= deadline {
                return Err(Error(format!("waited {timeout:?} for {what} in vain")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Run `script` (a function body: `arguments[i]` are `args`, `return`
    /// gives the result) in the page and return its result as JSON.
    ///
    /// # Errors
    /// The script threw, or the browser does not answer.
    pub fn execute(&self, script: &str, args: &[Value]) -> Result<Value, Error> {
        self.cmd("POST", "/execute/sync", Some(&json!({ "script": script, "args": args })))
    }

    /// Run `source` in every page this session opens from now on, before the
    /// page's own scripts (Chrome DevTools' `Page.addScriptToEvaluateOnNewDocument`,
    /// through chromedriver's `goog/cdp/execute`). For instrumentation, such
    /// as recording the `EventSource`s a page opens.
    ///
    /// # Errors
    /// The browser does not answer.
    pub fn add_init_script(&self, source: &str) -> Result<(), Error> {
        let params =
            json!({ "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": { "source": source } });
        self.cmd("POST", "/goog/cdp/execute", Some(&params)).map(drop)
    }

    /// A PNG of the viewport.
    ///
    /// # Errors
    /// The browser does not answer or sends invalid base64.
    pub fn screenshot_png(&self) -> Result<Vec<u8>, Error> {
        let b64 = string(self.cmd("GET", "/screenshot", None)?)?;
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| Error(format!("the screenshot is not base64: {e}")))
    }

    /// Save a screenshot as `<target>/e2e-artifacts/<name>.png` and print
    /// its path on stderr. Returns the path.
    ///
    /// # Errors
    /// Taking or writing the screenshot failed.
    pub fn save_screenshot(&self, name: &str) -> Result<PathBuf, Error> {
        let png = self.screenshot_png()?;
        let dir = crate::artifacts_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }

    /// The browser console's entries since the last call (chromedriver
    /// empties the log as it hands it out).
    ///
    /// # Errors
    /// The browser does not answer.
    pub fn console_log(&self) -> Result<Vec<LogEntry>, Error> {
        let v = self.cmd("POST", "/se/log", Some(&json!({ "type": "browser" })))?;
        let entries = v.as_array().ok_or_else(|| Error(format!("the browser log is not a list: {v}")))?;
        Ok(entries
            .iter()
            .map(|e| {
                let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
                LogEntry { level: field("level"), source: field("source"), message: field("message") }
            })
            .collect())
    }

    /// The `SEVERE` entries of [`Browser::console_log`]: `console.error`,
    /// uncaught exceptions and rejections, resources that failed to load.
    ///
    /// One is left out: the 404 of `/favicon.ico`, which Chromium requests on
    /// its own for every origin (no page asked for it).
    ///
    /// # Errors
    /// The browser does not answer.
    pub fn console_errors(&self) -> Result<Vec<LogEntry>, Error> {
        Ok(self.console_log()?.into_iter().filter(|e| e.level == "SEVERE" && !is_favicon_miss(e)).collect())
    }

    /// An error listing every console error since the last look, if any.
    ///
    /// # Errors
    /// There were console errors, or the browser does not answer.
    pub fn assert_no_console_errors(&self) -> Result<(), Error> {
        let errors = self.console_errors()?;
        if errors.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = errors.iter().map(|e| format!("  [{}] {}", e.source, e.message)).collect();
        Err(Error(format!("{} console error(s):\n{}", errors.len(), list.join("\n"))))
    }

    /// Run `check` with this browser; when it fails (an error or a panic),
    /// [`report_failure`](Browser::report_failure) first, then pass the
    /// failure on.
    ///
    /// # Errors
    /// `check`'s error.
    pub fn run_check<T>(
        &self,
        test: &str,
        check: impl FnOnce(&Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match std::panic::catch_unwind(AssertUnwindSafe(|| check(self))) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                self.report_failure(test);
                Err(e)
            }
            Err(panic) => {
                self.report_failure(test);
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// After a failed check: print the current URL and the console errors on
    /// stderr and save `<test>-failed.png`, best effort (the browser may be
    /// the thing that failed).
    pub fn report_failure(&self, test: &str) {
        eprintln!("--- {test} failed; the browser was at {}", self.current_url().unwrap_or_else(|e| e.0));
        match self.console_errors() {
            Ok(errors) if errors.is_empty() => eprintln!("no console errors"),
            Ok(errors) => {
                errors.iter().for_each(|e| eprintln!("console error: [{}] {}", e.source, e.message))
            }
            Err(e) => eprintln!("no console log: {e}"),
        }
        if let Err(e) = self.save_screenshot(&format!("{test}-failed")) {
            eprintln!("no screenshot: {e}");
        }
    }

    fn element(&self, v: &Value) -> Result<Element<'_>, Error> {
        let id = v
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .ok_or_else(|| Error(format!("not an element: {v}")))?;
        Ok(Element { browser: self, id: id.to_owned() })
    }

    /// A command of this session: `/session/{id}` + `path`.
    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Error> {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// One WebDriver call; returns the reply's `value`, or its error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Error> {
        let bytes = body.map(serde_json::to_vec).transpose()?;
        let reply = request(self.driver_addr, method, path, bytes.as_deref(), COMMAND_TIMEOUT)?;
        let mut json: Value = serde_json::from_slice(&reply.body).map_err(|e| {
            Error(format!("{method} {path}: HTTP {}: not JSON ({e}): {}", reply.status, reply.text()))
        })?;
        let value = json.get_mut("value").map(Value::take).unwrap_or(Value::Null);
        if reply.status == 200 {
            return Ok(value);
        }
        let field = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        Err(Error(format!("{method} {path}: {} ({}): {}", field("error"), reply.status, field("message"))))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Chromium quits with its session; chromedriver goes next.
            let _ = request(
                self.driver_addr,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
                Duration::from_secs(20),
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A node of the current page, found by [`Browser::find`] and friends.
#[derive(Debug, Clone)]
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl Element<'_> {
    /// The rendered text (as the user sees it: hidden parts left out).
    ///
    /// # Errors
    /// The element is gone or the browser does not answer.
    pub fn text(&self) -> Result<String, Error> {
        string(self.cmd("GET", "/text", None)?)
    }

    /// The attribute `name` as written in the HTML, if present.
    ///
    /// # Errors
    /// The element is gone or the browser does not answer.
    pub fn attr(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(self.cmd("GET", &format!("/attribute/{name}"), None)?.as_str().map(str::to_owned))
    }

    /// The DOM property `name` (e.g. `href` resolved to an absolute URL).
    ///
    /// # Errors
    /// The element is gone or the browser does not answer.
    pub fn property(&self, name: &str) -> Result<Value, Error> {
        self.cmd("GET", &format!("/property/{name}"), None)
    }

    /// Whether the element is displayed.
    ///
    /// # Errors
    /// The element is gone or the browser does not answer.
    pub fn is_displayed(&self) -> Result<bool, Error> {
        Ok(self.cmd("GET", "/displayed", None)?.as_bool().unwrap_or(false))
    }

    /// Click it like a user: scrolled into view, a real mouse click in the middle.
    ///
    /// # Errors
    /// It cannot be clicked (hidden, covered, gone).
    pub fn click(&self) -> Result<(), Error> {
        self.cmd("POST", "/click", Some(&json!({}))).map(drop)
    }

    /// Focus it and type `text`, key by key.
    ///
    /// # Errors
    /// It cannot take keyboard input.
    pub fn send_keys(&self, text: &str) -> Result<(), Error> {
        self.cmd("POST", "/value", Some(&json!({ "text": text }))).map(drop)
    }

    /// Elements matching `selector` inside this one.
    ///
    /// # Errors
    /// The element is gone or the browser does not answer.
    pub fn find_all(&self, selector: &str) -> Result<Vec<Element<'_>>, Error> {
        let v =
            self.cmd("POST", "/elements", Some(&json!({ "using": "css selector", "value": selector })))?;
        v.as_array()
            .ok_or_else(|| Error(format!("finding {selector:?}: not a list: {v}")))?
            .iter()
            .map(|e| self.browser.element(e))
            .collect()
    }

    /// This element as a script argument for [`Browser::execute`].
    #[must_use]
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Error> {
        self.browser.cmd(method, &format!("/element/{}{path}", self.id), body)
    }
}

/// Chromium's own request for `/favicon.ico` at the site root, failing.
fn is_favicon_miss(e: &LogEntry) -> bool {
    e.source == "network"
        && e.message.split_whitespace().next().is_some_and(|url| {
            url.strip_prefix("http://")
                .or_else(|| url.strip_prefix("https://"))
                .and_then(|rest| rest.split_once('/'))
                .is_some_and(|(_, path)| path == "favicon.ico")
        })
}

fn string(v: Value) -> Result<String, Error> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(Error(format!("expected a string, got {other}"))),
    }
}

/// Start chromedriver on a free port and wait until it says it is ready.
/// A port taken between our probe and chromedriver's bind is retried.
fn start_driver(chromedriver: &Path) -> Result<(Child, SocketAddr), Error> {
    let mut last = Error::new("chromedriver did not start");
    for _ in 0..3 {
        let port = TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error(format!("cannot run {}: {e}", chromedriver.display())))?;
        match wait_ready(&mut child, addr) {
            Ok(()) => return Ok((child, addr)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                last = e;
            }
        }
    }
    Err(last)
}

fn wait_ready(child: &mut Child, addr: SocketAddr) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait()? {
            return Err(Error(format!("chromedriver exited at start ({status})")));
        }
        if let Ok(reply) = request(addr, "GET", "/status", None, Duration::from_secs(2))
            && let Ok(v) = serde_json::from_slice::<Value>(&reply.body)
            && v.pointer("/value/ready").and_then(Value::as_bool) == Some(true)
        {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error(format!("chromedriver did not answer on {addr} within 20 s")));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(source: &str, message: &str) -> LogEntry {
        LogEntry { level: "SEVERE".into(), source: source.into(), message: message.into() }
    }

    #[test]
    fn only_the_root_favicon_miss_is_ignored() {
        let miss = "http://127.0.0.1:4000/favicon.ico - Failed to load resource: the server responded with a status of 404 (Not Found)";
        assert!(is_favicon_miss(&entry("network", miss)));
        let nested = "http://127.0.0.1:4000/notes/favicon.ico - Failed to load resource: 404";
        assert!(!is_favicon_miss(&entry("network", nested)));
        assert!(!is_favicon_miss(&entry(
            "network",
            "http://127.0.0.1:4000/style.css - Failed to load resource"
        )));
        assert!(!is_favicon_miss(&entry("javascript", miss)));
    }
}
