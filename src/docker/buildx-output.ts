// Reading a failed `docker buildx build` from its last lines: whether the push failed (buildx
// builds and pushes in one command), and whether this buildx is too old for an input. Pure.

/**
 * Whether a failed `docker buildx build --push` failed while pushing rather than building, from
 * its last lines: BuildKit says "failed to push <ref>", the docker driver "pushing <ref> with docker".
 */
export function failedWhilePushing(logTail: string): boolean {
  return /failed to push |> pushing \S+ with docker/.test(logTail);
}

/** Inputs whose flag an older buildx does not know, and the first buildx that has it. */
const NEWER_FLAGS: Record<string, [input: string, since: string]> = {
  '--annotation': ['annotations', '0.12'],
  '--call': ['call', '0.15'],
};

/** The problem, naming the input, when buildx stopped at a flag it does not know. */
export function unknownFlagProblem(logTail: string): string | undefined {
  const flag = /unknown flag: (--[a-z-]+)/.exec(logTail)?.[1] ?? '';
  const newer = NEWER_FLAGS[flag];
  return newer
    ? `Input "${newer[0]}": this buildx does not know ${flag} (buildx ${newer[1]} or later has it)`
    : undefined;
}
