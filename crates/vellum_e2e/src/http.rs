//! A minimal HTTP/1.1 client for loopback services (chromedriver, the test
//! servers): one request per connection, `Content-Length` or chunked
//! responses, a timeout on every read and write.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::Error;

/// A response: status code, lower-cased headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code (`200`, `404`…).
    pub status: u16,
    /// The headers, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (give it lower-cased).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Send `method path` to `addr` with an optional JSON `body` and read the
/// whole response. Every read and write waits at most `timeout`.
///
/// # Errors
/// Connecting, writing or reading failed, or the response is not HTTP.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
    timeout: Duration,
) -> Result<Response, Error> {
    let fail = |what: &str, e: std::io::Error| Error(format!("{method} http://{addr}{path}: {what}: {e}"));
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| fail("connect", e))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| fail("socket", e))?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| fail("socket", e))?;
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: */*\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).map_err(|e| fail("write", e))?;
    stream.write_all(body).map_err(|e| fail("write", e))?;
    stream.flush().map_err(|e| fail("write", e))?;
    read_response(&mut BufReader::new(stream))
        .map_err(|e| Error(format!("{method} http://{addr}{path}: {e}")))
}

/// Parse one HTTP/1.1 response from `r`.
///
/// # Errors
/// Reading failed or the bytes are not an HTTP response.
pub fn read_response(r: &mut impl BufRead) -> Result<Response, Error> {
    let status_line = read_line(r)?;
    let mut parts = status_line.splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Err(Error(format!("not an HTTP status line: {status_line:?}")));
    };
    if !version.starts_with("HTTP/") {
        return Err(Error(format!("not an HTTP status line: {status_line:?}")));
    }
    let status = code.parse::<u16>().map_err(|_| Error(format!("bad status code in {status_line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(r)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Error(format!("bad header line {line:?}")));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut response = Response { status, headers, body: Vec::new() };
    let chunked = response.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    if chunked {
        loop {
            let size_line = read_line(r)?;
            let size_hex = size_line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16)
                .map_err(|_| Error(format!("bad chunk size {size_line:?}")))?;
            if size == 0 {
                // Trailers, then the empty line; a peer that closes early is fine.
                while !read_line(r).unwrap_or_default().is_empty() {}
                break;
            }
            let start = response.body.len();
            response.body.resize(start + size, 0);
            r.read_exact(&mut response.body[start..]).map_err(|e| Error(format!("reading a chunk: {e}")))?;
            read_line(r)?;
        }
    } else if let Some(len) = response.header("content-length") {
        let len = len.parse::<usize>().map_err(|_| Error(format!("bad Content-Length {len:?}")))?;
        response.body.resize(len, 0);
        r.read_exact(&mut response.body).map_err(|e| Error(format!("reading the body: {e}")))?;
    } else {
        r.read_to_end(&mut response.body).map_err(|e| Error(format!("reading the body: {e}")))?;
    }
    Ok(response)
}

/// One CRLF- (or LF-) terminated line without its terminator.
fn read_line(r: &mut impl BufRead) -> Result<String, Error> {
    let mut buf = Vec::new();
    let n = r.read_until(b'\n', &mut buf).map_err(|e| Error(format!("reading: {e}")))?;
    if n == 0 {
        return Err(Error("the connection closed mid-response".into()));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf).map_err(|_| Error("a header line is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Response, Error> {
        read_response(&mut raw.as_bytes())
    }

    #[test]
    fn content_length_body() {
        let r =
            parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n{}{}extra")
                .expect("parses");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.text(), "{}{}");
    }

    #[test]
    fn chunked_body() {
        let r = parse("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
            .expect("parses");
        assert_eq!(r.status, 404);
        assert_eq!(r.text(), "abcde");
    }

    #[test]
    fn body_until_close() {
        let r = parse("HTTP/1.0 200 OK\nServer: x\n\nall of it").expect("parses");
        assert_eq!(r.text(), "all of it");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(parse("").is_err());
        assert!(parse("HTTP/1.1 abc OK\r\n\r\n").is_err());
        assert!(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").is_err());
    }
}
