//! What the public was told: the public comms updates as a status page
//! showed them, each with the title the incident had when it was posted.
//!
//! A status page says only what was posted to it. So a public rendering
//! carries, post by post:
//!
//! - the title as it stood when the post was made: a title is public only
//!   once a public update was posted under it, so an internal title that
//!   was never public is never shown, and a later, larger scope is never
//!   put above an earlier post;
//! - the status the public was told: the sender's own word when the update
//!   states one; else the incident's phase, except that "mitigating" with
//!   nothing under way that relieves users reads "investigating" (a
//!   containment step, or steps that all ended, mitigate nothing the public
//!   could see);
//! - no `Severity:` line unless the team publishes its severities
//!   ([`PublicPost::text`]'s `with_severity`), and no `Owner:` line unless
//!   it publishes names.

use std::sync::Arc;

use crate::comms::{Audience, CommsUpdate, Status};
use crate::incident::{CommandBody, CommandId, Incident, IncidentId};
use crate::mitigation::MitigationRecord;
use crate::text::ShortText;
use crate::time::Timestamp;

/// One public update as the public read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublicPost {
    /// Its position among all the incident's updates (0-based).
    pub index: usize,
    /// The position in the history of the command that posted it.
    pub command_index: usize,
    /// The id of the command that posted it: unique and stable, and says
    /// nothing of the updates around it (a status feed's entry id).
    pub command_id: CommandId,
    /// The incident's title when it was posted: made public by this post.
    pub title: ShortText,
    /// The status the public was told: the one the update states, else the
    /// phase, "mitigating" only while a mitigation relieving users was under
    /// way.
    pub status: Status,
    /// The update as posted.
    pub update: CommsUpdate,
    /// Who sent the command that posted it, when it said (`by`).
    pub by: Option<Arc<str>>,
}

impl PublicPost {
    /// Every public update of `incident`, in order, as the public read it.
    ///
    /// ```
    /// use incident_playbook::{Replay, public::PublicPost};
    /// let case = include_str!("../../tests/conformance/cases/public-update-not-by-comms-owner.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let posts = PublicPost::all(incident);
    /// assert_eq!(posts.len(), 1);
    /// assert_eq!(posts[0].title.as_str(), "Document uploads failing");
    /// // No severity, no names, unless the team publishes them.
    /// assert!(!posts[0].text(false, false).contains("Severity:"));
    /// assert!(posts[0].text(true, false).contains("Severity: SEV1"));
    /// ```
    pub fn all(incident: &Incident) -> Vec<PublicPost> {
        let mut posts = Vec::new();
        let mut updates = incident.updates().enumerate();
        let mut title: Option<Arc<str>> = None;
        for (command_index, cmd) in incident.history().iter().enumerate() {
            match &cmd.body {
                CommandBody::Declare(d) => title.clone_from(&d.title),
                CommandBody::Rename(r) => title.clone_from(&r.title),
                _ => {}
            }
            let Some(input) = cmd.body.update() else {
                continue;
            };
            let Some((index, update)) = updates.next() else {
                break;
            };
            if update.audience() != Audience::Public {
                continue;
            }
            let relief = relief_under_way(incident.mitigations(), cmd.at);
            posts.push(PublicPost {
                index,
                command_index,
                command_id: cmd.command_id,
                title: title
                    .as_deref()
                    .and_then(|t| ShortText::new(t).ok())
                    .unwrap_or_else(|| incident.title().clone()),
                status: told_status(update.status(), input.status, relief),
                update: update.clone(),
                by: cmd.by.clone(),
            });
        }
        posts
    }

    /// The post's lines as the public read them: `Status:` the status told,
    /// `Severity:` only `with_severity` (a team that publishes its
    /// severities), `Impact:`, `Action:`, `Next update:`, and `Owner:` only
    /// `with_names`.
    pub fn text(&self, with_severity: bool, with_names: bool) -> String {
        let full = self.update.to_string();
        let lines: Vec<String> = full
            .split('\n')
            .filter(|l| with_severity || !l.starts_with("Severity: "))
            .filter(|l| with_names || !l.starts_with("Owner: "))
            .map(|l| match l.strip_prefix("Status: ") {
                Some(_) => format!("Status: {}", self.status),
                None => l.to_owned(),
            })
            .collect();
        lines.join("\n")
    }
}

/// The title the public knows `incident` by: the one under which its last
/// public update was posted; `None` while nothing was posted in public
/// (the title is internal until then).
pub fn public_title(incident: &Incident) -> Option<ShortText> {
    PublicPost::all(incident).pop().map(|p| p.title)
}

/// One incident as a status page shows it: what was posted in public,
/// and nothing else. Built by [`PublicIncident::of`], `None` for an
/// incident never made public.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublicIncident {
    /// The incident's id (a stable anchor for links; it says nothing).
    pub incident_id: IncidentId,
    /// The title of its latest public post: the title the public knows.
    pub title: ShortText,
    /// The status its latest public post told.
    pub status: Status,
    /// Its public posts, oldest first (never empty).
    pub posts: Vec<PublicPost>,
}

impl PublicIncident {
    /// `incident` as the public saw it; `None` while it has no public post.
    ///
    /// ```
    /// use incident_playbook::{Replay, public::PublicIncident};
    /// let case = include_str!("../../tests/conformance/cases/public-update-not-by-comms-owner.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let shown = PublicIncident::of(incident).unwrap();
    /// assert_eq!(shown.title.as_str(), "Document uploads failing");
    /// assert!(shown.is_open());
    /// ```
    pub fn of(incident: &Incident) -> Option<PublicIncident> {
        let posts = PublicPost::all(incident);
        let last = posts.last()?;
        Some(PublicIncident {
            incident_id: incident.id(),
            title: last.title.clone(),
            status: last.status,
            posts,
        })
    }

    /// Whether the public was last told anything but "resolved": the page
    /// says only what was posted, so an incident stays open on it until a
    /// public update says it is resolved.
    pub fn is_open(&self) -> bool {
        self.status != Status::Resolved
    }

    /// When its latest public post went out.
    pub fn last_posted(&self) -> Option<Timestamp> {
        self.posts.last().map(|p| p.update.at())
    }

    /// Its public posts, newest first, as a status page lists them.
    pub fn newest_first(&self) -> impl Iterator<Item = &PublicPost> {
        self.posts.iter().rev()
    }
}

/// What a public status page shows: every incident the public was told of
/// and was not told is resolved, then the most recently resolved ones, at
/// most `recent` of them. Built from [`PublicIncident`]s, so from anything
/// that holds incidents (a replay, a store), without a clock: "recent" is
/// a count, not a window.
///
/// ```
/// use incident_playbook::{Replay, public::{PublicIncident, StatusPage}};
/// let case = include_str!("../../tests/incidents/gitlab-2017-01-31.jsonl");
/// let mut replay = Replay::new(serde_json::from_str(
///     include_str!("../../tests/incidents/gitlab-2017-01-31.playbook.json")).unwrap());
/// case.lines().for_each(|l| { replay.line(l); });
/// let shown = replay.incidents().iter().filter_map(PublicIncident::of);
/// let page = StatusPage::new(shown, 10);
/// // GitLab posted that it was resolved: nothing open, one past incident.
/// assert!(page.all_operational());
/// assert_eq!(page.recent.len(), 1);
/// assert_eq!(StatusPage::new(Vec::new(), 10).updated(), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusPage {
    /// The open ones, the latest post first.
    pub open: Vec<PublicIncident>,
    /// The resolved ones, the latest post first, at most `recent`.
    pub recent: Vec<PublicIncident>,
    /// How many open incidents are not in [`StatusPage::open`]: a page
    /// lists a handful and says "and N more" ([`StatusPage::limit_open`]).
    pub more_open: usize,
}

impl StatusPage {
    /// The page of `incidents` (those never made public are not given:
    /// [`PublicIncident::of`] has none for them), with at most `recent`
    /// resolved incidents. Ties in time go by incident id, so the page is
    /// the same whatever order the incidents come in.
    pub fn new(incidents: impl IntoIterator<Item = PublicIncident>, recent: usize) -> StatusPage {
        let (mut open, mut resolved): (Vec<_>, Vec<_>) =
            incidents.into_iter().partition(PublicIncident::is_open);
        let latest_first = |a: &PublicIncident, b: &PublicIncident| {
            b.last_posted()
                .cmp(&a.last_posted())
                .then(a.incident_id.cmp(&b.incident_id))
        };
        open.sort_by(latest_first);
        resolved.sort_by(latest_first);
        resolved.truncate(recent);
        StatusPage {
            open,
            recent: resolved,
            more_open: 0,
        }
    }

    /// The page listing at most `max` open incidents, those posted to
    /// latest; the others are counted in [`StatusPage::more_open`]. A
    /// real page never lists thousands of open incidents, and one that
    /// would is not made to.
    ///
    /// ```
    /// use incident_playbook::{Replay, public::{PublicIncident, StatusPage}};
    /// let case = include_str!("../../tests/conformance/cases/public-update-not-by-comms-owner.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let shown = replay.incidents().iter().filter_map(PublicIncident::of);
    /// let page = StatusPage::new(shown, 10).limit_open(0);
    /// assert!(page.open.is_empty());
    /// assert_eq!((page.more_open, page.open_count()), (1, 1));
    /// assert!(!page.all_operational());
    /// ```
    #[must_use]
    pub fn limit_open(mut self, max: usize) -> StatusPage {
        if self.open.len() > max {
            self.more_open += self.open.len() - max;
            self.open.truncate(max);
        }
        self
    }

    /// How many incidents are open: those listed and those counted in
    /// [`StatusPage::more_open`].
    pub fn open_count(&self) -> usize {
        self.open.len().saturating_add(self.more_open)
    }

    /// "All systems operational": no incident the public was told of is
    /// open.
    pub fn all_operational(&self) -> bool {
        self.open_count() == 0
    }

    /// Every incident shown, the open ones first.
    pub fn incidents(&self) -> impl Iterator<Item = &PublicIncident> {
        self.open.iter().chain(&self.recent)
    }

    /// When the newest post shown went out (a feed's `updated`); `None`
    /// for a page that shows no incident.
    pub fn updated(&self) -> Option<Timestamp> {
        self.incidents()
            .filter_map(PublicIncident::last_posted)
            .max()
    }
}

/// The status the public was told by an update posted with `posted` (the
/// incident's phase after its command). A status the sender stated is what
/// they chose to tell. Else "mitigating" is told only while something that
/// relieves users is under way (`relief_under_way`): a containment step, or
/// steps that all ended, leave the public where it was, "investigating".
pub(crate) fn told_status(
    posted: Status,
    stated: Option<Status>,
    relief_under_way: bool,
) -> Status {
    match (stated, posted) {
        (Some(stated), _) => stated,
        (None, Status::Mitigating) if !relief_under_way => Status::Investigating,
        (None, posted) => posted,
    }
}

/// Whether a mitigation that relieves users was under way at `at`: recorded
/// by then and not yet ended.
fn relief_under_way(mitigations: &[MitigationRecord], at: Timestamp) -> bool {
    mitigations
        .iter()
        .filter(|m| relieves(m))
        .any(|m| m.at <= at && m.ended.as_ref().is_none_or(|end| end.at > at))
}

/// Whether a mitigation was started to relieve users rather than to
/// contain the incident: one recorded with `purpose: contain` (pausing
/// deploys, a lock) stops it spreading but relieves no one, so the status
/// page does not read "mitigating" for it.
fn relieves(m: &MitigationRecord) -> bool {
    m.purpose.is_relieve()
}

#[cfg(test)]
mod tests {
    use super::{PublicPost, Status, told_status};
    use crate::views::test_incident;

    #[test]
    fn the_status_told_is_the_senders_or_what_was_under_way() {
        use Status::*;
        assert_eq!(told_status(Mitigating, None, true), Mitigating);
        assert_eq!(told_status(Mitigating, None, false), Investigating);
        assert_eq!(told_status(Mitigating, Some(Mitigating), false), Mitigating);
        assert_eq!(told_status(Monitoring, None, false), Monitoring);
        assert_eq!(told_status(Resolved, None, false), Resolved);
        assert_eq!(told_status(Investigating, None, true), Investigating);
    }

    /// GitLab's 23:28 post came after every step so far had ended (two
    /// failed, the spam removal done): nothing was relieving users, so the
    /// status page said what was so, not "mitigating".
    #[test]
    fn nothing_under_way_is_not_mitigating() {
        let posts = PublicPost::all(&test_incident("incidents/gitlab-2017-01-31.jsonl"));
        let at_2328 = posts
            .iter()
            .find(|p| p.update.at().to_string() == "2017-01-31T23:28:00Z")
            .unwrap();
        assert_eq!(at_2328.update.status(), Status::Mitigating);
        assert_eq!(at_2328.status, Status::Investigating);
        assert!(
            at_2328
                .text(false, false)
                .starts_with("Status: investigating\n")
        );
        // The restore under way at 00:44 is mitigating.
        let restore = posts
            .iter()
            .find(|p| p.update.at().to_string() == "2017-02-01T00:44:00Z")
            .unwrap();
        assert_eq!(restore.status, Status::Mitigating);
    }

    /// Each post carries the title it was posted under: GitLab's first post
    /// was about spam load, the later ones about the data removed.
    #[test]
    fn each_post_has_the_title_it_was_posted_under() {
        let incident = test_incident("incidents/gitlab-2017-01-31.jsonl");
        let posts = PublicPost::all(&incident);
        let titles: Vec<&str> = posts.iter().map(|p| p.title.as_str()).collect();
        // The 23:28 post went out before the rename that came with it.
        assert_eq!(titles[..2], ["Database load from spam users"; 2]);
        assert_eq!(
            titles[2],
            "GitLab.com database incident: production data removed"
        );
        assert_eq!(
            super::public_title(&incident).unwrap().as_str(),
            "GitLab.com database incident: production data removed"
        );
    }

    /// An incident with no public word has no public title.
    #[test]
    fn no_public_word_no_public_title() {
        let incident = test_incident("conformance/cases/happy-sev1-full-lifecycle.jsonl");
        assert!(PublicPost::all(&incident).is_empty());
        assert!(super::public_title(&incident).is_none());
    }

    /// Okta's stream has a pre-disclosure internal title, internal updates
    /// and a notice to customers: the page's model holds only the public
    /// posts, under the title they went out under.
    #[test]
    fn a_status_page_holds_only_public_posts() {
        use super::{PublicIncident, StatusPage};
        let incident = test_incident("incidents/okta-2023-10-20.jsonl");
        let shown = PublicIncident::of(&incident).unwrap();
        assert!(
            shown
                .posts
                .iter()
                .all(|p| p.update.audience().is_external())
        );
        assert!(
            shown
                .posts
                .iter()
                .all(|p| p.update.audience() == crate::comms::Audience::Public)
        );
        let internal_title = "Customer reports a session hijack";
        assert!(
            shown
                .posts
                .iter()
                .all(|p| !p.title.as_str().contains(internal_title))
        );
        assert_eq!(shown.posts.len(), 2);
        let newest: Vec<_> = shown.newest_first().map(|p| p.update.at()).collect();
        assert!(newest.windows(2).all(|w| w[0] >= w[1]));
        let none = test_incident("conformance/cases/happy-sev1-full-lifecycle.jsonl");
        assert!(PublicIncident::of(&none).is_none());
        // Resolved ones beyond the count are left out; open ones never are.
        let mut open = shown.clone();
        open.status = Status::Monitoring;
        let page = StatusPage::new([shown.clone(), open.clone()], 0);
        assert_eq!(page.open, [open]);
        assert!(page.recent.is_empty() && !page.all_operational());
    }
}
