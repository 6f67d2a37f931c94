//! The status page as people see it: headless Chromium, driven over
//! WebDriver (chromedriver), loads it from the running service with the
//! real incidents fed through it, and the test reads what a person reads
//! (the page's `innerText`), checks a phone-wide window needs no sideways
//! scrolling, and writes screenshots to `target/screenshots/` for a person
//! to look at (`UPDATE_SCREENSHOTS=1` also writes the README's copy under
//! `docs/images/`).
//!
//! It needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them). Without them it fails; only `INCIDENT_SKIP_BROWSER=1` lets a
//! machine without a browser skip it, saying so loudly.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use incident_playbook::Replay;
use incident_playbook::public::PublicIncident;
use incident_service::StatusOptions;
use serde_json::{Value, json};

mod common;
mod public;
use common::block;
use public::{TOKEN, database, internal_strings, leaks, real_incidents, serve_streams, tokens};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A phone's width in CSS pixels (and a tall enough window to hold it).
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1100, 1000);

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
}

impl Driver {
    /// `None` only when the browser is missing and the environment allows
    /// skipping; otherwise a missing browser fails the test.
    fn start() -> Option<Driver> {
        if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
            let why = format!(
                "{CHROMIUM} or {CHROMEDRIVER} is missing: `apt-get install chromium chromium-driver`"
            );
            assert!(
                std::env::var_os("INCIDENT_SKIP_BROWSER").is_some(),
                "{why} (INCIDENT_SKIP_BROWSER=1 skips this test on a machine without them)"
            );
            eprintln!("\n!!! SKIPPED: the browser test did not run: {why} !!!\n");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let profile =
            std::env::temp_dir().join(format!("incident-chromium-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
        };
        // Until it listens: not a timing under test, a start-up.
        let until = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(driver)
    }

    /// A browser session: headless Chromium with a fresh profile, no
    /// network of its own (the machine's is closed), a phone-wide window.
    async fn session(&self) -> Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", self.profile.display()),
            &format!("--window-size={},{}", PHONE.0, PHONE.1),
        ];
        let capabilities = json!({
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// What a person sees of one page in one window size.
struct Seen {
    /// `document.body.innerText`: the text as rendered.
    text: String,
    /// The page's width and the window's: equal when nothing scrolls sideways.
    scroll_width: u64,
    inner_width: u64,
    scripts: u64,
}

/// Loads `url` in a window `size` wide and reads it.
async fn look(client: &Client, url: &str, size: (u32, u32)) -> Seen {
    client.set_window_size(size.0, size.1).await.unwrap();
    client.goto(url).await.unwrap();
    let seen = client
        .execute(
            "return [document.body.innerText, document.documentElement.scrollWidth, \
             window.innerWidth, document.scripts.length]",
            vec![],
        )
        .await
        .unwrap();
    Seen {
        text: seen[0].as_str().unwrap().to_owned(),
        scroll_width: seen[1].as_u64().unwrap(),
        inner_width: seen[2].as_u64().unwrap(),
        scripts: seen[3].as_u64().unwrap(),
    }
}

/// A screenshot of the page in a window `width` wide, as tall as the page
/// (`height` `None`) or `height` tall (its top), written to
/// `target/screenshots/NAME.png` (and returned).
async fn screenshot(client: &Client, width: u32, height: Option<u32>, name: &str) -> PathBuf {
    let whole = client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    let whole = u32::try_from(whole).unwrap().clamp(200, 12_000);
    let height = height.unwrap_or(whole);
    client.set_window_size(width, height).await.unwrap();
    // The window's size holds the browser's own frame: grow it until the
    // page's viewport is `height` tall.
    let inner = client
        .execute("return window.innerHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    let frame = height.saturating_sub(u32::try_from(inner).unwrap());
    client.set_window_size(width, height + frame).await.unwrap();
    let png = client.screenshot().await.unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
    path
}

/// The README's copy, rewritten only when asked (`UPDATE_SCREENSHOTS=1`).
fn update_readme_copy(shot: &Path, name: &str) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let images = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/images");
        std::fs::create_dir_all(images).unwrap();
        std::fs::copy(shot, Path::new(images).join(format!("{name}.png"))).unwrap();
    }
}

#[test]
fn the_status_page_as_a_person_sees_it() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let incidents = real_incidents();
    let streams: Vec<(&str, &incident_playbook::Playbook)> =
        incidents.iter().map(|(_, s, p)| (s.as_str(), p)).collect();
    let path = database("browser");
    // Behind tokens: the status page needs none, the timeline does.
    let running = serve_streams(&path, &streams, tokens(), StatusOptions::default());
    let status_url = running.url("/status");

    block(async {
        let client = driver.session().await;
        let phone = look(&client, &status_url, PHONE).await;
        // Readable on a phone: nothing wider than the window; no script.
        assert!(
            phone.scroll_width <= phone.inner_width,
            "{} > {}",
            phone.scroll_width,
            phone.inner_width
        );
        assert_eq!(phone.scripts, 0);
        let shot = screenshot(&client, PHONE.0, None, "status-phone").await;
        assert!(std::fs::metadata(shot).unwrap().len() > 0);
        screenshot(&client, PHONE.0, Some(PHONE.1), "status-phone-top").await;
        let desktop = look(&client, &status_url, DESKTOP).await;
        screenshot(&client, DESKTOP.0, None, "status-desktop").await;
        let shot = screenshot(&client, DESKTOP.0, Some(DESKTOP.1), "status-page").await;
        update_readme_copy(&shot, "status-page");
        let timeline = look_at_timeline(&client, &running.url(""), GITLAB).await;
        client.close().await.unwrap();

        // The timeline's visible labels: the title, the rows, the milestones.
        for label in [
            "Timeline: GitLab.com database incident: production data removed",
            "Milestones",
            "Declared 01-31 21:34",
            "Mitigations",
            "Updates: public",
        ] {
            assert!(timeline.contains(label), "{label}: {timeline}");
        }

        for seen in [&phone, &desktop] {
            assert_public_text_shown(&seen.text, &incidents);
        }
    });
}

/// GitLab's incident (its id in the stream).
const GITLAB: &str = "676aa49b-d8d1-5e80-8c8f-3988dcb5c44e";

/// The timeline of `incident` as a reader with a token sees it: a browser
/// sends no `Authorization` header on its own, so the SVG is fetched with
/// the token from a page of the service (after checking that it is refused
/// without), and shown as a document of its own. Returns its text (the
/// labels) and writes `timeline.png` (`gitlab-timeline.png`, the README's copy on request).
async fn look_at_timeline(client: &Client, base: &str, incident: &str) -> String {
    // A page of the same origin whose policy lets a script fetch.
    client.goto(&format!("{base}/health/live")).await.unwrap();
    // As the incident stood after its close, so the picture is the same
    // on every run.
    let url = format!("{base}/incidents/{incident}/timeline.svg?now=2017-02-11T00:00:00Z");
    let fetch = "const [url, token, done] = arguments; \
        const headers = token ? {Authorization: 'Bearer ' + token} : {}; \
        fetch(url, {headers}).then(r => r.text().then(t => done([r.status, t, \
        r.headers.get('content-type')])))";
    let refused = client
        .execute_async(fetch, vec![json!(url), json!(null)])
        .await
        .unwrap();
    assert_eq!(refused[0], 401);
    let answer = client
        .execute_async(fetch, vec![json!(url), json!(TOKEN)])
        .await
        .unwrap();
    assert_eq!(
        (&answer[0], &answer[2]),
        (&json!(200), &json!("image/svg+xml; charset=utf-8"))
    );
    let blob = client
        .execute(
            "return URL.createObjectURL(new Blob([arguments[0]], {type: 'image/svg+xml'}))",
            vec![answer[1].clone()],
        )
        .await
        .unwrap();
    client.goto(blob.as_str().unwrap()).await.unwrap();
    let seen = client
        .execute(
            "const svg = document.documentElement; \
             return [svg.localName, Array.from(svg.querySelectorAll('text'), t => t.textContent).join('\\n'), \
             svg.getAttribute('height')]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(seen[0], "svg");
    let height: u32 = seen[2].as_str().unwrap().parse().unwrap();
    let shot = screenshot(client, 1200, Some(height), "timeline").await;
    update_readme_copy(&shot, "gitlab-timeline");
    seen[1].as_str().unwrap().to_owned()
}

/// `text` shows every real incident's public title and each of its public
/// posts, says how many are open as the public was told (CircleCI's last
/// public word was "mitigating": it stays open on the page), and shows no
/// internal string of any of them.
fn assert_public_text_shown(
    text: &str,
    incidents: &[(String, String, incident_playbook::Playbook)],
) {
    let mut open = 0;
    for (name, stream, playbook) in incidents {
        let mut replay = Replay::new(playbook.clone());
        stream.lines().for_each(|l| {
            replay.line(l);
        });
        let incident = replay.incidents().iter().next().unwrap();
        let shown = PublicIncident::of(incident).unwrap();
        open += usize::from(shown.is_open());
        assert!(
            text.contains(shown.title.as_str()),
            "{name}: {}",
            shown.title
        );
        for post in &shown.posts {
            assert!(text.contains(post.update.impact().as_str()), "{name}");
            assert!(text.contains(post.update.action().as_str()), "{name}");
        }
        let internal = internal_strings(stream, playbook);
        assert_eq!(
            leaks(&internal, &[text.to_owned()]),
            Vec::<&str>::new(),
            "{name}"
        );
    }
    assert_eq!(open, 1);
    assert!(text.contains("1 open incident\n"), "{text}");
    assert!(!text.contains("All systems operational"));
}
