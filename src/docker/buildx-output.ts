// Reading `docker buildx build`'s output: what BuildKit says it exported, and from a failed
// build's last lines whether the push failed (buildx builds and pushes in one command) and
// whether this buildx is too old for an input. Pure.
import type { PlatformImage } from './manifest.js';

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

/**
 * One line of BuildKit's export step in plain progress, e.g. `#5 exporting config sha256:…`.
 * A RUN step's output is printed behind its time (`#7 0.123 …`), so it cannot look like one.
 */
const EXPORT_LINE =
  /^#(\d+) exporting (manifest list|attestation manifest|manifest|config) (sha256:[a-f0-9]{64})\b/;

/**
 * Whether a progress line says the result went into docker's own image store: dockerd's BuildKit
 * (the docker driver) writes or names it there, another BuildKit's `load` imports it. A push from another
 * BuildKit says neither.
 */
export function storedInDocker(line: string): boolean {
  return /^#\d+ (writing image sha256:|naming to |unpacking to |importing to docker)/.test(line);
}

/** What one line of the export step says BuildKit wrote, in which step. */
export interface ExportedBlob {
  step: string;
  kind: string;
  digest: string;
}

/** The blob an export line names; undefined for any other line. */
export function exportedBlob(line: string): ExportedBlob | undefined {
  const match = EXPORT_LINE.exec(line);
  return match ? { step: match[1]!, kind: match[2]!, digest: match[3]! } : undefined;
}

/**
 * The image BuildKit exported as `digest` (the metadata's containerimage.digest), from what it
 * printed while exporting it: the manifest and config of the export step whose manifest list, or
 * manifest, is that digest. A single-platform index holds one image and its attestations. Saves
 * reading an index back from the registry, and is the only place the config digest shows when
 * the containerd image store holds the result (buildx leaves it out of the metadata there).
 * Undefined when the lines do not say it for sure (several images, another progress mode, lines
 * missing). `platform` is the one the build asked for, '' for the builder's default (the lines
 * do not name it).
 */
export function exportedImage(
  blobs: ExportedBlob[],
  digest: string,
  platform: string,
): PlatformImage | undefined {
  const step = blobs.find(
    (b) => (b.kind === 'manifest list' || b.kind === 'manifest') && b.digest === digest,
  )?.step;
  if (step === undefined) return undefined;
  // A slow export prints a line twice, as it starts and when done: one blob, not two.
  const ofStep = (kind: string): string[] => [
    ...new Set(blobs.filter((b) => b.step === step && b.kind === kind).map((b) => b.digest)),
  ];
  const [manifests, configs] = [ofStep('manifest'), ofStep('config')];
  if (manifests.length !== 1 || configs.length !== 1) return undefined;
  return { platform, manifest: manifests[0]!, config: configs[0]! };
}
