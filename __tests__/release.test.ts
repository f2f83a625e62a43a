/**
 * Release hygiene: the notes of a release are its CHANGELOG.md section (scripts/changelog-section.js,
 * which refuses a tag without one), and .github/workflows/release.yml runs only for version tags,
 * runs CI before it publishes, and moves the major tag.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.join(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'changelog-section.js');
const read = (relPath: string): string => readFileSync(path.join(ROOT, relPath), 'utf8');
const { changelogSection } = (await import(SCRIPT)) as { changelogSection: (changelog: string, tag: string) => string };

const SAMPLE = `# Changelog

Preamble. An example inside a fence is not a section:

\`\`\`text
## v1.2.3 (2000-01-01)

- not the notes
\`\`\`

## Unreleased

- Coming next.

## v1.2.30 (2026-12-20)

- A later patch whose name starts like v1.2.3.

## v1.2.3 (2026-12-01)

- Fixed the thing.
- Docs:

  \`\`\`yaml
  ## a comment in a snippet, not a heading
  \`\`\`

### Upgrading

Nothing to do.

## v1.2.2

## v1.0.0

- First release.
`;

const NOTES_1_2_3 = `- Fixed the thing.
- Docs:

  \`\`\`yaml
  ## a comment in a snippet, not a heading
  \`\`\`

### Upgrading

Nothing to do.`;

describe('scripts/changelog-section.js', () => {
  test('returns the body of the version section: subsections and fenced snippets included, trimmed, without the heading', () => {
    expect(changelogSection(SAMPLE, 'v1.2.3')).toBe(NOTES_1_2_3);
    expect(changelogSection(SAMPLE, 'v1.2.30')).toBe('- A later patch whose name starts like v1.2.3.');
    expect(changelogSection(SAMPLE, 'v1.0.0')).toBe('- First release.');
  });

  test('fails on a missing version, an empty section, a duplicated section, and a tag that is not vX.Y.Z', () => {
    expect(() => changelogSection(SAMPLE, 'v1.2.4')).toThrow("CHANGELOG.md has no '## v1.2.4' section");
    expect(() => changelogSection(SAMPLE, 'v1.2')).toThrow('not a version tag');
    expect(() => changelogSection(SAMPLE, 'v1.2.2')).toThrow("the '## v1.2.2' section of CHANGELOG.md is empty");
    expect(() => changelogSection(SAMPLE, 'Unreleased')).toThrow('not a version tag');
    expect(() => changelogSection(`${SAMPLE}\n## v1.0.0\n\n- again\n`, 'v1.0.0')).toThrow("2 '## v1.0.0' sections");
  });

  describe('as the release workflow runs it', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'changelog-'));
      writeFileSync(path.join(dir, 'CHANGELOG.md'), SAMPLE);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });

    test('prints the section of the tag from ./CHANGELOG.md and exits 0', () => {
      const result = run('v1.2.3');
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(result.stdout).toBe(`${NOTES_1_2_3}\n`);
    });

    test('exits 1 with the reason on stderr and prints nothing when the section is missing', () => {
      const result = run('v9.9.9');
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/no '## v9\.9\.9' section/);
    });

    test('exits non-zero without a tag', () => {
      expect(run().status).toBe(2);
    });
  });
});

describe('CHANGELOG.md', () => {
  const changelog = read('CHANGELOG.md');
  /** Level-2 headings outside fenced code blocks. */
  const headings = (() => {
    let fenced = false;
    return changelog.split('\n').filter((line) => {
      if (/^ {0,3}(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && line.startsWith('## ');
    });
  })();

  test('starts with an Unreleased section; every other section is a release the script can read', () => {
    expect(headings[0]).toBe('## Unreleased');
    const releases = headings.slice(1);
    for (const heading of releases) expect(heading).toMatch(/^## v\d+\.\d+\.\d+( \(\d{4}-\d{2}-\d{2}\))?$/);
    for (const heading of releases) expect(changelogSection(changelog, heading.split(' ')[1]!)).not.toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// .github/workflows/release.yml
// ---------------------------------------------------------------------------------------------

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

/**
 * GitHub's filter patterns (workflow syntax, "Filter pattern cheat sheet"): `*` any characters but
 * `/`, `**` any characters, `?` and `+` zero-or-one and one-or-more of the preceding character,
 * `[...]` a character class; everything else is literal. The whole ref name must match.
 */
function filterPattern(pattern: string): RegExp {
  if (pattern.startsWith('!')) throw new Error('negative patterns are not modelled here');
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      body += '.*';
      i++;
    } else if (c === '*') body += '[^/]*';
    else if (c === '?' || c === '+') body += c;
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      body += pattern.slice(i, end + 1);
      i = end;
    } else body += c.replace(/[.^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${body}$`);
}

describe('.github/workflows/release.yml', () => {
  const wf = parse(read('.github/workflows/release.yml')) as Workflow;
  const steps = Object.values(wf.jobs).flatMap((job) => job.steps);
  const indexOf = (predicate: (step: Step) => boolean): number => {
    const index = steps.findIndex(predicate);
    if (index === -1) throw new Error('no such step');
    return index;
  };

  test('triggers on pushed version tags only: no branches, no other events', () => {
    expect(Object.keys(wf.on)).toEqual(['push']);
    const push = wf.on.push as Record<string, unknown>;
    expect(Object.keys(push)).toEqual(['tags']);
    const patterns = (push.tags as string[]).map(filterPattern);
    const triggers = (tag: string) => patterns.some((p) => p.test(tag));
    for (const tag of ['v1.0.0', 'v1.2.3', 'v10.20.30']) expect({ tag, triggers: triggers(tag) }).toEqual({ tag, triggers: true });
    for (const tag of ['v1', 'v1.2', '1.2.3', 'v1.2.3-rc.1', 'v1.2.3.4', 'vx.y.z', 'release-1.2.3', 'v1.2.3/x', 'main']) {
      expect({ tag, triggers: triggers(tag) }).toEqual({ tag, triggers: false });
    }
  });

  test('may write contents (the release and the major tag) and nothing else', () => {
    expect(wf.permissions).toEqual({ contents: 'write' });
  });

  test('checks out, sets up Node 24, runs CI before it publishes', () => {
    const checkout = indexOf((s) => s.uses?.startsWith('actions/checkout@') ?? false);
    const node = indexOf((s) => s.uses?.startsWith('actions/setup-node@') ?? false);
    expect(steps[node]!.with).toMatchObject({ 'node-version': 24 });
    const ci = indexOf((s) => s.run?.trim() === 'bash .ci/run');
    const release = indexOf((s) => /\bgh release create\b/.test(s.run ?? ''));
    expect(checkout).toBeLessThan(node);
    expect(node).toBeLessThan(ci);
    expect(ci).toBeLessThan(release);
  });

  test("the release notes are the tag's CHANGELOG.md section, extracted before anything is published", () => {
    const notes = indexOf((s) => s.run?.includes('scripts/changelog-section.js') ?? false);
    const release = indexOf((s) => /\bgh release create\b/.test(s.run ?? ''));
    expect(notes).toBeLessThan(release);
    const file = /> "?([^"\s]+)"?\s*$/.exec(steps[notes]!.run!.trim())?.[1];
    expect(steps[notes]!.run).toContain('node scripts/changelog-section.js "$GITHUB_REF_NAME"');
    expect(file).toBeDefined();
    expect(steps[release]!.run).toContain(`--notes-file "${file}"`);
    expect(steps[release]!.env).toEqual({ GH_TOKEN: '${{ github.token }}' });
  });

  test('moves the major tag after the release', () => {
    const release = indexOf((s) => /\bgh release create\b/.test(s.run ?? ''));
    const move = indexOf((s) => /git push --force origin "refs\/tags\/\$major"/.test(s.run ?? ''));
    expect(release).toBeLessThan(move);
  });

  describe('the major-tag step, run in a scratch repository with a remote', () => {
    let dir: string;
    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    const git = (...args: string[]): string => {
      const result = spawnSync('git', args, { cwd: path.join(dir, 'work'), env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
      return result.stdout.trim();
    };
    const moveMajor = (tag: string) => {
      const script = steps.find((s) => /git push --force origin "refs\/tags\/\$major"/.test(s.run ?? ''))!.run!;
      const result = spawnSync('bash', ['-e', '-c', script], {
        cwd: path.join(dir, 'work'),
        env: { ...env, GITHUB_REF_NAME: tag },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`move step for ${tag}: ${result.stderr}`);
    };
    const remoteMajor = () => git('ls-remote', 'origin', 'refs/tags/v1').split(/\s/)[0];

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'release-'));
      spawnSync('git', ['init', '--quiet', '--bare', path.join(dir, 'origin.git')], { env });
      spawnSync('git', ['clone', '--quiet', path.join(dir, 'origin.git'), path.join(dir, 'work')], { env });
      for (const message of ['one', 'two', 'three']) git('commit', '--quiet', '--allow-empty', '-m', message);
      git('tag', 'v1.2.0', 'HEAD~2');
      git('tag', '-a', 'v1.3.0', '-m', 'v1.3.0', 'HEAD~1'); // annotated: v1 must name the commit
      git('tag', 'v1.2.4', 'HEAD'); // a fix for 1.2, released after 1.3.0
      git('tag', 'v10.0.0', 'HEAD'); // another major: not a v1 release
      git('push', '--quiet', 'origin', 'HEAD', '--tags');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('the newest release of the major moves v1 to its commit; an older one leaves v1 where it is', () => {
      moveMajor('v1.3.0');
      expect(remoteMajor()).toBe(git('rev-parse', 'HEAD~1'));
      moveMajor('v1.2.4');
      expect(remoteMajor()).toBe(git('rev-parse', 'HEAD~1'));
      moveMajor('v1.2.0');
      expect(remoteMajor()).toBe(git('rev-parse', 'HEAD~1'));
    });
  });
});
