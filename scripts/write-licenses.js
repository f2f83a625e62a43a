/**
 * Writes dist/licenses.txt: name, license and license text of every package bundled into dist/
 * (main bundle and chunks). ncc's own --license writes one file per chunk under the same name, so
 * with chunks the last one wins and the main bundle's packages go missing; the source maps list
 * every bundled file, so they are the record of what dist/ holds.
 *
 *   node scripts/write-licenses.js   (after ncc build ... --source-map)
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const LICENSE_FILE = /^(license|licence|copying)(\.(md|txt|markdown))?$/i;

/** Package folders (relative to ROOT) of every node_modules source in dist's source maps. */
function bundledPackages() {
  const packages = new Set();
  for (const map of fs.readdirSync(DIST).filter((name) => name.endsWith('.js.map'))) {
    const { sources } = JSON.parse(fs.readFileSync(path.join(DIST, map), 'utf8'));
    for (const source of sources) {
      // Anchored at the first node_modules/, so a nested copy (a/node_modules/b) is not taken for the top-level b.
      const match = /^(node_modules\/(?:.*\/node_modules\/)?(?:@[^/]+\/)?[^/]+)\//.exec(source.replace(/^(\.\.?\/)+/, ''));
      if (match) packages.add(match[1]);
    }
  }
  return [...packages];
}

function describe(packageDir) {
  const dir = path.join(ROOT, packageDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licenseFile = fs.readdirSync(dir).find((name) => LICENSE_FILE.test(name));
  const text = licenseFile ? fs.readFileSync(path.join(dir, licenseFile), 'utf8').trim() : '';
  const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'UNKNOWN');
  return { name: manifest.name, version: manifest.version, license, text };
}

function main() {
  const seen = new Set();
  const entries = bundledPackages()
    .map(describe)
    .filter((entry) => !seen.has(`${entry.name}@${entry.version}`) && seen.add(`${entry.name}@${entry.version}`))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const body = entries.map((entry) => [entry.name, entry.license, entry.text].filter(Boolean).join('\n')).join('\n\n');
  fs.writeFileSync(path.join(DIST, 'licenses.txt'), `${body}\n`);
  process.stdout.write(`dist/licenses.txt: ${entries.length} packages\n`);
}

main();
