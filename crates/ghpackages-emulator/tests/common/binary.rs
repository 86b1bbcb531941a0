//! The emulator binary as a child process: the one way the tests start it
//! and read the URL it prints first.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `ghpackages-emulator`; killed when dropped, so a failing test
/// leaves no process behind.
pub struct Binary {
    pub child: Child,
    pub base_url: String,
}

impl Binary {
    /// `ghpackages-emulator --port 0 ARGS`, stderr inherited.
    pub fn start(args: &[&str]) -> Binary {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"));
        command
            .args(["--port", "0"])
            .args(args)
            .stderr(Stdio::inherit());
        Binary::spawn(command)
    }

    /// `command` (the binary, with its arguments and stderr set up) started,
    /// its stdout read up to the URL.
    pub fn spawn(mut command: Command) -> Binary {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout is piped"))
            .read_line(&mut line)
            .expect("the emulator prints its URL");
        let base_url = line.trim().to_owned();
        assert!(base_url.starts_with("http://127.0.0.1:"), "{line:?}");
        Binary { child, base_url }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
