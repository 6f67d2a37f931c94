//! What people and other tools read of an incident: the report, the
//! postmortem draft and its Markdown, and the CDEvents export.
//!
//! Views sit above the incident model: they read an [`Incident`] through its
//! public accessors and are never imported by the model.
//!
//! [`Incident`]: crate::Incident

pub mod cdevents;
pub(crate) mod draft;
pub(crate) mod markdown;
pub(crate) mod moments;
pub mod report;
