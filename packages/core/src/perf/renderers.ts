import type { GateRenderers } from "../kit/descriptor.js";
import type { PerfDetails } from "./evaluate.js";
import type { PerfExtra } from "./gate.js";
import { perfMarkdownSections, renderLoadPerformance } from "./render.js";

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export const perfRenderers: GateRenderers<PerfExtra> = {
  markdownSections: perfMarkdownSections,
  // The figures a reader of a CI log looks for first.
  terminal(report) {
    const details = report.predicate.details as unknown as PerfDetails;
    const headline = [
      details.p95Ms === null ? undefined : `p(95) ${round(details.p95Ms, 2)} ms`,
      details.errorRate === null ? undefined : `errors ${round(details.errorRate * 100, 2)} %`,
      details.rps === null ? undefined : `${round(details.rps, 2)} req/s`,
    ]
      .filter(Boolean)
      .join(", ");
    return headline ? `${headline}\n` : "";
  },
  documents: {
    "load-performance-out": (_report, extra) => `${JSON.stringify(renderLoadPerformance(extra.run, extra.durationMs), null, 2)}\n`,
  },
};
