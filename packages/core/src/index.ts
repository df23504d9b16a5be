/**
 * @release-gates/core: what every gate and front end shares. The gates live
 * under their own entry points (@release-gates/core/coverage, /perf,
 * /security), promote under /promote, the front-end generators under /frontends.
 */

export { BREAK_GLASS_OPTIONS, type BreakGlass, breakGlass, validateBreakGlass } from "./break-glass.js";
export { type ChangedLines, parseUnifiedDiff } from "./diff.js";
export { CalendarDate, Duration, formatDuration, formatInstant, isCalendarDate, parseDuration } from "./durations.js";
export { ConfigurationError, describeInternalError, quoted } from "./errors.js";
export { Environment, findGate, GATES, type GateId, Policy, type PolicyInput } from "./gates.js";
export {
  type AnyGateDescriptor,
  defineGate,
  type FrontEnd,
  type GateDescriptor,
  type GateDocument,
  type GateOption,
  type GateOutput,
  type GateRenderers,
  type OptionKind,
  type SettingsOverrides,
} from "./kit/descriptor.js";
export { GATE_EXIT_CODES, helpLine, isRepeatable, renderCommandHelp, UNAVAILABLE_EXIT_CODE } from "./kit/help.js";
export {
  actionDefaultOf,
  commonOptions,
  convertOptionText,
  defaultReportPath,
  gitlabDefaultOf,
  type OptionSource,
  OUTPUT_FORMATS,
  optionChoices,
  optionLabel,
  optionsFor,
  parseBooleanText,
  type ReadOptions,
  readGateOptions,
  readOptions,
  schemaAt,
  WORKING_DIRECTORY_OPTION,
} from "./kit/options.js";
export { type CommandView, gateView } from "./kit/view.js";
export { defaultPolicy, type LoadedPolicy, POLICY_FILE, readPolicy, resolveGateSettings } from "./policy/load.js";
export { Analysis, AnalysisMetric, CalendarWindow, composePolicySchema, type GateSettingsEntry } from "./policy/schema.js";
export { ANNOTATIONS_PER_LEVEL, type AnnotationSelection, renderWorkflowCommands, selectAnnotations } from "./render/annotations.js";
export { escapeCell, fileReference, MAX_SUMMARY_BYTES, type RenderLinks, renderChecksTable, renderMarkdown, section, table } from "./render/markdown.js";
export { renderBlockingFindings, renderText } from "./render/text.js";
export { buildReport, canonicalJson, deriveGateStatus, effectiveStatus, type ReportParts, sha256 } from "./report/build.js";
export {
  Check,
  CheckStatus,
  Finding,
  GateReport,
  GateStatus,
  Location,
  NoDataOutcome,
  Predicate,
  REPORT_PREDICATE_TYPE,
  STATEMENT_TYPE,
  Subject,
} from "./report/schema.js";
export { policyJsonSchema, reportJsonSchema } from "./schemas.js";
export { describeZodError, formatKeyPath, parseJsonText, validateAs, valueAt } from "./validation.js";
export { TOOL_NAME, TOOL_VERSION } from "./version.js";
