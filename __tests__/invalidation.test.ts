import fc from 'fast-check';
import {
  MAX_EXACT_PATHS,
  MAX_WILDCARDS,
  encodeExplicitPath,
  encodeInvalidationPath,
  invalidationPathsFor,
  type InvalidationConfig,
} from '../src/cdn/paths.js';

const site = (over: Partial<InvalidationConfig> = {}): InvalidationConfig => ({
  prefix: '',
  indexDocument: 'index.html',
  invalidationPaths: { kind: 'auto' },
  mode: 'deploy',
  ...over,
});

/** `n` keys like `dir/file7.js`. */
const files = (dir: string, n: number, ext = 'js'): string[] =>
  Array.from({ length: n }, (_, i) => `${dir}${dir ? '/' : ''}file${i}.${ext}`);

describe('invalidationPathsFor: which paths', () => {
  it.each<[string, string[], Partial<InvalidationConfig>, string[], string]>([
    ['nothing changed', [], {}, [], 'nothing changed'],
    ['invalidation-paths: none', ['index.html'], { invalidationPaths: { kind: 'none' } }, [], "invalidation-paths is 'none'"],
    ['root index document: the file and /', ['index.html'], {}, ['/', '/index.html'], '2 paths'],
    [
      'nested index document: the file, /dir/ and /dir',
      ['docs/guide/index.html'],
      {},
      ['/docs/guide', '/docs/guide/', '/docs/guide/index.html'],
      '3 paths',
    ],
    [
      'custom index document name',
      ['home.htm', 'a/home.htm', 'a/index.html'],
      { indexDocument: 'home.htm' },
      ['/', '/a', '/a/', '/a/home.htm', '/a/index.html', '/home.htm'],
      '6 paths',
    ],
    [
      'uploaded and deleted assets, each once',
      ['assets/app.2.js', 'assets/app.1.js', 'assets/app.2.js'],
      {},
      ['/assets/app.1.js', '/assets/app.2.js'],
      '2 paths',
    ],
    ['one file is one path', ['robots.txt'], {}, ['/robots.txt'], '1 path'],
    [
      'under a prefix: its root in both forms',
      ['pr-42/index.html', 'pr-42/assets/a.js'],
      { prefix: 'pr-42/' },
      ['/pr-42', '/pr-42/', '/pr-42/assets/a.js', '/pr-42/index.html'],
      '4 paths',
    ],
    ['a * inside a key: the wildcard up to it', ['a*b.txt', 'a*c.txt'], {}, ['/a*'], '1 path'],
  ])('%s', (_name, keys, over, paths, reason) => {
    expect(invalidationPathsFor(keys, site(over))).toEqual({ paths, reason });
  });

  it(`keeps ${MAX_EXACT_PATHS} paths exact and collapses ${MAX_EXACT_PATHS + 1}`, () => {
    expect(invalidationPathsFor(files('assets', MAX_EXACT_PATHS), site()).paths).toHaveLength(MAX_EXACT_PATHS);
    expect(invalidationPathsFor(files('assets', MAX_EXACT_PATHS + 1), site()).paths).toEqual(['/assets/*']);
  });
});

describe('invalidationPathsFor: collapsing to wildcards', () => {
  it('a bundle rebuilt: one wildcard for the assets, the index pages exact', () => {
    const keys = ['index.html', ...files('assets', 250), ...files('assets/img', 30, 'png'), 'assets/app.css'];
    expect(invalidationPathsFor(keys, site())).toEqual({
      paths: ['/', '/assets/*', '/index.html'],
      reason: 'collapsed 283 changed paths (over 30) to 3 paths: 1 wildcard (/assets/*) and 2 exact paths',
    });
  });

  it('each wildcard as narrow as what changed', () => {
    const keys = ['index.html', ...files('static/js', 120)];
    expect(invalidationPathsFor(keys, site()).paths).toEqual(['/', '/index.html', '/static/js/*']);
  });

  it('the biggest directories first, as few as get under the limit', () => {
    const keys = [...files('blog', 60), ...files('tags', 40), ...files('about', 3), 'index.html', 'feed.xml'];
    expect(invalidationPathsFor(keys, site()).paths).toEqual([
      '/',
      '/about/file0.js',
      '/about/file1.js',
      '/about/file2.js',
      '/blog/*',
      '/feed.xml',
      '/index.html',
      '/tags/*',
    ]);
  });

  it('/* when more wildcards than allowed would be needed', () => {
    const keys = Array.from({ length: 40 }, (_, i) => files(`section-${i}`, 2)).flat();
    expect(invalidationPathsFor(keys, site())).toEqual({
      paths: ['/*'],
      reason: 'collapsed 80 changed paths (over 30) to 1 wildcard (/*)',
    });
  });

  it('/* when the changes sit at the top level', () => {
    const keys = files('', 4210, 'html');
    expect(invalidationPathsFor(keys, site())).toEqual({
      paths: ['/*'],
      reason: 'collapsed 4,210 changed paths (over 30) to 1 wildcard (/*)',
    });
  });

  it('never above the prefix: /pr-42/* (and /pr-42), never /*', () => {
    const keys = ['pr-42/index.html', ...files('pr-42', 100, 'html')];
    expect(invalidationPathsFor(keys, site({ prefix: 'pr-42/' }))).toEqual({
      paths: ['/pr-42', '/pr-42/*'],
      reason: 'collapsed 103 changed paths (over 30) to 2 paths: 1 wildcard (/pr-42/*) and 1 exact path',
    });
    expect(invalidationPathsFor(files('pr-42', 100, 'html'), site({ prefix: 'pr-42/' })).paths).toEqual(['/pr-42/*']);
  });

  it('wildcards under a prefix name the prefix', () => {
    const keys = ['pr-7/index.html', ...files('pr-7/assets', 50)];
    expect(invalidationPathsFor(keys, site({ prefix: 'pr-7/' })).paths).toEqual(['/pr-7', '/pr-7/', '/pr-7/assets/*', '/pr-7/index.html']);
  });
});

describe('invalidationPathsFor: remove mode and explicit paths', () => {
  it('remove: the whole prefix, whatever was removed', () => {
    expect(invalidationPathsFor(['pr-42/index.html', 'pr-42/a.js'], site({ prefix: 'pr-42/', mode: 'remove' }))).toEqual({
      paths: ['/pr-42', '/pr-42/*'],
      reason: 'prefix pr-42/ removed: /pr-42 and /pr-42/*',
    });
    expect(invalidationPathsFor(['pr-42/a.js'], site({ prefix: 'pr-42/', mode: 'remove' })).paths).toEqual(['/pr-42/*']);
  });

  it('remove with nothing under the prefix: no invalidation', () => {
    expect(invalidationPathsFor([], site({ prefix: 'pr-42/', mode: 'remove' })).paths).toEqual([]);
  });

  it('explicit paths are sent as given, encoded where CloudFront requires', () => {
    const explicit = {
      kind: 'explicit' as const,
      paths: ['/index.html', '/img/*', '/a b.html', '/x.jpg?v=1', '/caf%C3%A9', '/index.html'],
    };
    expect(invalidationPathsFor(['anything.js'], site({ invalidationPaths: explicit }))).toEqual({
      paths: ['/index.html', '/img/*', '/a%20b.html', '/x.jpg?v=1', '/caf%C3%A9'],
      reason: '5 paths from invalidation-paths',
    });
  });

  it('explicit paths are not sent when nothing changed', () => {
    const explicit = { kind: 'explicit' as const, paths: ['/*'] };
    expect(invalidationPathsFor([], site({ invalidationPaths: explicit }))).toEqual({ paths: [], reason: 'nothing changed' });
  });
});

describe('CloudFront path encoding', () => {
  // The rule (CloudFront Developer Guide, "Invalidating files"): URL-encode non-ASCII characters and
  // the unsafe characters of RFC 1738 (space < > " # % { } | \ ^ ~ [ ] `), nothing else.
  it.each([
    ['my file.html', '/my%20file.html'],
    ['café.html', '/caf%C3%A9.html'],
    ['日本/ページ.html', '/%E6%97%A5%E6%9C%AC/%E3%83%9A%E3%83%BC%E3%82%B8.html'],
    ['emoji-😀.png', '/emoji-%F0%9F%98%80.png'],
    ['a#b.html', '/a%23b.html'],
    ['what?.html', '/what%3F.html'],
    ['100%.html', '/100%25.html'],
    ['%41.html', '/%2541.html'],
    ['c++.html', '/c++.html'],
    ['~user/x.html', '/%7Euser/x.html'],
    ['a<b>"c{d}e|f\\g^h[i]j`k', '/a%3Cb%3E%22c%7Bd%7De%7Cf%5Cg%5Eh%5Bi%5Dj%60k'],
    ["keep$-_.+!'(),;:@=&.txt", "/keep$-_.+!'(),;:@=&.txt"],
    ['tab\there', '/tab%09here'],
  ])('key %j → %s', (key, path) => {
    expect(invalidationPathsFor([key], site()).paths).toEqual([path]);
  });

  it('never encodes the wildcard: %2A would invalidate nothing', () => {
    expect(encodeInvalidationPath('/assets/*')).toBe('/assets/*');
    expect(encodeInvalidationPath('/a b/*')).toBe('/a%20b/*');
  });

  it('explicit paths keep their %XX escapes and query strings', () => {
    expect(encodeExplicitPath('/caf%c3%a9/*')).toBe('/caf%c3%a9/*');
    expect(encodeExplicitPath('/100%.html')).toBe('/100%25.html');
    expect(encodeExplicitPath('/img.jpg?size=small')).toBe('/img.jpg?size=small');
    expect(encodeExplicitPath('/é #x')).toBe('/%C3%A9%20%23x');
  });
});

describe('invalidationPathsFor: properties', () => {
  const segment = fc.constantFrom('a', 'b', 'docs', 'assets', 'x y', 'é', 'c#', 'q?', '100%', '~u', 'p+q', 'index.html');
  const key = fc
    .tuple(fc.array(segment, { maxLength: 3 }), fc.constantFrom('index.html', 'a.js', 'b c.css', 'ü.png', 'n%.txt'))
    .map(([dirs, name]) => [...dirs, name].join('/'));
  const prefix = fc.constantFrom('', 'pr-4/', 'previews/pr-42/');
  const keysAndPrefix = fc.tuple(prefix, fc.array(key, { maxLength: 120 })).map(([p, ks]) => ({ prefix: p, keys: ks.map((k) => p + k) }));

  const covers = (paths: string[], url: string): boolean =>
    paths.some((p) => p === url || (p.endsWith('*') && url.startsWith(p.slice(0, -1))));

  it('covers every changed URL, within the limits, in CloudFront form, inside the prefix', () => {
    fc.assert(
      fc.property(keysAndPrefix, ({ prefix: p, keys }) => {
        const { paths } = invalidationPathsFor(keys, site({ prefix: p }));
        expect(paths.length === 0).toBe(keys.length === 0);
        for (const k of keys) {
          expect(covers(paths, encodeInvalidationPath(`/${k}`))).toBe(true);
          if (k.endsWith('/index.html')) expect(covers(paths, encodeInvalidationPath(`/${k.slice(0, -'index.html'.length)}`))).toBe(true);
        }
        expect(paths.length).toBeLessThanOrEqual(MAX_EXACT_PATHS);
        expect(paths.filter((x) => x.endsWith('*')).length).toBeLessThanOrEqual(MAX_WILDCARDS);
        for (const x of paths) {
          expect(x).toMatch(/^\/[\x21-\x7e]*$/);
          expect(x.indexOf('*') === -1 || x.indexOf('*') === x.length - 1).toBe(true);
          expect(x.replace(/%[0-9A-F]{2}/g, '')).not.toMatch(/[ <>"#%{}|\\^~[\]`?]/);
          if (p) expect(x === `/${p.slice(0, -1)}` || x.startsWith(`/${p}`)).toBe(true);
        }
      }),
    );
  });

  it('is deterministic: the same changes give the same paths in any order', () => {
    fc.assert(
      fc.property(keysAndPrefix, ({ prefix: p, keys }) => {
        const reversed = [...keys].reverse();
        expect(invalidationPathsFor(reversed, site({ prefix: p }))).toEqual(invalidationPathsFor(keys, site({ prefix: p })));
      }),
    );
  });
});
