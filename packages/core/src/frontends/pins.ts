/**
 * The actions from elsewhere that our workflows and the workflows we
 * generate or show use, pinned by commit SHA with the version as a comment
 * (what OpenSSF Scorecard's Pinned-Dependencies asks for). Dependabot
 * (`.github/dependabot.yml`) proposes updates; a test checks that every
 * workflow in the repository uses these exact pins.
 */
export const PINNED_ACTIONS = {
  checkout: "actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1",
  setupNode: "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0",
  uploadArtifact: "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2",
  downloadArtifact: "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0",
  attestBuildProvenance: "actions/attest-build-provenance@e8998f949152b193b063cb0ec769d69d929409be # v2.4.0",
  uploadSarif: "github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7 # v4.31.9",
  setupK6: "grafana/setup-k6-action@ffe7d7290dfa715e48c2ccc924d068444c94bde2 # v1.1.0",
} as const;
