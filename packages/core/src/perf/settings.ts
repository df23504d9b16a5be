import * as z from "zod";
import { NoDataOutcome } from "../report/schema.js";

/** k6's `options.thresholds` shape: selector → expressions (one string or a list). */
export const PerfThresholds = z.record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]));

export const PerfSettings = z.strictObject({
  /** k6 end-of-test summary (any of its three shapes). */
  summary: z.string().min(1).optional(),
  /** k6 `--out json` NDJSON results: thresholds are then computed from the samples. */
  results: z.string().min(1).optional(),
  thresholds: PerfThresholds.optional(),
  /** http_req_failed rate<0.01 and checks rate>0.99 when those metrics exist and no threshold is set for them. */
  defaultThresholds: z.boolean().default(true),
  /** The load the test must actually have reached. */
  traffic: z.strictObject({ minRps: z.number().positive().optional(), minVus: z.number().int().positive().optional() }).optional(),
  /** A previous run (summary or NDJSON) to compare against, e.g. from the main branch. */
  baseline: z.string().min(1).optional(),
  regression: z
    .strictObject({
      /** Metrics (trends) compared with the baseline. */
      metrics: z.array(z.string().min(1)).min(1).default(["http_req_duration"]),
      /** Significance level of the one-sided Mann-Whitney U test on samples. */
      alpha: z.number().gt(0).lt(1).default(0.01),
      /** Smallest median shift (%) that counts as a regression: noise and tiny shifts do not fail builds. */
      minShiftPercent: z.number().min(0).default(5),
      /** With summaries only: the largest allowed increase (%) of `stat`. */
      maxIncreasePercent: z.number().min(0).default(10),
      stat: z
        .string()
        .regex(/^(avg|min|max|med|p\(\d+(\.\d+)?\))$/, "avg, min, max, med or p(N)")
        .default("p(95)"),
    })
    .default({ metrics: ["http_req_duration"], alpha: 0.01, minShiftPercent: 5, maxIncreasePercent: 10, stat: "p(95)" }),
  resources: z
    .strictObject({
      /** CSV (time,cpu_percent,memory_bytes) or JSON time series of the service's resource use during the test. */
      samples: z.string().min(1).optional(),
      /** Or: read them from Prometheus over the test's time window (needs the NDJSON results for the window). */
      prometheus: z
        .strictObject({
          url: z.url(),
          /** A PromQL query giving one series of CPU use in percent. */
          cpuQuery: z.string().min(1).optional(),
          /** A PromQL query giving one series of memory use in bytes. */
          memoryQuery: z.string().min(1).optional(),
          stepSeconds: z.number().positive().default(15),
        })
        .optional(),
      maxCpuPercent: z.number().positive().optional(),
      avgCpuPercent: z.number().positive().optional(),
      maxMemoryBytes: z.number().positive().optional(),
    })
    .optional(),
  /** A threshold whose metric has no samples fails by default (k6 itself calls it ok). */
  onNoData: NoDataOutcome.default("fail"),
});

export type PerfSettings = z.infer<typeof PerfSettings>;
