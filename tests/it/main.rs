//! The integration tests, one test crate with a module per subject (as
//! `jiff`'s `tests/integration` is): one build, one binary, and one fixture
//! (`fixture`) that every module drives incidents with.
//!
//! Run one subject with a filter: `cargo test --all-features --test it rules::`.
//! `tests/alloc.rs` stays a crate of its own: it installs a global allocator
//! and must be the only test running while it counts.

// Not every module uses every builder of the fixture.
#[allow(dead_code)]
mod fixture;

mod as_of;
mod cdevents;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
mod cli_messages;
#[cfg(feature = "cli")]
mod cli_new;
mod conformance;
mod contract;
mod document;
mod embedding;
mod generate;
#[cfg(feature = "cli")]
mod golden;
mod guide;
mod hostile;
mod incidents;
mod lint;
mod messages;
mod msrv;
mod properties;
mod readme;
#[cfg(feature = "cli")]
mod records;
mod renderings;
mod restore;
mod rules;
#[cfg(feature = "schema")]
mod schema;
mod senders;
mod sharing;
mod tamper;
mod targets;
#[cfg(feature = "proptest")]
mod testkit;
mod timeline_svg;
mod times;
