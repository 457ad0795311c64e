// Splitting of multi-value inputs, kept in one place so every input splits the same way.

/** Items separated by newlines (and by commas unless `commas` is false); blanks dropped. */
export function splitList(raw: string, { commas = true } = {}): string[] {
  const separator = commas ? /[\r\n,]+/ : /[\r\n]+/;
  return raw
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** One `KEY=value` per line; the value keeps commas and further `=`. `value` is undefined without `=`. */
export function splitKeyValueLines(raw: string): { key: string; value: string | undefined }[] {
  return splitList(raw, { commas: false }).map((line) => {
    const eq = line.indexOf('=');
    return eq < 0
      ? { key: line, value: undefined }
      : { key: line.slice(0, eq), value: line.slice(eq + 1) };
  });
}
