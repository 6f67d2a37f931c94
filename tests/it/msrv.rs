//! The minimum supported Rust version (issue 12 §4), as far as it can be
//! checked without a second toolchain: every package in the lockfile
//! declares a `rust-version` no newer than ours (or none), the workspace
//! members all declare ours, and clippy's `incompatible_msrv` (std APIs newer
//! than the MSRV) is denied. It does not prove that 1.89 compiles the
//! workspace: language features, and dependencies that declare no
//! `rust-version` or declare it wrongly, are only caught by building with
//! 1.89 itself.

use std::process::Command;

use serde_json::Value;

/// Ours: `rust-version` in Cargo.toml, as cargo gives it to the build.
const MSRV: &str = env!("CARGO_PKG_RUST_VERSION");

/// `1.89` or `1.89.0` as (major, minor, patch).
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap());
    let major = parts.next().unwrap();
    (major, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Every package the lockfile resolves for the workspace, all features, all
/// platforms: (name, version, rust-version).
fn resolved() -> Vec<(String, String, Option<String>)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let resolved: Vec<&str> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| resolved.contains(&p["id"].as_str().unwrap()))
        .map(|p| {
            let field = |k: &str| p[k].as_str().map(str::to_owned);
            (
                field("name").unwrap(),
                field("version").unwrap(),
                field("rust_version"),
            )
        })
        .collect()
}

#[test]
fn no_dependency_needs_a_newer_rust_than_ours() {
    assert_eq!(version(MSRV), (1, 89, 0));
    let packages = resolved();
    assert!(packages.len() > 100, "{}", packages.len());
    let newer: Vec<String> = packages
        .iter()
        .filter_map(|(name, v, rust)| {
            let rust = rust.as_deref()?;
            (version(rust) > version(MSRV)).then(|| format!("{name} {v} needs {rust}"))
        })
        .collect();
    assert!(newer.is_empty(), "newer than {MSRV}: {newer:?}");
    // The workspace's own crates declare the same MSRV.
    for member in ["incident-playbook", "incident-store", "incident-service"] {
        let declared = packages.iter().find(|(name, ..)| name == member).unwrap();
        assert_eq!(
            declared.2.as_deref().map(version),
            Some(version(MSRV)),
            "{member}"
        );
    }
}

#[test]
fn clippy_denies_std_apis_newer_than_the_msrv() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        workspace.contains("[workspace.lints.clippy]\nincompatible_msrv = \"deny\""),
        "the workspace denies clippy::incompatible_msrv"
    );
    for member in ["Cargo.toml", "store/Cargo.toml", "service/Cargo.toml"] {
        let manifest = std::fs::read_to_string(root.join(member)).unwrap();
        assert!(
            manifest.contains("[lints]\nworkspace = true"),
            "{member} takes the workspace's lints"
        );
    }
}
