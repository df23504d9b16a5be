import * as z from "zod";
import { ConfigurationError } from "../errors.js";
import { describeZodError, parseJsonText } from "../validation.js";

/** What happened to a commit in an environment: a deployment, its outcome, or a recorded decision. */
export const LedgerEntry = z.strictObject({
  time: z.iso.datetime({ offset: true }),
  commit: z.string().regex(/^[0-9a-f]{7,64}$/, "a commit SHA"),
  environment: z.string().min(1),
  /** deployed: running there (at `traffic` %); failed: the deployment failed; rolled-back: replaced by the previous version. */
  event: z.enum(["deployed", "failed", "rolled-back"]),
  traffic: z.number().gt(0).max(100).default(100),
  /** A break-glass promotion: who asked, who approved, why, until when. */
  bypass: z
    .strictObject({ requestedBy: z.string().min(1), approvedBy: z.string().min(1), reason: z.string().min(1), expires: z.iso.datetime({ offset: true }) })
    .optional(),
  note: z.string().optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/**
 * The local deployment history: an append-only NDJSON file, one entry per
 * line. Errors name the line and the field.
 */
export function parseLedger(text: string, source = "ledger"): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    let data: unknown;
    try {
      data = parseJsonText(line, "one JSON object per line", source);
    } catch (error) {
      if (error instanceof ConfigurationError && /ordinary keys/.test(error.detail)) throw new ConfigurationError(error.detail, source, index + 1);
      throw new ConfigurationError(`expected one JSON object per line, found ${JSON.stringify(line.slice(0, 60))}`, source, index + 1);
    }
    const result = LedgerEntry.safeParse(data);
    if (!result.success) throw new ConfigurationError(describeZodError(result.error, data).sentence, source, index + 1);
    entries.push(result.data);
  });
  return entries;
}

/** A ledger line for an entry (the file is only ever appended to). */
export function ledgerLine(entry: z.input<typeof LedgerEntry>): string {
  return `${JSON.stringify(LedgerEntry.parse(entry))}\n`;
}
