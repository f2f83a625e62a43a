import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DEFAULTS, parseConfig, type Env } from '../src/config/parse.js';
import { parsePrefix } from '../src/config/identifiers.js';
import { splitList } from '../src/config/values.js';
import { ConfigError } from '../src/errors.js';
import { Inputs, Outputs, type InputName } from '../src/names.js';

const ENV: Env = { AWS_REGION: 'eu-west-1', GITHUB_WORKSPACE: '/work/site', GITHUB_EVENT_NAME: 'push', GITHUB_SHA: 'abc123' };

function configWith(inputs: Partial<Record<InputName, string>>, env: Env = ENV, event: unknown = {}) {
  return parseConfig((name) => inputs[name] ?? '', env, event);
}

function errorOf(inputs: Partial<Record<InputName, string>>, env: Env = ENV, event: unknown = {}): ConfigError {
  try {
    configWith(inputs, env, event);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig: defaults', () => {
  test('only a bucket: every default applies', () => {
    const config = configWith({ bucket: 'my-site' });
    expect(config).toMatchObject({
      bucket: 'my-site',
      sourceDir: path.resolve('/work/site/build'),
      region: 'eu-west-1',
      prefix: '',
      delete: true,
      include: [],
      exclude: [],
      cacheControl: [{ glob: '**/*.html', value: 'no-cache' }],
      indexDocument: 'index.html',
      concurrency: 32,
      force: false,
      keepStaleMs: 0,
      dryRun: false,
      mode: 'deploy',
      invalidationPaths: { kind: 'auto' },
      waitForInvalidation: false,
      invalidationTimeoutSeconds: 600,
      roleSessionName: 'github-actions-deploy',
      audience: 'sts.amazonaws.com',
      checks: true,
      checkRoutes: { kind: 'auto' },
      s3CheckUrl: 'https://my-site.s3.eu-west-1.amazonaws.com/index.html',
      checkTimeoutSeconds: 120,
      prComment: true,
      doctor: 'warn',
    });
    expect(config.distributionId).toBeUndefined();
    expect(config.roleToAssume).toBeUndefined();
  });
  test('region falls back to AWS_DEFAULT_REGION', () => {
    expect(configWith({ bucket: 'b-1' }, { AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('us-west-2');
  });
  test('the region input wins over the environment', () => {
    expect(configWith({ bucket: 'b-1', region: 'ap-south-1' }).region).toBe('ap-south-1');
  });
});

describe('parseConfig: values', () => {
  test('prefix is normalised and feeds the S3 check URL', () => {
    const config = configWith({ bucket: 'b-1', prefix: '/pr-42/', 'index-document': 'start page.html' });
    expect(config.prefix).toBe('pr-42/');
    expect(config.s3CheckUrl).toBe('https://b-1.s3.eu-west-1.amazonaws.com/pr-42/start%20page.html');
  });
  test.each([
    [
      'a plain name: virtual-hosted, requests as the SDK builds them',
      'my-site',
      {},
      'https://my-site.s3.eu-west-1.amazonaws.com/pr-1/index.html',
      false,
    ],
    [
      'a name with dots: path-style (no certificate covers www.example.com.s3…)',
      'www.example.com',
      {},
      'https://s3.eu-west-1.amazonaws.com/www.example.com/pr-1/index.html',
      true,
    ],
    [
      'a custom endpoint: path-style on it',
      'my-site',
      { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000/' },
      'http://127.0.0.1:9000/my-site/pr-1/index.html',
      true,
    ],
    [
      'a dotted name on a custom endpoint',
      'www.example.com',
      { AWS_ENDPOINT_URL_S3: 'https://minio.internal' },
      'https://minio.internal/www.example.com/pr-1/index.html',
      true,
    ],
    [
      'the global AWS_ENDPOINT_URL, as the SDK honours it',
      'my-site',
      { AWS_ENDPOINT_URL: 'http://localhost:4566' },
      'http://localhost:4566/my-site/pr-1/index.html',
      true,
    ],
  ])('%s: default s3-check-url and path-style requests', (_name, bucket, env, url, pathStyle) => {
    const config = configWith({ bucket, prefix: 'pr-1' }, { ...ENV, ...env });
    expect([config.s3CheckUrl, config.s3PathStyle]).toEqual([url, pathStyle]);
  });
  test('include/exclude: lines or commas, braces kept whole', () => {
    const config = configWith({ bucket: 'b-1', include: 'assets/**\n*.{js,css}, *.html', exclude: 'pr-*/**' });
    expect(config.include).toEqual(['assets/**', '*.{js,css}', '*.html']);
    expect(config.exclude).toEqual(['pr-*/**']);
  });
  test('cache-control rules keep commas in values, in order', () => {
    const config = configWith({ bucket: 'b-1', 'cache-control': 'assets/**: public, max-age=31536000, immutable\n**/*.html: no-cache' });
    expect(config.cacheControl).toEqual([
      { glob: 'assets/**', value: 'public, max-age=31536000, immutable' },
      { glob: '**/*.html', value: 'no-cache' },
    ]);
  });
  test('explicit invalidation paths and check routes', () => {
    const config = configWith({ bucket: 'b-1', 'invalidation-paths': '/index.html\n/assets/*', 'check-routes': '/a\n/b/c' });
    expect(config.invalidationPaths).toEqual({ kind: 'explicit', paths: ['/index.html', '/assets/*'] });
    expect(config.checkRoutes).toEqual({ kind: 'explicit', routes: ['/a', '/b/c'] });
  });
  test('none disables the S3 check and the routes', () => {
    const config = configWith({ bucket: 'b-1', 's3-check-url': 'none', 'check-routes': 'none', 'invalidation-paths': 'none' });
    expect(config.s3CheckUrl).toBeNull();
    expect(config.checkRoutes).toEqual({ kind: 'none' });
    expect(config.invalidationPaths).toEqual({ kind: 'none' });
  });
  test.each([
    ['0', 0],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['365d', 31_536_000_000],
  ])('keep-stale %s is %d ms', (value, ms) => {
    expect(configWith({ bucket: 'b-1', 'keep-stale': value }).keepStaleMs).toBe(ms);
  });
  test('site-url loses its trailing slash', () => {
    expect(configWith({ bucket: 'b-1', 'site-url': 'https://www.example.com/' }).siteUrl).toBe('https://www.example.com');
  });
});

describe('parseConfig: mode', () => {
  const closedPr = { action: 'closed', number: 42, pull_request: { number: 42, head: { sha: 'feed' } } };
  test('auto on a closed pull request removes the prefix', () => {
    const config = configWith({ bucket: 'b-1', mode: 'auto', prefix: 'pr-42' }, { ...ENV, GITHUB_EVENT_NAME: 'pull_request' }, closedPr);
    expect(config.mode).toBe('remove');
    expect(config.run.prNumber).toBe(42);
    expect(config.run.sha).toBe('feed');
  });
  test('auto on an opened pull request deploys', () => {
    const event = { ...closedPr, action: 'synchronize' };
    expect(configWith({ bucket: 'b-1', mode: 'auto', prefix: 'pr-42' }, { ...ENV, GITHUB_EVENT_NAME: 'pull_request' }, event).mode).toBe(
      'deploy',
    );
  });
  test('auto on push deploys', () => {
    expect(configWith({ bucket: 'b-1', mode: 'auto' }).mode).toBe('deploy');
  });
  test('remove with an empty prefix is refused, also through auto', () => {
    expect(errorOf({ bucket: 'b-1', mode: 'remove' }).input).toBe('prefix');
    expect(errorOf({ bucket: 'b-1', mode: 'auto' }, { ...ENV, GITHUB_EVENT_NAME: 'pull_request' }, closedPr).message).toMatch(
      /empty the whole bucket/,
    );
  });
});

describe('parseConfig: GitHub deployment', () => {
  const PR = { ...ENV, GITHUB_EVENT_NAME: 'pull_request' };
  const prEvent = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: 'feed' } } };
  test.each<[string, Partial<Record<InputName, string>>, Env, boolean, string]>([
    ['auto, a pull-request preview: on, environment preview-<prefix>', { prefix: 'pr-42' }, PR, true, 'preview-pr-42'],
    ['auto, a push to the bucket root: off, environment production', {}, ENV, false, 'production'],
    ['auto, a push with a prefix: off', { prefix: 'docs' }, ENV, false, 'preview-docs'],
    ['auto, a pull request without a prefix: off', {}, PR, false, 'production'],
    ['true on a push: on, production', { 'github-deployment': 'true' }, ENV, true, 'production'],
    ['false on a preview: off', { prefix: 'pr-42', 'github-deployment': 'false' }, PR, false, 'preview-pr-42'],
    ['a nested prefix keeps its slash inside the name', { prefix: '/previews/pr-42/' }, PR, true, 'preview-previews/pr-42'],
    ['an explicit environment wins', { prefix: 'pr-42', 'deployment-environment': 'staging' }, PR, true, 'staging'],
  ])('%s', (_name, inputs, env, on, environment) => {
    const config = configWith({ bucket: 'b-1', ...inputs }, env, prEvent);
    expect([config.githubDeployment, config.deploymentEnvironment]).toEqual([on, environment]);
  });
  test('github-deployment accepts only true, false and auto', () => {
    expect(errorOf({ bucket: 'b-1', 'github-deployment': 'yes' }).message).toBe(
      "Input 'github-deployment': 'yes' is not allowed. Use one of: true, false, auto.",
    );
  });
  test('an environment name over 255 characters is refused', () => {
    expect(errorOf({ bucket: 'b-1', 'deployment-environment': 'e'.repeat(256) }).message).toMatch(
      /^Input 'deployment-environment': .* is 256 characters long, over GitHub's limit of 255\./,
    );
  });
  test('GITHUB_SERVER_URL loses its trailing slash', () => {
    const env = { ...ENV, GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' };
    expect(configWith({ bucket: 'b-1' }, env).run.serverUrl).toBe('https://ghe.example.com');
  });
});

describe('parseConfig: doctor and mode audit', () => {
  test.each(['warn', 'fail', 'off'] as const)('doctor %s is taken as given', (doctor) => {
    expect(configWith({ bucket: 'b-1', doctor }).doctor).toBe(doctor);
  });
  test('doctor with any other value is refused, naming the three values', () => {
    const err = errorOf({ bucket: 'b-1', doctor: 'yes' });
    expect(err.input).toBe('doctor');
    expect(err.message).toBe("Input 'doctor': 'yes' is not allowed. Use one of: warn, fail, off.");
  });
  test('mode audit needs no prefix (it deletes nothing) and stays audit on a closed pull request', () => {
    const closedPr = { action: 'closed', number: 42, pull_request: { number: 42, head: { sha: 'feed' } } };
    expect(configWith({ bucket: 'b-1', mode: 'audit' }).mode).toBe('audit');
    expect(
      configWith({ bucket: 'b-1', mode: 'audit', prefix: 'pr-42' }, { ...ENV, GITHUB_EVENT_NAME: 'pull_request' }, closedPr).mode,
    ).toBe('audit');
  });
});

describe('parseConfig: every bad input names itself and the fix', () => {
  test.each<[string, Partial<Record<InputName, string>>, string, RegExp]>([
    ['missing bucket', {}, 'bucket', /required/],
    ['bucket as ARN', { bucket: 'arn:aws:s3:::site' }, 'bucket', /not a valid S3 bucket name/],
    ['boolean yes', { bucket: 'b-1', delete: 'yes' }, 'delete', /Use 'true' or 'false'/],
    ['boolean True', { bucket: 'b-1', force: 'True' }, 'force', /not a boolean/],
    ['dry-run 1', { bucket: 'b-1', 'dry-run': '1' }, 'dry-run', /not a boolean/],
    ['concurrency 0', { bucket: 'b-1', concurrency: '0' }, 'concurrency', /whole number from 1 to 256/],
    ['concurrency 2.5', { bucket: 'b-1', concurrency: '2.5' }, 'concurrency', /whole number/],
    ['concurrency -3', { bucket: 'b-1', concurrency: '-3' }, 'concurrency', /whole number/],
    ['concurrency huge', { bucket: 'b-1', concurrency: '100000' }, 'concurrency', /whole number/],
    ['timeout abc', { bucket: 'b-1', 'invalidation-timeout': 'abc' }, 'invalidation-timeout', /whole number/],
    ['keep-stale without a unit', { bucket: 'b-1', 'keep-stale': '90' }, 'keep-stale', /a whole number with a unit: '90s'/],
    ['keep-stale over a year', { bucket: 'b-1', 'keep-stale': '366d' }, 'keep-stale', /at most 365d/],
    ['keep-stale in weeks', { bucket: 'b-1', 'keep-stale': '2w' }, 'keep-stale', /not a duration/],
    ['keep-stale fractional', { bucket: 'b-1', 'keep-stale': '1.5h' }, 'keep-stale', /not a duration/],
    ['keep-stale negative', { bucket: 'b-1', 'keep-stale': '-1d' }, 'keep-stale', /not a duration/],
    ['check-timeout negative', { bucket: 'b-1', 'check-timeout': '-1' }, 'check-timeout', /whole number/],
    ['cache-control without colon', { bucket: 'b-1', 'cache-control': '*.html no-cache' }, 'cache-control', /GLOB: VALUE/],
    ['cache-control without value', { bucket: 'b-1', 'cache-control': '*.html:' }, 'cache-control', /GLOB: VALUE/],
    ['unknown mode', { bucket: 'b-1', mode: 'sync' }, 'mode', /deploy, remove, auto, audit/],
    ['prefix with ..', { bucket: 'b-1', prefix: 'pr/../x' }, 'prefix', /'\.\.'/],
    ['prefix //', { bucket: 'b-1', prefix: 'a//b' }, 'prefix', /'\/\/'/],
    ['prefix with a space', { bucket: 'b-1', prefix: 'pr 42' }, 'prefix', /whitespace/],
    ['prefix with a glob', { bucket: 'b-1', prefix: 'pr-*' }, 'prefix', /glob/],
    ['prefix with a control character', { bucket: 'b-1', prefix: 'pr\u0007' }, 'prefix', /control character/],
    ['bad region', { bucket: 'b-1', region: 'Frankfurt' }, 'region', /not an AWS region/],
    ['index-document outside', { bucket: 'b-1', 'index-document': '../index.html' }, 'index-document', /inside source-dir/],
    ['index-document absolute', { bucket: 'b-1', 'index-document': '/index.html' }, 'index-document', /inside source-dir/],
    [
      'distribution domain instead of id',
      { bucket: 'b-1', 'distribution-id': 'd111.cloudfront.net' },
      'distribution-id',
      /not a CloudFront distribution id/,
    ],
    ['invalidation path without slash', { bucket: 'b-1', 'invalidation-paths': 'index.html' }, 'invalidation-paths', /start with '\/'/],
    ['invalidation wildcard in the middle', { bucket: 'b-1', 'invalidation-paths': '/a/*/b' }, 'invalidation-paths', /only as the last/],
    ['role name instead of ARN', { bucket: 'b-1', 'role-to-assume': 'deploy-role' }, 'role-to-assume', /IAM role ARN/],
    ['session name with spaces', { bucket: 'b-1', 'role-session-name': 'my session' }, 'role-session-name', /session name/],
    ['site-url without scheme', { bucket: 'b-1', 'site-url': 'www.example.com' }, 'site-url', /not a URL/],
    ['site-url ftp', { bucket: 'b-1', 'site-url': 'ftp://example.com' }, 'site-url', /http\(s\)/],
    ['check route without slash', { bucket: 'b-1', 'check-routes': 'about' }, 'check-routes', /start with '\/'/],
    ['s3-check-url not a URL', { bucket: 'b-1', 's3-check-url': 'bucket/index.html' }, 's3-check-url', /not a URL/],
    ['include starting with /', { bucket: 'b-1', include: '/assets/**' }, 'include', /leading slash/],
    ['exclude with a broken bracket', { bucket: 'b-1', exclude: 'a[b' }, 'exclude', /not valid/],
    ['very long value', { bucket: 'b-1', include: 'a'.repeat(20000) }, 'include', /characters long/],
    [
      'source-dir with a name no file system allows',
      { bucket: 'b-1', 'source-dir': `dist/${'x'.repeat(300)}` },
      'source-dir',
      /folder name of 300 bytes/,
    ],
  ])('%s', (_name, inputs, input, message) => {
    const err = errorOf(inputs);
    expect(err.input).toBe(input);
    expect(err.message).toContain(`Input '${input}'`);
    expect(err.message).toMatch(message);
  });
  test('no region anywhere', () => {
    const err = errorOf({ bucket: 'b-1' }, {});
    expect(err.input).toBe('region');
    expect(err.message).toMatch(/AWS_REGION/);
  });
});

describe('splitList and parsePrefix', () => {
  test('splitList drops blanks and comments', () => {
    expect(splitList('a\n\n# note\n b , c ')).toEqual(['a', 'b', 'c']);
  });
  test.each([
    ['', ''],
    ['/', ''],
    ['pr-42', 'pr-42/'],
    ['/pr-42/', 'pr-42/'],
    ['previews/pr-42', 'previews/pr-42/'],
  ])('parsePrefix(%j) = %j', (raw, expected) => {
    expect(parsePrefix(raw)).toBe(expected);
  });
});

describe('action.yml agrees with the code', () => {
  const action = parse(readFileSync(path.join(import.meta.dirname, '..', 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string; required?: boolean }>;
    outputs: Record<string, unknown>;
    runs: { using: string; main: string };
  };
  test('inputs are exactly the names in src/names.ts', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
  });
  test('outputs are exactly the names in src/names.ts', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
  });
  test('defaults agree', () => {
    for (const name of Object.values(Inputs)) {
      const declared = action.inputs[name]?.default;
      if (name === Inputs.GithubToken || name === Inputs.Region || name === Inputs.Bucket) continue;
      expect([name, declared ?? '']).toEqual([name, DEFAULTS[name] ?? '']);
    }
  });
  test("the README's inputs table lists exactly these inputs, with their defaults", () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- inputs-start -->'), readme.indexOf('<!-- inputs-end -->'));
    const rows = new Map([...table.matchAll(/^\| `([^`]+)` \| (.*?) \| /gm)].map((m) => [m[1]!, m[2]!]));
    expect([...rows.keys()].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, { default: declared }] of Object.entries(action.inputs)) {
      if (declared) expect([name, rows.get(name)]).toEqual([name, `\`${declared}\``]);
    }
  });
  test('runs on node24 from dist/index.js', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});
