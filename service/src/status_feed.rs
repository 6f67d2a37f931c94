//! The status page's Atom feed (RFC 4287): one entry per public post shown
//! on the page, newest first, written by `atom_syndication`.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use incident_playbook::Timestamp;
use incident_playbook::public::{PublicIncident, PublicPost, StatusPage};

use crate::StatusOptions;
use crate::status_html::{post_html, status_word};

/// The feed of `page`, whose public address is `url` (the feed's id; its
/// own address is `url` + `/feed.atom`).
pub(crate) fn feed(
    page: &StatusPage,
    options: &StatusOptions,
    url: &str,
) -> Result<String, String> {
    let mut entries: Vec<Entry> = page
        .incidents()
        .flat_map(|incident| {
            incident
                .posts
                .iter()
                .map(move |post| entry(post, incident, options, url))
        })
        .collect();
    // Newest first; the same time keeps the page's order.
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    let feed = Feed {
        title: Text::plain(options.title.as_str()),
        id: url.to_owned(),
        // A page with nothing to show was last changed at no known time:
        // the epoch, so that the feed is the same on every request.
        updated: page
            .updated()
            .map_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset(), fixed),
        authors: vec![Person {
            name: options.title.clone(),
            ..Person::default()
        }],
        links: vec![
            link(&format!("{url}/feed.atom"), "self", "application/atom+xml"),
            link(url, "alternate", "text/html"),
        ],
        entries,
        ..Feed::default()
    };
    let xml = feed.write_to(Vec::new()).map_err(|e| e.to_string())?;
    String::from_utf8(xml).map_err(|e| e.to_string())
}

/// One post: its id is the `urn:uuid:` of the command that posted it
/// (stable, and saying nothing of the updates around it).
fn entry(
    post: &PublicPost,
    incident: &PublicIncident,
    options: &StatusOptions,
    url: &str,
) -> Entry {
    let at = fixed(post.update.at());
    let html = post_html(post, incident, options.show_owner).into_string();
    Entry {
        title: Text::plain(format!("{}: {}", post.title, status_word(post.status))),
        id: format!("urn:uuid:{}", post.command_id),
        updated: at,
        published: Some(at),
        links: vec![link(
            &format!("{url}#incident-{}", incident.incident_id),
            "alternate",
            "text/html",
        )],
        content: Some(Content {
            value: Some(html),
            content_type: Some("html".to_owned()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

fn link(href: &str, rel: &str, mime_type: &str) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Link::default()
    }
}

fn fixed(at: Timestamp) -> FixedDateTime {
    at.as_datetime().fixed_offset()
}
