// The reader every input goes through: it collects problems, so the user sees all of them in
// one run, and each problem names its input and what is expected.

import { type ListOptions, splitList } from '../lists.js';

export type InputReader = (name: string) => string;

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs are invalid:\n${problems.join('\n')}`,
    );
    this.name = 'InputError';
  }
}

/** Collects problems so the user sees all of them in one run. */
export class Checker {
  readonly problems: string[] = [];
  constructor(private readonly read: InputReader) {}

  /** A single-value input, trimmed. */
  value(name: string): string {
    return this.read(name).trim();
  }

  /** The input as written (multi-line inputs keep their lines). */
  text(name: string): string {
    return this.read(name);
  }

  /** A list input, split as docker/build-push-action splits it (lists.ts). */
  list(name: string, options?: ListOptions): string[] {
    return this.attempt(name, () => splitList(this.read(name), options)) ?? [];
  }

  fail(name: string, message: string): void {
    this.problems.push(`Input "${name}": ${message}`);
  }

  /** Records `message` as the one problem of `name`, in place of what was found before. */
  failOnly(name: string, message: string): void {
    const prefix = `Input "${name}": `;
    const kept = this.problems.filter((problem) => !problem.startsWith(prefix));
    this.problems.splice(0, this.problems.length, ...kept);
    this.fail(name, message);
  }

  /** Runs `parse` and records its Error as a problem of `name`. */
  attempt<T>(name: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      this.fail(name, (error as Error).message);
      return undefined;
    }
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.value(name);
    if (value === '') return fallback;
    // YAML 1.2 core schema, as core.getBooleanInput accepts.
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    this.fail(name, `expected true or false, got "${value}"`);
    return fallback;
  }

  seconds(name: string, fallback: number): number {
    const value = this.value(name);
    if (value === '') return fallback;
    const parsed = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(parsed > 0) || parsed > 3600) {
      this.fail(name, `expected a number of seconds between 0 and 3600, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  httpUrl(name: string, value: string): string {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.fail(name, `"${value}" is not a URL (expected http:// or https://…)`);
      return value;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.fail(name, `"${value}" must be an http:// or https:// URL`);
    } else if (url.username || url.password) {
      // Credentials in a URL end up in logs and summaries; tokens have their own inputs.
      this.fail(name, 'a URL must not contain credentials; use the token input instead');
    } else if (url.search || url.hash) {
      this.fail(name, `"${value}" must be a base URL without ?query or #fragment`);
    }
    return value.replace(/\/+$/, '');
  }

  choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const value = this.value(name);
    if (value === '') return fallback;
    if ((options as readonly string[]).includes(value)) return value as T;
    this.fail(name, `expected one of ${options.join(', ')}, got "${value}"`);
    return fallback;
  }
}
