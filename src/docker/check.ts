// What an evaluation (`call: check`, `outline`, `targets`) returned: buildx writes the frontend's
// result into its metadata file (`result.json`, `result.statuscode`), also when the check fails
// the command. Pure.
import { warningCount } from '../report.js';

/** One rule a `check` found broken, where, and what it says. */
export interface CheckWarning {
  rule: string;
  detail: string;
  /** `Dockerfile:5`; the file alone when the frontend gave no line. */
  where: string;
  url: string;
}

interface Position {
  line?: number;
}
interface RawWarning {
  ruleName?: string;
  detail?: string;
  description?: string;
  url?: string;
  location?: { sourceIndex?: number; ranges?: { start?: Position }[] };
}

/** The method of a `call` value (`check,format=json` → `check`); '' for a build. */
export function callMethod(call: string): string {
  const method = call.split(',')[0]!;
  return method === 'build' ? '' : method;
}

/**
 * The warnings of a `check` from buildx's metadata file, or undefined when it holds no check
 * result (another call, an older buildx, a build that failed before the check ran).
 */
export function checkWarnings(metadataJson: string | undefined): CheckWarning[] | undefined {
  if (!metadataJson) return undefined;
  let result: { warnings?: RawWarning[]; sources?: { filename?: string }[] } | undefined;
  try {
    result = (JSON.parse(metadataJson) as Record<string, typeof result>)['result.json'];
  } catch {
    return undefined;
  }
  if (!result || typeof result !== 'object') return undefined;
  return (result.warnings ?? []).map((warning) => {
    const file = result.sources?.[warning.location?.sourceIndex ?? 0]?.filename ?? 'Dockerfile';
    const line = warning.location?.ranges?.[0]?.start?.line;
    return {
      rule: warning.ruleName ?? 'unnamed rule',
      detail: warning.detail ?? warning.description ?? '',
      where: line ? `${file}:${line}` : file,
      url: warning.url ?? '',
    };
  });
}

/** The stage error's text for a check that found warnings. */
export function checkProblem(warnings: CheckWarning[]): string {
  const found = warnings.map((w) => `${w.rule} (${w.where}): ${w.detail}`).join('; ');
  return `check found ${warningCount(warnings.length)}: ${found}`;
}
