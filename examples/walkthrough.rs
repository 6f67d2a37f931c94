//! A SEV1 from declaration to close, through the library API.
//!
//! ```sh
//! cargo run --example walkthrough
//! ```
//!
//! Deploy 2026.05.04-1 breaks document uploads. The on-call engineer declares
//! a SEV2; the triage checks show every tenant is hit, so the incident is
//! escalated to SEV1; the image is rolled back, watched, verified and
//! resolved; the postmortem is published the next day and the incident is
//! closed. Three commands along the way break a rule of the playbook: each is
//! refused with the rule ids it breaks and leaves the incident unchanged.
//!
//! Everything is built in: no files, no clock (every time is in a command),
//! fixed ids. The walkthrough checks its own story as it goes (a command
//! meant to be refused that is accepted, or refused for other rules, ends it
//! with an error), so it doubles as a test: `tests/it/readme.rs` runs it.

use std::error::Error;

use incident_playbook::{
    Command, CommandBody, CommandId, ImpactInput, Incident, IncidentId, MitigationInput, Outcome,
    Playbook, Rejection, RolesInput, Rule, Severity, Snapshot, Timestamp, UpdateInput, Uuid,
    Verification,
    command::{
        AddNote, BeginMonitoring, ChangeSeverity, DataChecks, Declare, HealthChecks, RecordCheck,
        RecordRootCause, Resolve, StartMitigation, SubmitPostmortem,
    },
    postmortem::{ActionItemInput, Guardrail, PostmortemInput, PostmortemStatus},
    report::{IncidentReport, PhaseSpan, human_duration},
    state::{ImpactFlag, Surface, TriageCheck},
};

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

/// The incident's id. Real senders make one per incident (a UUID v4 or v7).
const INCIDENT: IncidentId =
    IncidentId::new(Uuid::from_u128(0x0196_9a3c_5f00_7a11_9c3e_5b7d_2e41_0c0d));

pub fn main() -> Result {
    let mut walk = Walkthrough::declare(
        "2026-05-04T09:05:00Z",
        "Ada, on call, sees upload errors after this morning's deploy and declares a SEV2.",
        Declare::new(
            "Document uploads failing after deploy 2026.05.04-1",
            Severity::Sev2,
        )
        .impact(
            ImpactInput::new(
                "production",
                "Tenants uploading documents",
                "Document upload",
            )
            .started_at("2026-05-04T09:00:00Z".parse()?)
            .flags([ImpactFlag::MajorFeatureBroken])
            .surfaces([Surface::Api])
            .affected_endpoints(["/api/documents"])
            .affected_dependencies(["Blob Storage"]),
        )
        .roles(
            RolesInput::default()
                .commander("Ada")
                .technical_lead("Grace"),
        )
        .update(
            UpdateInput::new(
                "Document uploads fail with HTTP 503 for some tenants",
                "Checking deploy 2026.05.04-1",
                "Ada",
            )
            .next_update("2026-05-04T09:35:00Z".parse()?),
        ),
    )?;

    walk.say(
        "2026-05-04T09:06:00Z",
        "Grace works through the five triage checks of the first 15 minutes.",
    )?;
    for (time, check, finding) in [
        (
            "2026-05-04T09:06:00Z",
            TriageCheck::RecentDeploys,
            "2026.05.04-1 (storage client 12.4) out at 08:58; errors from 09:00",
        ),
        (
            "2026-05-04T09:07:00Z",
            TriageCheck::Migrations,
            "None in 2026.05.04-1; the last migration ran on 2026-04-28",
        ),
        (
            "2026-05-04T09:08:00Z",
            TriageCheck::ProviderStatus,
            "Azure status page: Blob Storage healthy in West Europe",
        ),
        (
            "2026-05-04T09:09:00Z",
            TriageCheck::Logs,
            "Every POST /api/documents fails, all tenants; failures re-queue OCR jobs",
        ),
        (
            "2026-05-04T09:10:00Z",
            TriageCheck::HealthEndpoints,
            "live and ready pass; /health/status: blob client degraded",
        ),
    ] {
        walk.accept_quietly(
            time,
            &format!("{check}: {finding}"),
            RecordCheck::new(check, finding),
        )?;
    }

    // The logs change the picture: every tenant, and failed uploads leave
    // re-queued jobs behind, so the impact now concerns data as well.
    let sev1_impact = ImpactInput::new("production", "All tenants", "Document upload")
        .started_at("2026-05-04T09:00:00Z".parse()?)
        .flags([ImpactFlag::BroadOutage])
        .surfaces([Surface::Api, Surface::Frontend, Surface::Data])
        .affected_endpoints(["/api/documents"])
        .affected_dependencies(["Blob Storage"]);
    let escalate = ChangeSeverity::new(
        Severity::Sev1,
        "Uploads fail for every tenant; failed uploads re-queue OCR jobs",
    )
    .impact(sev1_impact);
    walk.refuse(
        "2026-05-04T09:12:00Z",
        "Ada escalates to SEV1: no tenant can upload, and failed uploads re-queue jobs.",
        escalate.clone().update(
            UpdateInput::new(
                "No tenant can upload documents",
                "Preparing a rollback of 2026.05.04-1",
                "Ada",
            )
            .next_update("2026-05-04T09:45:00Z".parse()?),
        ),
        &[Rule::Sev1NeedsScribe, Rule::Sev1CommsByEngineeringLead],
        "A SEV1 needs a named scribe, and its comms belong to the engineering lead. \
         Neither is named, so the incident stays a SEV2.",
    )?;

    walk.accept(
        "2026-05-04T09:14:00Z",
        "Ada escalates again, naming Ken as scribe and Linus, the engineering lead, as comms owner.",
        escalate
            .update(
                UpdateInput::new(
                    "No tenant can upload documents; the upload page shows an error",
                    "Preparing a rollback of 2026.05.04-1",
                    "Linus",
                )
                .next_update("2026-05-04T09:45:00Z".parse()?),
            )
            .roles(
                RolesInput::default()
                    .scribe("Ken")
                    .engineering_lead("Linus")
                    .communications_owner("Linus"),
            ),
    )?;

    walk.accept(
        "2026-05-04T09:15:00Z",
        "Ken notes the rollback target.",
        AddNote::new(
            "Rollback target: 2026.05.03-2, the last good image. \
             2026.05.04-1 changed no schema, so rolling back is safe.",
        ),
    )?;

    let root_cause = "Storage client 12.4, new in 2026.05.04-1, treats HTTP 409 from Blob Storage \
                      as fatal instead of retrying, so every upload that races its own \
                      container creation fails and re-queues its OCR job.";
    walk.refuse(
        "2026-05-04T09:16:00Z",
        "Grace thinks she has found the cause and records it.",
        RecordRootCause::new(root_cause),
        &[Rule::MitigateBeforeRca],
        "Users are still hurt and nothing has been mitigated yet: the playbook says \
         mitigate first, root-cause later.",
    )?;

    walk.accept(
        "2026-05-04T09:18:00Z",
        "Grace starts the rollback to 2026.05.03-2.",
        StartMitigation::new(MitigationInput::rollback_image(
            "2026.05.04-1",
            "2026.05.03-2",
        ))
        .update(
            UpdateInput::new(
                "No tenant can upload documents",
                "Rolling back to image 2026.05.03-2",
                "Linus",
            )
            .next_update("2026-05-04T09:48:00Z".parse()?),
        ),
    )?;

    walk.resend_last(
        "The chat bot's connection drops and it delivers the rollback command again.",
    )?;

    walk.accept(
        "2026-05-04T09:24:00Z",
        "With the rollback under way, Grace records the root cause.",
        RecordRootCause::new(root_cause),
    )?;

    walk.accept(
        "2026-05-04T09:31:00Z",
        "The rollback is out; Linus moves the incident to monitoring.",
        BeginMonitoring::new(
            UpdateInput::new(
                "Uploads succeed again since 09:27",
                "Watching upload errors and the OCR queue",
                "Linus",
            )
            .next_update("2026-05-04T10:01:00Z".parse()?),
        ),
    )?;

    let checked = Verification::default()
        .health(HealthChecks::new([
            ("live", true),
            ("ready", true),
            ("status", true),
        ]))
        .endpoint("/api/documents", true)
        .frontend(true, true, true)
        .dependency("Blob Storage", true);
    // No next update: the incident is resolved.
    let resolved = UpdateInput::new(
        "Uploads work again for all tenants",
        "Resolved; postmortem to follow",
        "Linus",
    );
    walk.refuse(
        "2026-05-04T09:50:00Z",
        "Health, /api/documents, the app and Blob Storage all check out; Ada resolves.",
        Resolve::new(checked.clone()).update(resolved.clone()),
        &[Rule::VerificationData],
        "The impact concerns data (the re-queued jobs): the four data checks are due too.",
    )?;

    walk.accept(
        "2026-05-04T09:58:00Z",
        "Ken records the data checks.",
        AddNote::new(
            "214 OCR jobs were re-queued between 09:00 and 09:27; the worker's \
             idempotency key dropped every duplicate. No partial deletes, no \
             unauthorized access, no migration involved.",
        ),
    )?;

    walk.accept(
        "2026-05-04T10:05:00Z",
        "Ada resolves again, with the data checks.",
        Resolve::new(
            checked.data(
                DataChecks::default()
                    .no_unauthorized_access(true)
                    .no_failed_migration(true)
                    .no_duplicate_processing(true)
                    .no_partial_delete(true),
            ),
        )
        .update(resolved),
    )?;

    walk.accept(
        "2026-05-05T10:00:00Z",
        "Ada and Ken publish the postmortem.",
        SubmitPostmortem::new(postmortem()?),
    )?;
    walk.show_postmortem();

    walk.accept(
        "2026-05-05T11:00:00Z",
        "Ada closes the incident.",
        CommandBody::Close,
    )?;

    walk.summary()
}

/// The incident as it goes, and what the story has sent it.
struct Walkthrough {
    playbook: Playbook,
    incident: Incident,
    /// Command ids are numbered from the incident's id, so they are fixed.
    sent: u128,
    last: Command,
    refused: usize,
    duplicates: usize,
    declared_as: Severity,
    day: String,
}

impl Walkthrough {
    fn declare(time: &str, narration: &str, declare: Declare) -> Result<Walkthrough> {
        let playbook = Playbook::default();
        let severity = declare.severity;
        let cmd = Command::new(INCIDENT, command_id(1), time.parse()?, declare);
        let mut day = String::new();
        step(&mut day, cmd.at, narration);
        let incident = Incident::declare(cmd.clone(), &playbook)
            .map_err(|r| format!("the declaration was refused: {r}"))?;
        let walk = Walkthrough {
            playbook,
            incident,
            sent: 1,
            last: cmd,
            refused: 0,
            duplicates: 0,
            declared_as: severity,
            day,
        };
        walk.show_accepted(true);
        Ok(walk)
    }

    fn command(&mut self, time: &str, body: impl Into<CommandBody>) -> Result<Command> {
        self.sent += 1;
        Ok(Command::new(
            INCIDENT,
            command_id(self.sent),
            time.parse()?,
            body,
        ))
    }

    /// Sends a command the story expects to be accepted.
    fn accept(&mut self, time: &str, narration: &str, body: impl Into<CommandBody>) -> Result {
        let cmd = self.command(time, body)?;
        step(&mut self.day, cmd.at, narration);
        let carries_update = cmd.body.update().is_some();
        let record = match &cmd.body {
            CommandBody::AddNote(AddNote { text, .. }) => text.clone(),
            CommandBody::RecordRootCause(r) => r.text.clone(),
            _ => None,
        };
        match self.handle(cmd)? {
            Outcome::Applied { .. } => {}
            Outcome::Duplicate { .. } => {
                return Err("a new command was taken as a duplicate".into());
            }
        }
        self.show_accepted(carries_update);
        if let Some(record) = record {
            wrap("           │ ", 0, &record);
        }
        Ok(())
    }

    /// Narrates a step that several commands make.
    fn say(&mut self, time: &str, narration: &str) -> Result {
        step(&mut self.day, time.parse()?, narration);
        Ok(())
    }

    /// Like [`Walkthrough::accept`], on one line: for the routine steps.
    fn accept_quietly(&mut self, time: &str, line: &str, body: impl Into<CommandBody>) -> Result {
        let cmd = self.command(time, body)?;
        match self.handle(cmd)? {
            Outcome::Applied { .. } => {}
            Outcome::Duplicate { .. } => {
                return Err("a new command was taken as a duplicate".into());
            }
        }
        wrap(
            &format!("         ✓ v{:<3} ", self.incident.version()),
            2,
            line,
        );
        Ok(())
    }

    fn handle(&mut self, cmd: Command) -> Result<Outcome> {
        self.last = cmd.clone();
        self.incident
            .handle(cmd, &self.playbook)
            .map_err(|r| format!("a step of the story was refused: {r}").into())
    }

    /// Sends a command the story expects to be refused for exactly `rules`.
    fn refuse(
        &mut self,
        time: &str,
        narration: &str,
        body: impl Into<CommandBody>,
        rules: &[Rule],
        why: &str,
    ) -> Result {
        let cmd = self.command(time, body)?;
        step(&mut self.day, cmd.at, narration);
        let before = self.incident.clone();
        let rejection: Rejection = match self.incident.handle(cmd, &self.playbook) {
            Ok(_) => return Err("a command the playbook forbids was accepted".into()),
            Err(rejection) => rejection,
        };
        if rejection.rules() != rules {
            return Err(format!("refused for {:?}, not for {rules:?}", rejection.rules()).into());
        }
        if self.incident != before {
            return Err("a refused command changed the incident".into());
        }
        self.refused += 1;
        for (n, v) in rejection.iter().enumerate() {
            let lead = if n == 0 { "✗ refused:" } else { "" };
            wrap(&format!("         {lead:<10} "), 2, &v.to_string());
        }
        wrap("           Why: ", 0, why);
        println!(
            "           Nothing changed: still version {}, {}, {}.",
            self.incident.version(),
            self.incident.phase(),
            self.incident.severity()
        );
        Ok(())
    }

    /// Delivers the last command again, as an at-least-once queue may.
    fn resend_last(&mut self, narration: &str) -> Result {
        let cmd = self.last.clone();
        step(&mut self.day, cmd.at, narration);
        match self.handle(cmd)? {
            Outcome::Duplicate { version } => {
                self.duplicates += 1;
                println!(
                    "         = same command id, same content: a duplicate, applied once (still version {version})"
                );
                Ok(())
            }
            Outcome::Applied { .. } => Err("a redelivered command was applied twice".into()),
        }
    }

    fn show_accepted(&self, carries_update: bool) {
        let i = &self.incident;
        println!(
            "         ✓ accepted: version {}, {}, {}",
            i.version(),
            i.phase(),
            i.severity()
        );
        // The update as posted to the incident thread, in the playbook's format.
        if let Some(u) = i.updates().next_back().filter(|_| carries_update) {
            for line in u.to_string().lines() {
                println!("           │ {line}");
            }
        }
    }

    /// The postmortem as the Markdown people keep in their docs repository,
    /// with the Mermaid chart of the phases under its timeline.
    fn show_postmortem(&self) {
        let Some(pm) = self.incident.postmortem() else {
            return;
        };
        let markdown = pm.to_markdown_with_phases(&PhaseSpan::of(&self.incident));
        for line in markdown.lines() {
            println!("           │ {line}");
        }
    }

    fn summary(&self) -> Result {
        let i = &self.incident;
        // The report `incident report` prints, as of the close.
        let report = IncidentReport::new(i, &self.playbook, i.last_command_at());
        let d = &report.durations;
        let after = |s: Option<i64>| s.map_or_else(|| "never".to_owned(), human_duration);

        println!("\nSummary");
        println!("  incident     {}", i.id());
        println!("  title        {}", i.title());
        println!(
            "  phase        {}, version {} (one per accepted command)",
            i.phase(),
            i.version()
        );
        println!(
            "  severity     {}, peak {} (declared {})",
            i.severity(),
            i.peak_severity(),
            self.declared_as
        );
        for t in &report.targets {
            let verdict = t.timeliness.map_or("no time target", |t| t.describe());
            println!("  target       {}: {}: {verdict}", t.severity, t.target);
        }
        println!(
            "  durations    {} to declare; then {} to mitigate, {} to resolve, {} to close",
            d.impact_to_declaration_seconds
                .map_or_else(|| "unknown".to_owned(), human_duration),
            after(d.declaration_to_mitigation_seconds),
            after(d.declaration_to_resolved_seconds),
            after(d.declaration_to_closed_seconds)
        );
        println!(
            "  record       {} comms updates, {}/5 triage checks, {} notes, {} mitigation, root cause {}",
            i.updates().len(),
            i.checks().len(),
            i.notes().len(),
            i.mitigations().len(),
            if i.root_cause().is_some() {
                "recorded"
            } else {
                "missing"
            }
        );
        println!(
            "  commands     {} sent: {} accepted, {} refused (nothing changed), {} duplicate (applied once)",
            self.sent + self.duplicates as u128,
            i.history().len(),
            self.refused,
            self.duplicates
        );

        // What a service would store: the snapshot. Loading it replays its
        // history under the same rules, so a tampered copy is refused.
        let json = serde_json::to_string(i)?;
        let snapshot: Snapshot = serde_json::from_str(&json)?;
        let loaded = Incident::load(snapshot, &self.playbook)
            .map_err(|r| format!("the snapshot does not load: {r}"))?;
        if loaded != *i {
            return Err("the reloaded snapshot differs".into());
        }
        let mut tampered: serde_json::Value = serde_json::from_str(&json)?;
        tampered["peak_severity"] = "SEV2".into();
        let refused = Incident::load(serde_json::from_value(tampered)?, &self.playbook)
            .err()
            .ok_or("a tampered snapshot was loaded")?;
        println!(
            "  snapshot     {} bytes of JSON; Incident::load gives the same incident back,",
            json.len()
        );
        println!(
            "               and refuses a copy edited to peak SEV2: {}",
            refused.rule()
        );
        Ok(())
    }
}

/// Prints a step's time and what happens; a day heading when the day changes.
fn step(day: &mut String, at: Timestamp, narration: &str) {
    let t = at.as_datetime();
    let this_day = t.format("%A %-d %B %Y").to_string();
    if *day != this_day {
        println!("\n{this_day} (UTC)");
        *day = this_day;
    }
    println!("\n  {}  {narration}", t.format("%H:%M"));
}

/// Prints `text` after `lead`, wrapped at 100 columns, later lines indented
/// `hang` columns further than the first (keeping the lead's `│`, if any).
fn wrap(lead: &str, hang: usize, text: &str) {
    let mut indent: String = lead
        .chars()
        .map(|c| if c == '│' { c } else { ' ' })
        .collect();
    indent.push_str(&" ".repeat(hang));
    let mut line = lead.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > 100 {
            println!("{line}");
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    println!("{line}");
}

/// The postmortem, as the template's sections.
fn postmortem() -> Result<PostmortemInput> {
    let mut postmortem = PostmortemInput::new(
        "Document uploads failing after deploy 2026.05.04-1",
        PostmortemStatus::Published,
    )
    .date("2026-05-05".parse()?)
    .severity(Severity::Sev1)
    .owners(["Ada", "Ken"])
    .summary("Uploads failed for every tenant for 27 minutes after a storage client upgrade.")
    .impact(
        "No tenant could upload documents from 09:00 to 09:27 UTC; 214 OCR jobs were re-queued, none processed twice.",
    )
    .root_cause("Storage client 12.4 treats HTTP 409 from Blob Storage as fatal instead of retrying.")
    .what_worked("The triage checks pointed at the deploy within five minutes; the rollback took nine.")
    .what_did_not_work("No upload smoke test in the deploy gate; the first escalation lacked a scribe.")
    .action_item(
        ActionItemInput::new("Add an upload smoke test to the deploy gate", "Grace")
            .due("2026-05-20".parse()?)
            .guardrail(Guardrail::Test),
    )
    .action_item(
        ActionItemInput::new("Pin the storage client; upgrade it behind a canary", "Linus")
            .due("2026-05-27".parse()?),
    )
    .missing_guardrail(true);
    for (time, event) in [
        ("2026-05-04T08:58:00Z", "2026.05.04-1 reaches production"),
        ("2026-05-04T09:00:00Z", "Uploads start failing"),
        ("2026-05-04T09:05:00Z", "Incident declared (SEV2)"),
        ("2026-05-04T09:14:00Z", "Escalated to SEV1"),
        ("2026-05-04T09:18:00Z", "Rollback to 2026.05.03-2 started"),
        ("2026-05-04T09:27:00Z", "Uploads recover"),
        ("2026-05-04T10:05:00Z", "Resolved after verification"),
    ] {
        postmortem = postmortem.timeline_entry(time.parse()?, event);
    }
    Ok(postmortem)
}

/// The `n`th command's id. Real senders make a fresh one per command and
/// keep it when they retry, which is what makes a retry a duplicate.
fn command_id(n: u128) -> CommandId {
    CommandId::new(Uuid::from_u128(
        0x0196_9a3c_5f00_7b00_8000_0000_0000_0000 + n,
    ))
}
