/**
 * The release process's chain, shipped as the starting policy
 * (`release-gates init` writes it): development → staging → testnet (two
 * weeks) → canary (5 %, watched 24 h, analysed, rolled back on trouble) →
 * mainnet (5 → 25 → 100 % a day apart, no Fridays, no holiday freeze).
 */
export const RELEASE_PROCESS_TEMPLATE = `# yaml-language-server: $schema=https://release-gates.dev/schema/policy.schema.json
# The release policy: what each environment requires before a commit may enter it.
version: 1
gates:
  coverage:
    thresholds:
      global: { lines: 80 }
    patch: { threshold: 80 }
  security:
    # No sbom: one is generated with @cyclonedx/cyclonedx-npm from package.json and the lock file.
    advisories: osv/npm.zip          # an OSV snapshot fetched before the gate runs
    failOn: high                     # critical and high must be fixed
    requireAcceptanceFrom: medium    # medium: fixed, or accepted in security/accepted-risks.yml
    secrets: { scan: true }
    # Smart contracts: two independent audits of each contract's current code, reports published.
    # audits: { manifest: audits/audits.yml, contracts: ["contracts/**/*.sol"], minFirms: 2 }
    # staticAnalysis: [slither.sarif]
# prometheus: { url: http://prometheus.monitoring:9090 }   # for canary analysis and soak health
environments:
  - name: development
  - name: staging
    requires: [coverage, security]
  - name: testnet
    requires: [coverage, perf, security]
    after: { staging: 1d }
  - name: canary
    requires: [coverage, perf, security]
    after: { testnet: 14d }          # two weeks on testnet before any real traffic
    canary:
      traffic: 5
      watch: 24h
      analysis:
        interval: 1h
        count: 3
        failureLimit: 0
        metrics:
          - name: error-rate
            query: 'sum(rate(http_requests_total{track="{{variant}}",code=~"5.."}[5m])) / sum(rate(http_requests_total{track="{{variant}}"}[5m]))'
            max: 0.01
            maxIncreasePercent: 50
    rollbackTo: mainnet
  - name: mainnet
    requires: [coverage, perf, security]
    after: { canary: 48h }
    # gates:
    #   security:
    #     audits: { requirePenTest: true, penTestMaxAge: 180d }
    #     checklists: [security/mainnet-checklist.md]
    rollout: { steps: [5, 25, 100], wait: 24h }
    freeze:
      deny:
        - { days: [fri, sat, sun], timezone: Europe/Berlin, reason: no mainnet promotions from Friday to Sunday }
        - { from: "2026-12-20", to: "2027-01-05", timezone: Europe/Berlin, reason: holiday freeze }
`;
