/**
 * A deterministic, realistic build directory: log-normal file sizes (median ~4 KB), a tail of
 * 0.2–2 MB files and a couple of ~30 MB ones, in nested folders with the extensions a front-end
 * build emits. The same seed always gives the same bytes, so runs and machines compare.
 */
import fs from 'node:fs';
import path from 'node:path';

const EXTENSIONS = ['html', 'js', 'js', 'js', 'css', 'svg', 'png', 'png', 'json', 'map', 'woff2'];
const TEXT = new Set(['html', 'js', 'css', 'svg', 'json', 'map']);

const PRESETS = {
  // The default: 5,000 files, ~250 MB.
  default: { files: 5000, big: 2, tail: 130 },
  // A quick run for development: the same shape, 500 files.
  small: { files: 500, big: 0, tail: 6 },
  // Scenario 4: many small files (memory and planning, not bandwidth).
  many: { files: 50000, big: 0, tail: 0, smallOnly: true },
};

/** mulberry32: tiny, fast, good enough for test data, and the same everywhere. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormal(random, median, sigma) {
  const u = Math.max(random(), 1e-12);
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(median * Math.exp(sigma * normal));
}

/** Sizes for each file: mostly log-normal, then the tail, then the big ones. */
function sizesFor(preset, random) {
  const sizes = [];
  const regular = preset.files - preset.tail - preset.big;
  for (let i = 0; i < regular; i++) {
    const size = logNormal(random, 4096, preset.smallOnly ? 0.6 : 1.1);
    sizes.push(Math.min(Math.max(size, 1), preset.smallOnly ? 16 * 1024 : 190 * 1024));
  }
  for (let i = 0; i < preset.tail; i++) sizes.push(200 * 1024 + Math.floor(random() * 1.8 * 1024 * 1024));
  for (let i = 0; i < preset.big; i++) sizes.push(30 * 1024 * 1024 + Math.floor(random() * 1024 * 1024));
  return sizes;
}

function relPathFor(index, random) {
  const ext = index === 0 ? 'html' : EXTENSIONS[Math.floor(random() * EXTENSIONS.length)];
  if (index === 0) return 'index.html';
  const depth = Math.floor(random() * 4);
  const dirs = [];
  for (let d = 0; d < depth; d++)
    dirs.push(`${['static', 'assets', 'img', 'docs', 'app', 'chunks'][Math.floor(random() * 6)]}${Math.floor(random() * 8)}`);
  const name = ext === 'html' ? `page-${index}` : `file-${index}.${Math.floor(random() * 0xffffff).toString(16)}`;
  return [...dirs, `${name}.${ext}`].join('/');
}

/** Fills a file of `size` bytes from the PRNG: printable text for text types, raw bytes otherwise. */
function contentFor(relPath, size, random) {
  const buffer = Buffer.allocUnsafe(size);
  const text = TEXT.has(path.extname(relPath).slice(1));
  for (let i = 0; i < size; i += 4) {
    const word = (random() * 4294967296) >>> 0;
    for (let b = 0; b < 4 && i + b < size; b++) {
      const byte = (word >>> (8 * b)) & 0xff;
      buffer[i + b] = text ? 32 + (byte % 95) : byte;
    }
  }
  return buffer;
}

/** Writes the tree under `dir` (emptied first); returns { files: [{ rel, size }], bytes }. */
function generateSite(dir, presetName, seed = 42) {
  const preset = PRESETS[presetName];
  if (!preset) throw new Error(`unknown size '${presetName}' (use ${Object.keys(PRESETS).join(', ')})`);
  fs.rmSync(dir, { recursive: true, force: true });
  const random = prng(seed);
  const files = [];
  let bytes = 0;
  sizesFor(preset, random).forEach((size, index) => {
    const rel = relPathFor(index, random);
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, contentFor(rel, size, random));
    files.push({ rel, size });
    bytes += size;
  });
  return { files, bytes };
}

/** Scenario 2's precondition: a fresh CI checkout gives every file a new mtime. */
function touchAll(dir, files) {
  const later = new Date(Date.now() + 120_000);
  for (const file of files) fs.utimesSync(path.join(dir, file.rel), later, later);
}

/**
 * Scenario 3: 1 % of files changed, 1 % deleted, 1 % added (never the index document).
 * Returns the counts, so the expected request count can be printed next to the measured one.
 */
function mutate(dir, files, seed = 7) {
  const random = prng(seed);
  const n = Math.max(1, Math.round(files.length / 100));
  const candidates = files.slice(1);
  const picked = new Set();
  while (picked.size < Math.min(2 * n, candidates.length)) picked.add(Math.floor(random() * candidates.length));
  const order = [...picked];
  const changed = order.slice(0, n).map((i) => candidates[i]);
  const deleted = order.slice(n).map((i) => candidates[i]);
  for (const file of changed) fs.appendFileSync(path.join(dir, file.rel), `/* changed ${seed} */`);
  for (const file of deleted) fs.rmSync(path.join(dir, file.rel));
  for (let i = 0; i < n; i++) {
    const rel = `added/new-${seed}-${i}.js`;
    fs.mkdirSync(path.join(dir, 'added'), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), contentFor(rel, 2048 + i, random));
  }
  return { changed: changed.length, deleted: deleted.length, added: n };
}

export { generateSite, touchAll, mutate, PRESETS };
