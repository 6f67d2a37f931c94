//! What a store keeps (one row per accepted command) and what it can answer.

use incident_playbook::{Command, IncidentId, PlaybookId};

use crate::Error;

/// One stored row: an accepted command and the version it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The incident's version after this command.
    pub version: u64,
    /// The command, as accepted.
    pub command: Command,
    /// The playbook it was judged under, when that playbook names itself
    /// (`None` too for rows stored before the store kept it). The first
    /// row's is the playbook the incident was declared under.
    pub playbook: Option<PlaybookId>,
}

/// What [`Store::append`](crate::Store::append) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Append {
    /// The row is stored.
    Stored,
    /// Another writer stored this version or this command id first; nothing
    /// was stored. The caller reloads and lets the crate judge again.
    Conflict,
}

/// A row as a backend reads it, checked against its keys: the command must
/// be valid JSON of a command of `incident` with the row's command id.
pub(crate) fn parse(
    incident: IncidentId,
    version: i64,
    command_id: &str,
    json: &str,
    playbook: Option<&str>,
) -> Result<Row, Error> {
    let command: Command = serde_json::from_str(json)
        .map_err(|e| Error::corrupt(incident, format!("version {version}: {e}")))?;
    let playbook = playbook
        .map(serde_json::from_str::<PlaybookId>)
        .transpose()
        .map_err(|e| Error::corrupt(incident, format!("version {version}: playbook: {e}")))?;
    let version = u64::try_from(version)
        .map_err(|_| Error::corrupt(incident, format!("version {version} is below 1")))?;
    if command.incident_id != incident || command.command_id.to_string() != command_id {
        return Err(Error::corrupt(
            incident,
            format!("version {version}: the row's keys are not its command's"),
        ));
    }
    Ok(Row {
        version,
        command,
        playbook,
    })
}

/// The playbook identity as the column keeps it (its JSON; `NULL` when the
/// playbook names itself not).
pub(crate) fn playbook_json(
    incident: IncidentId,
    playbook: Option<&PlaybookId>,
) -> Result<Option<String>, Error> {
    playbook
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::corrupt(incident, e.to_string()))
}

/// The commands of `rows`, which must be versions 1, 2, 3, … in order.
pub(crate) fn checked_history(incident: IncidentId, rows: Vec<Row>) -> Result<Vec<Command>, Error> {
    let mut history = Vec::with_capacity(rows.len());
    for (expected, row) in (1_u64..).zip(rows) {
        if row.version != expected {
            return Err(Error::corrupt(
                incident,
                format!("row {} where {expected} belongs", row.version),
            ));
        }
        history.push(row.command);
    }
    Ok(history)
}

/// A version as SQL's signed 64-bit integer.
pub(crate) fn sql_version(incident: IncidentId, version: u64) -> Result<i64, Error> {
    i64::try_from(version)
        .map_err(|_| Error::corrupt(incident, format!("version {version} does not fit a bigint")))
}

/// A command as the JSON the crate reads back.
pub(crate) fn to_json(command: &Command) -> Result<String, Error> {
    serde_json::to_string(command).map_err(|e| Error::corrupt(command.incident_id, e.to_string()))
}
