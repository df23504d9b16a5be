/**
 * The release process's chain, shipped as the starting policy
 * (`release-gates init` writes it): development → staging → testnet (two
 * weeks) → canary (5 %, watched 24 h, analysed, rolled back on trouble) →
 * mainnet (5 → 25 → 100 % a day apart, no Fridays, no holiday freeze),
 * with every sign-off the process names on the environment where it belongs.
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
  signoff:
    reviews: { approvals: 2 }        # two developers with write access, neither the author
    paths:
      # Smart-contract changes need a security review on top (replace @your-org/security).
      - { name: security review, pattern: "contracts/", approvals: 2, from: ["@your-org/security"] }
    signoffs:
      file: release/signoffs.yml     # role, item, person, date, commit or version: written by the signer's own commit
      maxAge: 30d
      required:
        # Major changes (these paths) need an architecture review before staging.
        - { role: architecture, from: ["@your-org/architects"], paths: ["src/core/", "api/"] }
  observability:
    telemetry: { collector: [otel/collector.yaml] }
# prometheus: { url: http://prometheus.monitoring:9090 }   # for canary analysis and soak health
environments:
  - name: development
  - name: staging
    requires: [coverage, security, signoff]
  - name: testnet
    requires: [coverage, perf, security, signoff, observability]
    after: { staging: 1d }
    gates:
      observability: { live: { required: true } }   # rules and dashboards seen in Prometheus and Grafana
      signoff:
        signoffs:
          required:
            - { role: architecture, from: ["@your-org/architects"], paths: ["src/core/", "api/"] }
            - { role: qa, items: [user-flows, edge-cases], from: ["@your-org/qa"] }
  - name: canary
    requires: [coverage, perf, security, signoff, observability]
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
    gates:
      observability: { live: { required: true } }
      signoff:
        signoffs:
          required:
            - { role: qa, items: [user-flows, edge-cases], from: ["@your-org/qa"] }
            # User-facing changes: acceptance criteria met, UX validated, support trained.
            - { role: product, items: [acceptance-criteria, ux-validated], from: ["@your-org/product"], paths: ["web/", "app/"] }
            - { role: support, items: [trained], from: ["@your-org/support"], paths: ["web/", "app/"] }
  - name: mainnet
    requires: [coverage, perf, security, signoff, observability]
    after: { canary: 48h }
    gates:
      observability: { live: { required: true } }
      signoff:
        signoffs:
          required:
            - { role: stakeholder, from: ["@your-org/product-leads"] }
            # Legal: each item signed, or signed as not applicable with the reason.
            - { role: legal, items: [terms-of-service, privacy-policy, regulatory, geo-restrictions], from: ["@your-org/legal"] }
    #   security:
    #     audits: { requirePenTest: true, penTestMaxAge: 180d }
    #     checklists: [security/mainnet-checklist.md]
    rollout: { steps: [5, 25, 100], wait: 24h }
    freeze:
      deny:
        - { days: [fri, sat, sun], timezone: Europe/Berlin, reason: no mainnet promotions from Friday to Sunday }
        - { from: "2026-12-20", to: "2027-01-05", timezone: Europe/Berlin, reason: holiday freeze }
`;
