//! A throwaway PostgreSQL server for tests: started from the installed server
//! binaries in a temporary folder, reached on a Unix socket in that folder,
//! stopped and deleted when dropped (also when a test panics).
//!
//! The binaries are found in `$INCIDENT_PG_BIN`, else in Debian's
//! `/usr/lib/postgresql/<version>/bin` (the newest), else on `PATH`. Where
//! there are none, [`PostgresServer::start`] fails with
//! [`ServerError::NotInstalled`], whose message names the package to install:
//! tests fail rather than skip. PostgreSQL refuses to run as root, so as
//! root the server runs as the `postgres` system user (Debian's package
//! creates it). A server whose test process died without stopping it is
//! stopped by the next [`PostgresServer::start`].
//!
//! ```no_run
//! use incident_store::{PostgresStore, Store};
//! use incident_store::throwaway::PostgresServer;
//!
//! let server = PostgresServer::start()?;
//! let mut store = PostgresStore::connect(&server.create_database("demo")?)?;
//! assert!(store.incidents()?.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};

/// The superuser the throwaway cluster is created with.
const SUPERUSER: &str = "incident";
/// The port only names the socket file: the server listens on no TCP port.
const PORT: u16 = 5432;

/// Why the server could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// No server binaries were found.
    #[error(
        "no PostgreSQL server binaries (initdb, pg_ctl) in $INCIDENT_PG_BIN, \
         /usr/lib/postgresql/*/bin or PATH: install them (Debian: `apt-get install postgresql`)"
    )]
    NotInstalled,
    /// Running as root, and there is no `postgres` user to run the server as.
    #[error(
        "PostgreSQL refuses to run as root and /etc/passwd has no `postgres` user \
         (Debian's `apt-get install postgresql` creates it)"
    )]
    NoPostgresUser,
    /// A step failed.
    #[error("{step}: {detail}")]
    Failed {
        /// What was being done.
        step: &'static str,
        /// What went wrong (the tool's output, or the error).
        detail: String,
    },
}

fn failed(step: &'static str) -> impl Fn(String) -> ServerError {
    move |detail| ServerError::Failed { step, detail }
}

/// A running throwaway server; dropping it stops the server and deletes its
/// folder.
#[derive(Debug)]
pub struct PostgresServer {
    dir: PathBuf,
    bin: PathBuf,
    run_as: Option<(u32, u32)>,
    durable: bool,
}

impl PostgresServer {
    /// Creates a cluster in a new temporary folder and starts it.
    ///
    /// # Errors
    ///
    /// [`ServerError::NotInstalled`] without server binaries; the failing
    /// step otherwise.
    pub fn start() -> Result<Self, ServerError> {
        Self::start_from(&find_binaries().ok_or(ServerError::NotInstalled)?)
    }

    /// [`PostgresServer::start`] as a production server runs: `fsync`,
    /// `synchronous_commit` and `full_page_writes` on (the default server
    /// turns them off, for speed), so that a commit is on disk when it
    /// returns and survives [`PostgresServer::kill`]; and what a
    /// throughput figure is measured against.
    ///
    /// # Errors
    ///
    /// As [`PostgresServer::start`].
    pub fn start_durable() -> Result<Self, ServerError> {
        let bin = find_binaries().ok_or(ServerError::NotInstalled)?;
        Self::start_as(&bin, true)
    }

    /// [`PostgresServer::start`] with the server binaries in `bin`.
    ///
    /// # Errors
    ///
    /// [`ServerError::NotInstalled`] when `bin` lacks `initdb` or `pg_ctl`;
    /// the failing step otherwise.
    pub fn start_from(bin: &Path) -> Result<Self, ServerError> {
        Self::start_as(bin, false)
    }

    fn start_as(bin: &Path, durable: bool) -> Result<Self, ServerError> {
        if !has_tools(bin) {
            return Err(ServerError::NotInstalled);
        }
        let bin = bin.to_owned();
        let run_as = if is_root() {
            Some(postgres_user().ok_or(ServerError::NoPostgresUser)?)
        } else {
            None
        };
        stop_abandoned(&bin, run_as);
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "incident-pg-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| failed("create the folder")(e.to_string()))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| failed("hand the folder to the postgres user")(e.to_string()))?;
        }
        // From here on, dropping `server` cleans up whatever was made.
        let server = PostgresServer {
            dir,
            bin,
            run_as,
            durable,
        };
        server.run("initdb", &server.initdb_args())?;
        server.run("pg_ctl start", &server.start_args())?;
        Ok(server)
    }

    /// The folder holding the socket (`host=` of a connection string).
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The connection string of database `dbname`.
    pub fn params(&self, dbname: &str) -> String {
        format!(
            "host={} port={PORT} user={SUPERUSER} dbname={dbname}",
            self.dir.display()
        )
    }

    /// Creates database `name` and returns its connection string.
    ///
    /// # Errors
    ///
    /// The server's refusal, e.g. for a name already taken.
    pub fn create_database(&self, name: &str) -> Result<String, ServerError> {
        let mut client = Client::connect(&self.params("postgres"), NoTls)
            .map_err(|e| failed("connect")(e.to_string()))?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{}\"", name.replace('"', "")))
            .map_err(|e| failed("create database")(e.to_string()))?;
        Ok(self.params(name))
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Kills the server with SIGKILL, as a crash would (no shutdown, no
    /// checkpoint: the next start recovers from the write-ahead log), and
    /// waits until its processes are gone.
    ///
    /// # Errors
    ///
    /// When the server is not running or cannot be killed.
    pub fn kill(&self) -> Result<(), ServerError> {
        let pid_file = self.data().join("postmaster.pid");
        let pid = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
            .ok_or_else(|| failed("kill")("no postmaster.pid".to_owned()))?;
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .map_err(|e| failed("kill")(e.to_string()))?;
        if !killed.success() {
            return Err(failed("kill")(format!("kill -KILL {pid}: {killed}")));
        }
        // The backends notice their postmaster is gone and exit; a new one
        // cannot start while they hold its shared memory.
        let proc = Path::new("/proc").join(pid.to_string());
        while proc.exists() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(())
    }

    /// Starts the server again after [`PostgresServer::kill`], retrying
    /// while the killed server's backends are still leaving.
    ///
    /// # Errors
    ///
    /// The last failure of `pg_ctl start` after about 30 s of tries.
    pub fn restart(&self) -> Result<(), ServerError> {
        let mut tries = 0;
        loop {
            match self.run("pg_ctl start", &self.start_args()) {
                Ok(_) => return Ok(()),
                Err(e) if tries >= 60 => return Err(e),
                Err(_) => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
            }
        }
    }

    fn initdb_args(&self) -> Vec<String> {
        let data = self.data().display().to_string();
        [
            "-D",
            &data,
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]
        .map(String::from)
        .to_vec()
    }

    fn start_args(&self) -> Vec<String> {
        // No TCP, a socket in our folder; durability is not what a throwaway
        // server is for, unless asked.
        let durability = if self.durable {
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
        } else {
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        };
        let options = format!(
            "-k {} -p {PORT} -c listen_addresses='' {durability} -c max_connections=60",
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        let data = self.data().display().to_string();
        [
            "start", "-w", "-t", "60", "-D", &data, "-l", &log, "-o", &options,
        ]
        .map(String::from)
        .to_vec()
    }

    /// Runs a server tool (`initdb`, `pg_ctl …`) as the server's user.
    fn run(&self, step: &'static str, args: &[String]) -> Result<Output, ServerError> {
        let tool = step.split(' ').next().unwrap_or(step);
        let mut cmd = Command::new(self.bin.join(tool));
        cmd.args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .env("LC_ALL", "C");
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        let out = cmd.output().map_err(|e| failed(step)(e.to_string()))?;
        if out.status.success() {
            return Ok(out);
        }
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        Err(failed(step)(format!(
            "{}\n{}{}{log}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let data = self.data().display().to_string();
        if self.data().join("postmaster.pid").exists() {
            // Immediate: the data is thrown away anyway.
            let args = ["stop", "-w", "-m", "immediate", "-D", &data].map(String::from);
            if let Err(e) = self.run("pg_ctl stop", &args) {
                eprintln!("throwaway PostgreSQL: {e}");
            }
        }
        // Nothing to do about a folder that will not go: it is in the temp dir.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Stops and deletes the servers of test processes that died without
/// dropping theirs (killed, or aborted by a panic in a destructor): their
/// folders name their process, which is gone.
fn stop_abandoned(bin: &Path, run_as: Option<(u32, u32)>) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("incident-pg-"))
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if Path::new("/proc").join(pid).exists() {
            continue;
        }
        // Dropping stops the server and deletes the folder.
        drop(PostgresServer {
            dir: entry.path(),
            bin: bin.to_owned(),
            run_as,
            durable: false,
        });
    }
}

/// The folder with `initdb` and `pg_ctl`.
fn find_binaries() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("INCIDENT_PG_BIN").map(PathBuf::from) {
        return has_tools(&dir).then_some(dir);
    }
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| has_tools(bin))
        .max();
    if let Some((_, bin)) = debian {
        return Some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|dir| has_tools(dir))
}

fn has_tools(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// Whether this process runs as root.
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // `/proc/self` is owned by the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The uid and gid of the `postgres` user, from /etc/passwd.
fn postgres_user() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != "postgres" {
            return None;
        }
        let uid = fields.nth(1)?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some((uid, gid))
    })
}
