import { anyDepth, compileGlobs, contentTypeFor, makeCacheControl, makeScopeFilter } from '../src/plan/rules.js';

describe('globs', () => {
  test.each([
    // glob, path, matches
    ['*.map', 'app.js.map', true],
    ['*.map', 'static/deep/app.js.map', true],
    ['index.html', 'about/index.html', true],
    ['static/**', 'static/style.css', true],
    ['static/**', 'static/a/b.css', true],
    ['static/**', 'other/static/x.css', false],
    ['pr-*/**', 'pr-7/index.html', true],
    ['pr-*/**', 'index.html', false],
    ['.well-known/**', '.well-known/security.txt', true],
    ['*.txt', '.well-known/security.txt', true],
    ['{a,b}/*.js', 'b/x.js', true],
  ])('%s against %s → %s', (glob, path, expected) => {
    expect(compileGlobs([glob])(path)).toBe(expected);
  });

  test('a slash-free glob gains **/, others are kept', () => {
    expect(anyDepth('*.map')).toBe('**/*.map');
    expect(anyDepth('static/**')).toBe('static/**');
  });

  test('scope = included and not excluded; no include means everything', () => {
    const scope = makeScopeFilter(['index.html', 'static/**'], ['*.map']);
    expect(['index.html', 'static/a.js', 'static/a.js.map', 'img/logo.png'].filter(scope)).toEqual(['index.html', 'static/a.js']);
    expect(makeScopeFilter([], ['pr-*/**'])('pr-1/x')).toBe(false);
    expect(makeScopeFilter([], [])('anything/at/all')).toBe(true);
  });
});

describe('cache-control: first matching rule wins', () => {
  const rules = makeCacheControl([
    { glob: '**/*.html', value: 'no-cache' },
    { glob: 'static/**', value: 'public, max-age=31536000, immutable' },
    { glob: '*.json', value: 'max-age=60' },
  ]);
  test.each([
    ['index.html', 'no-cache'],
    ['static/page.html', 'no-cache'],
    ['static/app.js', 'public, max-age=31536000, immutable'],
    ['data/x.json', 'max-age=60'],
    ['img/logo.png', undefined],
  ])('%s → %s', (path, expected) => {
    expect(rules(path)).toBe(expected);
  });
});

describe('content-type', () => {
  test.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['logo.png', 'image/png'],
    ['font.woff2', 'font/woff2'],
    ['icon.svg', 'image/svg+xml'],
    ['no-extension', 'application/octet-stream'],
  ])('%s → %s', (path, expected) => {
    expect(contentTypeFor(path)).toBe(expected);
  });
});
