// Hand-written TypeScript that must type-check (tsc --strict) against the types that
// json-schema-to-typescript generates from schemas/command.schema.json and
// schemas/snapshot.schema.json. run.sh copies this file next to the generated types
// (target/interop/run/ts/), where ./roots re-exports their root types under fixed names.
import type { Command, Snapshot } from "./roots";

// A valid SEV1 declaration: commander and scribe are different people, the engineering
// lead owns comms, the impact is complete and the update names its next update.
export const declareSev1: Command = {
  type: "declare",
  incident_id: "e2181857-7398-5cf2-aad9-acc3150b8632",
  command_id: "8f6383a5-2b74-5d87-8864-571d8340a53b",
  at: "2026-05-04T09:05:00Z",
  expected_version: 0,
  title: "Document uploads failing",
  severity: "SEV1",
  impact: {
    environment: "production",
    users: "All tenants uploading documents",
    feature: "Document upload",
    started_at: "2026-05-04T09:00:00Z",
    user_impact_active: true,
    flags: ["broad_outage"],
    surfaces: ["api", "frontend"],
    affected_endpoints: ["/api/documents"],
    affected_dependencies: ["Blob Storage"],
  },
  roles: {
    commander: "Ada",
    technical_lead: "Grace",
    communications_owner: "Linus",
    scribe: "Ken",
    engineering_lead: "Linus",
  },
  update: {
    status: "investigating",
    impact: "Uploads fail for all users",
    action: "Checking the 09:02 deploy",
    next_update: "2026-05-04T09:35:00Z",
    owner: "Ada",
  },
};

// The snapshot type exists and carries the fields the contract (docs/contract.md) promises.
export function describe(s: Snapshot): string {
  return `${String(s.incident_id)} v${String(s.version)} ${String(s.phase)} ${String(s.severity)}`;
}

// Narrowing on the tag reaches the declare-only fields.
export function severityOf(c: Command): string | undefined {
  return c.type === "declare" ? String(c.severity) : undefined;
}
