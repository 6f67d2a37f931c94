//! `incident schema`: list the JSON Schemas, or write them out.

use std::io::{self, Write};
use std::path::Path;

use incident_playbook::schema;

use crate::exit::{Fatal, Verdict};

pub fn run(out: Option<&Path>) -> Result<Verdict, Fatal> {
    let schemas = schema::all();
    let mut stdout = io::stdout().lock();
    match out {
        None => {
            for s in &schemas {
                writeln!(stdout, "{}\t{}", s.name, s.description)?;
            }
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
            for s in &schemas {
                let path = dir.join(s.file_name());
                std::fs::write(&path, s.to_pretty_json())
                    .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
                writeln!(stdout, "{}", path.display())?;
            }
        }
    }
    Ok(Verdict::Accepted)
}
