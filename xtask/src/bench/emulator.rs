//! The emulator as a process of its own (`imagegen-sim`), so that what the
//! benchmark measures of the client is the client's alone, and the few
//! control requests the benchmark makes to it (plain HTTP/1.1 on loopback).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `imagegen-sim`, stopped when dropped.
pub(crate) struct Emulator {
    child: Child,
    /// `127.0.0.1:PORT` of its API listener.
    api: String,
}

impl Emulator {
    /// Starts `binary` with predictions finishing after `completion`.
    pub(crate) fn start(binary: &Path, completion: Duration) -> Result<Self, String> {
        Self::start_with(binary, &completion.as_millis().to_string())
    }

    /// Starts `binary` with `--completion-ms completion` (`5000`, `1000-3000`).
    pub(crate) fn start_with(binary: &Path, completion: &str) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .args(["--port", "0", "--completion-ms", completion])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
        // The banner's first line: "imagegen-sim: API on http://127.0.0.1:PORT, assets on ...".
        let mut stdout = BufReader::new(stdout);
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .map_err(|error| format!("cannot read the emulator's banner: {error}"))?;
        // Keep reading what else it prints, so it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let api = first
            .split("API on http://")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .map(str::to_owned)
            .ok_or_else(|| format!("unexpected emulator banner: {first:?}"))?;
        Ok(Emulator { child, api })
    }

    /// `http://127.0.0.1:PORT/<provider>`, the base URL of one provider.
    pub(crate) fn base_url(&self, provider: &str) -> String {
        format!("http://{}/{provider}", self.api)
    }

    /// What it saw, as `GET /__sim/log` answers it.
    pub(crate) fn log(&self) -> Result<serde_json::Value, String> {
        let body = self.request("GET", "/__sim/log")?;
        serde_json::from_slice(&body).map_err(|error| format!("the log is not JSON: {error}"))
    }

    /// Forgets every prediction and log entry.
    pub(crate) fn reset(&self) -> Result<(), String> {
        self.request("POST", "/__sim/reset").map(|_| ())
    }

    /// Adds a fault rule (`POST /__sim/faults`).
    pub(crate) fn inject(&self, rule: &serde_json::Value) -> Result<(), String> {
        self.send("POST", "/__sim/faults", rule.to_string().as_bytes())
            .map(|_| ())
    }

    fn request(&self, method: &str, path: &str) -> Result<Vec<u8>, String> {
        self.send(method, path, b"")
    }

    fn send(&self, method: &str, path: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let failed = |error: std::io::Error| format!("{method} {path}: {error}");
        let mut stream = TcpStream::connect(&self.api).map_err(failed)?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(failed)?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.api,
            body.len()
        )
        .and_then(|()| stream.write_all(body))
        .map_err(failed)?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(failed)?;
        let split = answer
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .ok_or_else(|| format!("{method} {path}: no HTTP header in the answer"))?;
        let head = String::from_utf8_lossy(&answer[..split]).into_owned();
        if !head.starts_with("HTTP/1.1 2") {
            return Err(format!(
                "{method} {path}: {}",
                head.lines().next().unwrap_or("")
            ));
        }
        let body = answer[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            return Ok(dechunk(&body));
        }
        Ok(body)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The payload of a chunked body.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&body[..end])
            .ok()
            .and_then(|line| usize::from_str_radix(line.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || body.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[(end + 2 + size + 2).min(body.len())..];
    }
    out
}
