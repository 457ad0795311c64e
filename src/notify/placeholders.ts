// `{{ name }}` placeholders in the subject, text and HTML inputs, and the three of
// mmichailidis/sendgrid-mail-action (`$EVENT$`, `$ISSUE$`, `$ACTION$`), so that its text works here.

export const PLACEHOLDERS = [
  'status',
  'image',
  'digest',
  'short-digest',
  'imageid',
  'short-imageid',
  'tags',
  'repository',
  'ref',
  'sha',
  'short-sha',
  'actor',
  'commit-message',
  'run-url',
  'commit-url',
  'workflow',
  'event',
  'issue',
  'action',
  'duration',
  'failed-stage',
  'error',
  'deploy-status',
  'deploy-result',
] as const;

export type PlaceholderName = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<PlaceholderName, string>;

const PATTERN = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** mmichailidis/sendgrid-mail-action's placeholders, and the values they stand for here. */
const DOLLAR_PLACEHOLDERS: Record<string, PlaceholderName> = {
  EVENT: 'event',
  ISSUE: 'issue',
  ACTION: 'action',
};

/** Both kinds at once, so that a value put in (a commit message saying `$ISSUE$`) stays as it is. */
const ANY_PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}|\$(EVENT|ISSUE|ACTION)\$/g;

/** Names used in `template` that are not placeholders. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  return [...template.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !known.has(name));
}

/** Replaces every placeholder; `escape` is applied to each value (e.g. HTML escaping). */
export function fillPlaceholders(
  template: string,
  values: PlaceholderValues,
  escape: (value: string) => string = (value) => value,
): string {
  return template.replace(ANY_PLACEHOLDER, (whole, name: string | undefined, dollar?: string) => {
    const key = dollar ? DOLLAR_PLACEHOLDERS[dollar] : name;
    return key && key in values ? escape(values[key as PlaceholderName]) : whole;
  });
}
