// Email addresses as people write them in workflow inputs: `a@x.io`, `Ann <a@x.io>`, `"Doe, Ann" <a@x.io>`.

export interface Address {
  email: string;
  name?: string;
}

// Pragmatic check (what SendGrid accepts in practice): local@domain.tld, no spaces or brackets.
const EMAIL =
  /^[^\s@<>()[\]",;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * Splits on `separator`, else on commas, semicolons and newlines that are not inside quotes or
 * angle brackets.
 */
function splitAddresses(raw: string, separator: string): string[] {
  if (separator)
    return raw
      .split(separator)
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const char of raw) {
    if (char === '"') quoted = !quoted;
    else if (char === '<' && !quoted) angled = true;
    else if (char === '>' && !quoted) angled = false;
    if (!quoted && !angled && /[,;\n\r]/.test(char)) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Parses one address; throws an Error saying what is wrong with it. */
export function parseAddress(text: string): Address {
  const angled = /^(.*?)\s*<([^<>]*)>$/.exec(text);
  const email = (angled ? angled[2]! : text).trim();
  const name = angled
    ? angled[1]!
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim()
    : '';
  if (!EMAIL.test(email)) {
    throw new Error(
      `"${text}" is not an email address (expected name@example.com or Name <name@example.com>)`,
    );
  }
  return name ? { email, name } : { email };
}

/**
 * Parses a list of addresses, split on `separator` when one is given; duplicates within the list
 * are an error (SendGrid rejects them).
 */
export function parseAddressList(raw: string, separator = ''): Address[] {
  const addresses = splitAddresses(raw, separator).map(parseAddress);
  const seen = new Set<string>();
  for (const { email } of addresses) {
    const key = email.toLowerCase();
    if (seen.has(key)) throw new Error(`${email} is listed twice`);
    seen.add(key);
  }
  return addresses;
}

/** `alice@example.com` → `a***@example.com`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
