//! The public status page and its feed over real HTTP: what they show,
//! that they need no token, and that nothing internal reaches them. The
//! leak test's detector is shown to fire: the same stream with one
//! internal update made public is caught.

use incident_playbook::Playbook;
use incident_service::{Auth, StatusOptions};
use serde_json::Value;
use std::collections::BTreeSet;

mod common;
mod public;
use public::{
    case, database, feed_texts, get, internal_strings, leaks, page_texts, post_lines,
    real_incident, serve_streams, tokens,
};

const OKTA: &str = "okta-2023-10-20";
/// Okta's title before disclosure, an internal update, the notice to
/// customers: what the leak test must find nothing of.
const INTERNAL_TITLE: &str =
    "Customer reports a session hijack after sharing a HAR file with support";
const INTERNAL_UPDATE: &str = "Files of 134 customers accessed";
const CUSTOMERS_NOTICE: &str = "A security incident in Okta's support system touched files your organization shared with support";
const PUBLIC_TITLE: &str = "Unauthorized access to files in Okta's customer support system";
/// An incident never made public.
const NEVER_PUBLIC: &str = "happy-sev1-full-lifecycle";

/// Every internal string of Okta's stream and of the never-public one.
fn internal(okta: &str, playbook: &Playbook) -> BTreeSet<String> {
    let mut internal = internal_strings(okta, playbook);
    internal.extend(internal_strings(&case(NEVER_PUBLIC), &Playbook::default()));
    internal
}

/// `xml` is valid by RFC 4287's RELAX NG schema (`tests/schemas/atom.rnc`),
/// as jing reads it: Debian's `jing`, which `.ci/run` installs. Without it
/// the test fails, unless `INCIDENT_SKIP_JING=1` says to skip loudly.
fn assert_valid_atom(xml: &str, name: &str) {
    let jing = std::path::Path::new("/usr/bin/jing");
    if !jing.exists() {
        let why = "/usr/bin/jing is missing: `apt-get install jing`";
        assert!(
            std::env::var_os("INCIDENT_SKIP_JING").is_some(),
            "{why} (INCIDENT_SKIP_JING=1 skips the schema check)"
        );
        eprintln!("\n!!! SKIPPED: the feed was not checked by RFC 4287's schema: {why} !!!\n");
        return;
    }
    let file = std::env::temp_dir().join(format!("status-feed-{name}-{}.xml", std::process::id()));
    std::fs::write(&file, xml).unwrap();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemas/atom.rnc");
    let out = std::process::Command::new(jing)
        .arg("-c")
        .arg(schema)
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "{}{}\n{xml}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The page and the feed, fetched without a token.
fn page_and_feed(base: &str) -> (String, String) {
    let (status, kind, page) = get(&format!("{base}/status"), None);
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    let (status, kind, feed) = get(&format!("{base}/status/feed.atom"), None);
    assert_eq!(
        (status, kind.as_str()),
        (200, "application/atom+xml; charset=utf-8")
    );
    (page, feed)
}

#[test]
fn the_status_page_and_feed_show_nothing_internal() {
    let (okta, playbook) = real_incident(OKTA);
    let never = case(NEVER_PUBLIC);
    let default = Playbook::default();
    let path = database("leak");
    let running = serve_streams(
        &path,
        &[(&okta, &playbook), (&never, &default)],
        tokens(),
        StatusOptions::default(),
    );
    // Public without a token; everything else still needs one.
    let (page, feed) = page_and_feed(&running.url(""));
    assert_eq!(get(&running.url("/incidents"), None).0, 401);

    // The detector knows what it looks for.
    let internal = internal(&okta, &playbook);
    for s in [
        INTERNAL_TITLE,
        INTERNAL_UPDATE,
        CUSTOMERS_NOTICE,
        "Document uploads failing",
    ] {
        assert!(internal.contains(s), "{s}");
    }
    let mut texts = page_texts(&page);
    texts.extend(feed_texts(&feed));
    assert_eq!(leaks(&internal, &texts), Vec::<&str>::new());

    // What the public was told is there: the title, both posts, newest
    // first, under "Recently resolved", and all systems operational.
    let text = page_texts(&page).swap_remove(1);
    assert!(text.contains("All systems operational"), "{text}");
    let resolved = text.find("Investigation finalized").unwrap();
    let earlier = text.find("An attacker used stolen credentials").unwrap();
    assert!(text.find(PUBLIC_TITLE).unwrap() < resolved && resolved < earlier);
    assert!(text.contains("Recently resolved") && !text.contains("Open incidents"));
    // No names unless the team publishes them.
    assert!(!text.contains("Okta CSO"));

    // Valid HTML, as a browser's parser reads it.
    let doc = scraper::Html::parse_document(&page);
    assert_eq!(doc.errors, Vec::<std::borrow::Cow<str>>::new());

    // The feed: one entry per public post, newest first, each with the id
    // of the command that posted it.
    assert_valid_atom(&feed, "okta");
    let parsed = feed_rs::parser::parse(feed.as_bytes()).unwrap();
    let ids: Vec<&str> = parsed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "urn:uuid:46624a9e-56b7-5430-a07d-eff1191d2cc3",
            "urn:uuid:fc25b214-3708-516a-8ea8-6e9ee804f989"
        ]
    );
    drop(running);
}

/// The leak test's control: Okta's stream with one internal update made
/// public (its audience flipped). The same detector, with the same list of
/// what the unchanged stream holds internal, must fire, and name that
/// update: so the test above can fail.
#[test]
fn the_leak_detector_fires_when_one_internal_update_is_made_public() {
    let (okta, playbook) = real_incident(OKTA);
    let flipped: Vec<String> = okta
        .lines()
        .map(|line| {
            let mut command: Value = serde_json::from_str(line).unwrap();
            if command["update"]["impact"] == INTERNAL_UPDATE {
                command["update"]["audience"] = "public".into();
                // A public update is posted by the communications owner.
                command["update"]["owner"] = "Okta CSO (public author, placeholder)".into();
            }
            command.to_string()
        })
        .collect();
    let flipped = flipped.join("\n");
    assert_ne!(flipped, okta);
    let never = case(NEVER_PUBLIC);
    let default = Playbook::default();
    let path = database("control");
    let running = serve_streams(
        &path,
        &[(&flipped, &playbook), (&never, &default)],
        Auth::None,
        StatusOptions::default(),
    );
    let (page, feed) = page_and_feed(&running.url(""));
    let internal = internal(&okta, &playbook);
    let found = leaks(&internal, &page_texts(&page));
    assert!(found.contains(&INTERNAL_UPDATE), "{found:?}");
    // Exactly what was flipped, the update's impact and action; the rest
    // stays out.
    let flipped_update = [
        INTERNAL_UPDATE,
        "Session tokens in shared HAR files revoked; affected customers notified",
    ];
    assert_eq!(found, flipped_update);
    assert_eq!(leaks(&internal, &feed_texts(&feed)), flipped_update);
}

/// Open incidents come first and the banner says so; the page follows the
/// store (the cache is refreshed by version); owners are shown only when
/// the team publishes names.
#[test]
fn the_page_follows_the_store_and_shows_owners_only_when_asked() {
    let (okta, _) = real_incident(OKTA);
    let never = case(NEVER_PUBLIC);
    let default = Playbook::default();
    let path = database("follow");
    let mut options = StatusOptions::default();
    options.show_owner = true;
    options.title = "Example & Co <status>".to_owned();
    let running = serve_streams(&path, &[(&never, &default)], Auth::None, options);
    let (page, feed) = page_and_feed(&running.url(""));
    // A feed without entries is still a feed.
    assert_valid_atom(&feed, "empty");
    let text = page_texts(&page).swap_remove(1);
    assert!(text.contains("All systems operational"));
    assert!(!text.contains("Recently resolved"));
    // The title is escaped in the markup.
    assert!(page.contains("Example &amp; Co &lt;status&gt;"));

    // Okta up to its first public post: one open incident.
    let upto_public = okta.lines().take(17);
    post_lines(&running, upto_public, None);
    let (page, feed) = page_and_feed(&running.url(""));
    let text = page_texts(&page).swap_remove(1);
    assert!(text.contains("1 open incident"), "{text}");
    assert!(text.contains("Open incidents") && text.contains(PUBLIC_TITLE));
    assert!(text.contains("Owner: Okta CSO (public author, placeholder)"));
    assert!(feed.contains("Okta CSO"));
    assert!(!text.contains("All systems operational"));
}
