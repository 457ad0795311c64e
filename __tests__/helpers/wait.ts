// Waiting for something the test cannot be told about, in a loop that stops by itself.

/** `check` every 250 ms until it gives a value; an error naming `what` after `seconds`. */
export async function until<T>(what: string, check: () => T | undefined, seconds = 30): Promise<T> {
  for (let i = 0; i < seconds * 4; i++) {
    const found = check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not within ${seconds} s: ${what}`);
}
