//! The stdio transport: LSP base-protocol frames (`Content-Length` headers and
//! a JSON body) between the editor and an [`lsp_server::Connection`].
//!
//! `lsp_server` has a stdio transport of its own, but its reader stops for
//! good at the first frame that is not UTF-8 or not JSON, and the server then
//! exits. An editor can send such a frame (a buffer holding invalid UTF-8, a
//! plugin with a bug), and one bad message must not end the connection: here a
//! body that is not UTF-8 is read with U+FFFD in place of the bad bytes (the
//! document stays usable, and a warning says what happened), a body that is
//! not a JSON-RPC message is answered with a JSON-RPC parse error
//! (`id: null`, code -32700), and a frame larger than
//! [`MAX_FRAME_BYTES`] is skipped with the same error. Only the end of stdin,
//! or headers that cannot be read at all, end the reader.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Connection, Message, Notification};
use serde_json::json;

/// The largest frame read (64 MiB): four times the largest note vellum loads
/// (`vellum_vault::load::MAX_NOTE_BYTES`), JSON-escaped.
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// The threads behind a stdio [`Connection`]; join them after the server loop
/// returns, so that every queued message is written.
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
    /// Why the reader stopped, when stdin failed (not at its end).
    read_error: Arc<Mutex<Option<io::Error>>>,
}

impl IoThreads {
    /// Wait for the writer to flush what is queued. The reader may be blocked
    /// on stdin, so it is left to end with the process.
    ///
    /// # Errors
    /// When reading stdin or writing stdout failed.
    pub fn join(self) -> io::Result<()> {
        drop(self.reader);
        self.writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))?;
        match self.read_error.lock().unwrap_or_else(PoisonError::into_inner).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A connection over this process's stdin and stdout.
#[must_use]
pub fn stdio() -> (Connection, IoThreads) {
    let out: Arc<Mutex<Box<dyn Write + Send>>> = Arc::new(Mutex::new(Box::new(io::stdout())));
    let read_error = Arc::new(Mutex::new(None));
    let (conn, reader, writer) =
        over(Box::new(io::BufReader::new(io::stdin())), out, Arc::clone(&read_error));
    (conn, IoThreads { reader, writer, read_error })
}

type Shared = Arc<Mutex<Box<dyn Write + Send>>>;

/// A connection over any reader and writer (stdio, or pipes in tests).
fn over(
    input: Box<dyn BufRead + Send>,
    out: Shared,
    read_error: Arc<Mutex<Option<io::Error>>>,
) -> (Connection, thread::JoinHandle<()>, thread::JoinHandle<io::Result<()>>) {
    let (to_server, from_client) = bounded::<Message>(0);
    let (to_client, outgoing) = unbounded::<Message>();
    let raw = Arc::clone(&out);
    let writer = thread::spawn(move || write_loop(&outgoing, &out));
    let notes = to_client.clone();
    let reader = thread::spawn(move || {
        if let Err(e) = read_loop(input, &to_server, &notes, &raw) {
            *read_error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
        }
    });
    (Connection { sender: to_client, receiver: from_client }, reader, writer)
}

fn write_loop(outgoing: &Receiver<Message>, out: &Shared) -> io::Result<()> {
    for msg in outgoing {
        let mut w = out.lock().unwrap_or_else(PoisonError::into_inner);
        msg.write(&mut *w)?;
        w.flush()?;
    }
    Ok(())
}

/// Write one raw frame (for the parse-error response, whose `id` is `null`,
/// which [`Message`] cannot express).
fn write_raw(out: &Shared, body: &str) {
    let mut w = out.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = write!(w, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|()| w.flush());
}

fn parse_error(out: &Shared, message: &str) {
    let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": message}});
    write_raw(out, &body.to_string());
}

fn warn(to_client: &Sender<Message>, message: String) {
    let params = json!({"type": 2, "message": message});
    let _ = to_client.send(Message::Notification(Notification::new("window/logMessage".to_owned(), params)));
}

/// Read frames until the end of input (`Ok`), a failing stdin (`Err`) or
/// `exit`.
fn read_loop(
    mut input: Box<dyn BufRead + Send>,
    to_server: &Sender<Message>,
    to_client: &Sender<Message>,
    out: &Shared,
) -> io::Result<()> {
    loop {
        let frame = match read_frame(&mut input) {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(FrameError::Io(e)) => return Err(e),
            Err(FrameError::Header(m)) => {
                parse_error(out, &m);
                continue;
            }
        };
        let Frame::Body(bytes) = frame else {
            parse_error(out, &format!("message larger than {MAX_FRAME_BYTES} bytes; skipped"));
            continue;
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                warn(
                    to_client,
                    "vellum: a message held invalid UTF-8; the bad bytes were read as U+FFFD".to_owned(),
                );
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        let msg: Message = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(e) => {
                parse_error(out, &format!("not a JSON-RPC message: {e}"));
                continue;
            }
        };
        let is_exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
        if to_server.send(msg).is_err() || is_exit {
            return Ok(());
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    TooLarge,
}

enum FrameError {
    Io(io::Error),
    Header(String),
}

/// Read one frame: headers up to an empty line, then `Content-Length` bytes.
/// `Ok(None)` at the end of input.
fn read_frame(input: &mut dyn BufRead) -> Result<Option<Frame>, FrameError> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = input.read_until(b'\n', &mut line).map_err(FrameError::Io)?;
        if n == 0 {
            return if saw_header {
                Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into()))
            } else {
                Ok(None)
            };
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !saw_header {
                continue;
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length else {
        return Err(FrameError::Header("a message without a valid Content-Length header".to_owned()));
    };
    if length > MAX_FRAME_BYTES {
        io::copy(&mut input.take(length as u64), &mut io::sink()).map_err(FrameError::Io)?;
        return Ok(Some(Frame::TooLarge));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(FrameError::Io)?;
    Ok(Some(Frame::Body(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects what the transport writes.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        f.extend_from_slice(body);
        f
    }

    #[test]
    fn bad_frames_are_answered_and_reading_goes_on() {
        let mut input = Vec::new();
        input.extend(frame(b"{not json"));
        input.extend(b"X-Other: 1\r\n\r\n");
        let mut bad_utf8 =
            br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"text":""#.to_vec();
        bad_utf8.extend([0xff, 0xfe]);
        bad_utf8.extend(br#""}}"#);
        input.extend(frame(&bad_utf8));
        input.extend(frame(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#));
        let sink = Sink::default();
        let out: Shared = Arc::new(Mutex::new(Box::new(sink.clone())));
        let (conn, reader, writer) = over(Box::new(io::Cursor::new(input)), out, Arc::default());
        let first = conn.receiver.recv().expect("the didChange");
        match first {
            Message::Notification(n) => {
                assert_eq!(n.method, "textDocument/didChange");
                assert_eq!(n.params["text"], "\u{FFFD}\u{FFFD}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(conn.receiver.recv(), Ok(Message::Request(r)) if r.method == "shutdown"));
        reader.join().expect("reader ends at the end of input");
        drop(conn);
        writer.join().expect("writer thread").expect("writes");
        let written = String::from_utf8(sink.0.lock().expect("lock").clone()).expect("utf8");
        assert_eq!(written.matches("-32700").count(), 2, "{written}");
        assert!(written.contains("invalid UTF-8"), "{written}");
    }

    #[test]
    fn oversized_frames_are_skipped() {
        let mut input = format!("Content-Length: {}\r\n\r\n", MAX_FRAME_BYTES + 1).into_bytes();
        input.resize(input.len() + MAX_FRAME_BYTES + 1, b' ');
        input.extend(frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        let mut r = io::Cursor::new(input);
        assert!(matches!(read_frame(&mut r), Ok(Some(Frame::TooLarge))));
        assert!(matches!(read_frame(&mut r), Ok(Some(Frame::Body(_)))));
        assert!(matches!(read_frame(&mut r), Ok(None)));
    }
}
