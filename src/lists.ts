// Splitting of multi-value inputs, kept in one place so every input splits the same way, and the
// way docker/build-push-action splits them (actions-toolkit's getInputList: CSV records, one per
// line, where a field that starts with `"` may hold commas and line breaks and `""` is a quote).

export interface ListOptions {
  /** Split on commas as well as line breaks (default true). */
  commas?: boolean;
  /** Honour double quotes (default true); `outputs` takes them literally. */
  quotes?: boolean;
}

/** CSV records: lines of comma-separated fields, with quoted fields. */
function records(raw: string, quotes: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  const text = raw.replace(/\r\n?/g, '\n');
  const endField = (): void => {
    row.push(field);
    field = '';
    fieldStart = true;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') field += text[i++];
      else quoted = false;
    } else if (char === '"' && fieldStart && quotes) {
      quoted = true;
      fieldStart = false;
    } else if (char === ',') {
      endField();
    } else if (char === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else {
      field += char;
      fieldStart = false;
    }
  }
  if (quoted)
    throw new Error(
      'has a " that is never closed (double it, "", for a quote inside a quoted item)',
    );
  endField();
  rows.push(row);
  return rows;
}

/**
 * Items one per line (and comma-separated unless `commas` is false); blanks dropped, items
 * trimmed. Throws on an unclosed quote, which would otherwise swallow the lines after it.
 */
export function splitList(
  raw: string,
  { commas = true, quotes = true }: ListOptions = {},
): string[] {
  return records(raw, quotes)
    .flatMap((fields) =>
      commas ? fields.flatMap((field) => field.split(',')) : [fields.join(',')],
    )
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `KEY=value` at the first `=`; `value` is undefined without one. */
export function splitKeyValue(item: string): { key: string; value: string | undefined } {
  const eq = item.indexOf('=');
  return eq < 0
    ? { key: item, value: undefined }
    : { key: item.slice(0, eq), value: item.slice(eq + 1) };
}
