// Hand-written TypeScript that must type-check (tsc --strict) against the types that
// json-schema-to-typescript generates from schemas/command.schema.json: the generated
// command type is closed, like the wire (unknown fields and unknown enum values are
// refused), so each marked line below must be a type error. run.sh compiles this file
// next to the generated types (target/interop/run/ts/), where ./roots re-exports them.
//
// If these fail with "Unused '@ts-expect-error' directive", the generated types accept
// anything: typically a command variant is not closed with additionalProperties: false,
// or it puts its fields behind a "$ref" next to "properties" (json-schema-to-typescript
// then drops the referenced fields and emits an index signature).
import type { Command } from "./roots";

export const closeWithUnknownField: Command = {
  type: "close",
  incident_id: "e2181857-7398-5cf2-aad9-acc3150b8632",
  command_id: "0b7c4a52-9d7e-4c1e-8f43-4f1f5a3f1a10",
  at: "2026-05-04T12:00:00Z",
  // @ts-expect-error unknown fields are refused (additionalProperties: false)
  colour: "red",
};

export const declareUnknownSeverity: Command = {
  type: "declare",
  incident_id: "e2181857-7398-5cf2-aad9-acc3150b8632",
  command_id: "5d1f0f7e-3a5b-4b8e-9a53-2a0b3f0e6c21",
  at: "2026-05-04T09:05:00Z",
  title: "Document uploads failing",
  // @ts-expect-error SEV5 is no severity
  severity: "SEV5",
  impact: {
    environment: "production",
    users: "All tenants uploading documents",
    feature: "Document upload",
    started_at: "2026-05-04T09:00:00Z",
  },
  roles: { commander: "Ada", communications_owner: "Linus", scribe: "Ken", engineering_lead: "Linus" },
  update: {
    impact: "Uploads fail for all users",
    action: "Checking the 09:02 deploy",
    next_update: "2026-05-04T09:35:00Z",
    owner: "Ada",
  },
};
