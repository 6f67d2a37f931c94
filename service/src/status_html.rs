//! The status page as HTML: plain markup and one small inline style sheet,
//! readable on a phone and without JavaScript (none is sent). Every text is
//! escaped by `maud`.

use incident_playbook::Timestamp;
use incident_playbook::public::{PublicIncident, PublicPost, StatusPage};
use incident_playbook::state::Status;
use maud::{DOCTYPE, Markup, html};

use crate::StatusOptions;

/// The style: one column up to a reading width, system fonts, the status
/// as a coloured label with its word (colour is never the only signal).
const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;background:#f6f8fa}\
header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}\
header{padding-top:1.5rem}\
h1{font-size:1.6rem;margin:0 0 1rem}\
h2{font-size:1.2rem;margin:2rem 0 .75rem}\
h3{font-size:1.1rem;margin:0 0 .25rem;overflow-wrap:anywhere}\
.banner{padding:1rem;border-radius:8px;font-weight:600;font-size:1.1rem;color:#fff;margin:0}\
.banner.ok{background:#1a7f37}.banner.open{background:#bc4c00}\
.incident{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:0 0 1rem}\
.label{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.85rem;font-weight:600;color:#fff}\
.investigating{background:#cf222e}.mitigating{background:#bc4c00}.monitoring{background:#0969da}.resolved{background:#1a7f37}\
ol{list-style:none;margin:.75rem 0 0;padding:0}\
li{border-top:1px solid #eaeef2;padding:.75rem 0 0;margin:.75rem 0 0}\
li p{margin:.25rem 0;overflow-wrap:anywhere}\
.meta,.more{color:#57606a;font-size:.9rem}\
footer{color:#57606a;font-size:.9rem;padding-bottom:2rem}\
a{color:#0969da}";

/// The whole page.
pub(crate) fn page(page: &StatusPage, options: &StatusOptions) -> String {
    let open = page.open_count();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (options.title) }
                link rel="alternate" type="application/atom+xml" href="/status/feed.atom"
                    title={ (options.title) " (Atom feed)" };
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (options.title) }
                    @if page.all_operational() {
                        p.banner.ok role="status" { "All systems operational" }
                    } @else {
                        p.banner.open role="status" {
                            (open) " open incident" @if open > 1 { "s" }
                        }
                    }
                }
                main {
                    @if open > 0 {
                        h2 { "Open incidents" }
                        @for incident in &page.open { (incident_html(incident, options)) }
                        @if page.more_open > 0 {
                            p.more {
                                "And " (page.more_open) " more open incident"
                                @if page.more_open > 1 { "s" } ", not listed here."
                            }
                        }
                    }
                    @if !page.recent.is_empty() {
                        h2 { "Recently resolved" }
                        @for incident in &page.recent { (incident_html(incident, options)) }
                    }
                }
                footer {
                    p { "Times are in UTC. " a href="/status/feed.atom" { "Subscribe to the Atom feed" } "." }
                }
            }
        }
    }
    .into_string()
}

/// One incident: its public title and status, and its posts newest first.
fn incident_html(incident: &PublicIncident, options: &StatusOptions) -> Markup {
    html! {
        section.incident id={ "incident-" (incident.incident_id) } {
            h3 { (incident.title) }
            span class={ "label " (incident.status.as_str()) } { (status_word(incident.status)) }
            ol {
                @for post in incident.newest_first() {
                    li { (post_html(post, incident, options.show_owner)) }
                }
            }
        }
    }
}

/// One public post: when, the status told, what it said; the title it went
/// out under when that is not the incident's title now; the owner only when
/// the team publishes names.
pub(crate) fn post_html(post: &PublicPost, incident: &PublicIncident, show_owner: bool) -> Markup {
    let update = &post.update;
    html! {
        p.meta {
            strong { (status_word(post.status)) } " · " (time(update.at()))
        }
        @if post.title != incident.title {
            p.meta { "Posted as: " (post.title) }
        }
        p { (update.impact()) }
        p { strong { "Action: " } (update.action()) }
        @if let Some(next) = update.next_update() {
            p.meta { "Next update by " (time(next)) }
        }
        @if show_owner {
            p.meta { "Owner: " (update.owner()) }
        }
    }
}

/// A time as people read it, with the ISO 8601 form for machines.
fn time(at: Timestamp) -> Markup {
    html! {
        time datetime=(at) { (human(at)) }
    }
}

/// `Tue 31 Jan 2017, 23:28 UTC`.
pub(crate) fn human(at: Timestamp) -> String {
    at.as_datetime()
        .format("%a %-d %b %Y, %H:%M UTC")
        .to_string()
}

/// The status as a status page says it.
pub(crate) fn status_word(status: Status) -> &'static str {
    match status {
        Status::Investigating => "Investigating",
        Status::Mitigating => "Mitigating",
        Status::Monitoring => "Monitoring",
        Status::Resolved => "Resolved",
        _ => "Update",
    }
}
