/**
 * Property-based tests of the planner: random local manifests and remote listings over a small key
 * alphabet (so keys collide often), random contents, ETag styles and flags. The bucket is simulated:
 * each object has a true content, an ETag derived from it the way S3 derives it, and the MD5 metadata
 * this action writes; the stored MD5 is read only for the keys keysNeedingHead names (with no
 * deploy state), as src/remote/list.ts does.
 */
import fc from 'fast-check';
import { keysNeedingHead } from '../src/plan/drift.js';
import { compareKeys, planDeploy, planRemoval, type PlanOptions, type RemoteKnowledge } from '../src/plan/plan.js';
import type { FileKind, LocalFile, Plan, RemoteObject } from '../src/types.js';

const RUNS = 200;

/** Without a deploy state: what these properties are about (state-aware planning has its own tables). */
const NO_STATE: RemoteKnowledge = { entries: new Map(), heads: new Map(), now: 0 };
const options = (del: boolean, force: boolean): PlanOptions => ({ delete: del, force, prefix: '', keepStaleMs: 0 });

// Folders and names that exercise Unicode (NFC and NFD 'é', astral), spaces, '+', '%', '#', '?' and nesting.
const DIRS = ['', 'ünï cödé/', 'a+b/100%/#z/'];
const NAMES = ['index.html', 'p.html', 'é.html', 'e\u0301.html', 'app.js', 'a b+c.css', '100%#?.txt', '😀 日本.svg'];
const KEYS = DIRS.flatMap((dir) => NAMES.map((name) => dir + name));

// A few contents; each MD5 has one size per run (the same bytes have the same length), and sizes
// collide across contents so that a same-size object with another MD5 happens often.
const MD5S = ['0'.repeat(32), '1'.repeat(32), '2'.repeat(32), '3'.repeat(32)];
/** Hex parts that are never a content MD5: multipart ETags and SSE-KMS ETags. */
const OTHER_HEX = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];

/** `mixed`: default encryption switched from SSE-S3 to SSE-KMS; older objects keep MD5 ETags, new PUTs get KMS ones. */
type BucketKind = 'md5-etags' | 'kms' | 'mixed';
type EtagStyle = 'plain' | 'multipart';

/** An object as it really is in the simulated bucket. */
interface StoredObject {
  md5: string;
  size: number;
  etag: string;
  /** x-amz-meta-md5: set when this action uploaded it, absent when another tool did. */
  metaMd5?: string;
}
type Bucket = Map<string, StoredObject>;

function kindOf(key: string): FileKind {
  if (key === 'index.html') return 'index';
  return key.endsWith('.html') ? 'html' : 'asset';
}

function localFile(key: string, md5: string, size: number, kind: FileKind = kindOf(key)): LocalFile {
  return { key, relPath: key, absPath: `/src/${key}`, size, md5, contentType: 'x', kind };
}

const sizesArb = fc.tuple(...MD5S.map(() => fc.constantFrom(0, 10, 20)));
const md5IndexArb = fc.integer({ min: 0, max: MD5S.length - 1 });

const storedArb = fc.record({
  key: fc.constantFrom(...KEYS),
  content: md5IndexArb,
  style: fc.constantFrom<EtagStyle>('plain', 'multipart'),
  otherHex: fc.constantFrom(...OTHER_HEX),
  parts: fc.integer({ min: 2, max: 10_000 }),
  byThisAction: fc.boolean(),
  /** In a mixed bucket: whether this object was written before the switch to SSE-KMS. */
  beforeKms: fc.boolean(),
});

const scenarioArb = fc.record({
  bucketKind: fc.constantFrom<BucketKind>('md5-etags', 'kms', 'mixed'),
  sizes: sizesArb,
  local: fc.uniqueArray(fc.record({ key: fc.constantFrom(...KEYS), content: md5IndexArb }), { selector: (f) => f.key, maxLength: 14 }),
  remote: fc.uniqueArray(storedArb, { selector: (o) => o.key, maxLength: 14 }),
  delete: fc.boolean(),
  force: fc.boolean(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Found by property 3: in a bucket switched to SSE-KMS, 'app.js' (written before, MD5 ETag) made the
 * planner take every plain ETag for an MD5, so 'index.html' (written after, KMS ETag, same size) was
 * judged changed without reading its stored MD5, and re-uploaded on every run.
 */
const MIXED_BUCKET_REGRESSION: Scenario = {
  bucketKind: 'mixed',
  sizes: [0, 0, 0, 0],
  local: [
    { key: 'app.js', content: 3 },
    { key: 'index.html', content: 0 },
  ],
  remote: [{ key: 'app.js', content: 3, style: 'plain', otherHex: 'a'.repeat(32), parts: 2, byThisAction: false, beforeKms: true }],
  delete: false,
  force: false,
};

/** The ETag S3 gives an object: its MD5 for a single PUT (unless SSE-KMS), never an MD5 for multipart. */
function etagFor(bucketKind: BucketKind, md5: string, style: EtagStyle, otherHex: string, parts: number): string {
  if (style === 'multipart') return `${otherHex}-${parts}`;
  return bucketKind === 'md5-etags' ? md5 : otherHex;
}

function build(s: Scenario): { local: LocalFile[]; bucket: Bucket } {
  const sizeOf = (i: number): number => s.sizes[i] as number;
  const md5Of = (i: number): string => MD5S[i] as string;
  const local = s.local.map((f) => localFile(f.key, md5Of(f.content), sizeOf(f.content)));
  const bucket: Bucket = new Map(
    s.remote.map((o) => {
      const md5 = md5Of(o.content);
      const stored: StoredObject = {
        md5,
        size: sizeOf(o.content),
        etag: etagFor(s.bucketKind === 'mixed' && o.beforeKms ? 'md5-etags' : s.bucketKind, md5, o.style, o.otherHex, o.parts),
        metaMd5: o.byThisAction ? md5 : undefined,
      };
      return [o.key, stored];
    }),
  );
  return { local, bucket };
}

/** ListObjectsV2, then HeadObject for the keys the planner asks about (src/remote/list.ts). */
function listAndResolve(bucket: Bucket, local: LocalFile[]): RemoteObject[] {
  const listed: RemoteObject[] = [...bucket].map(([key, o]) => ({ key, size: o.size, etag: o.etag }));
  const heads = new Set(keysNeedingHead(local, listed, new Map()));
  return listed.map((object) => (heads.has(object.key) ? { ...object, storedMd5: bucket.get(object.key)?.metaMd5 } : object));
}

/** Applies a plan: every upload is a single PUT by this action (with its MD5 metadata), then the deletes. */
function apply(bucket: Bucket, plan: Plan, bucketKind: BucketKind): Bucket {
  const next: Bucket = new Map(bucket);
  for (const { file } of plan.uploads) {
    next.set(file.key, {
      md5: file.md5,
      size: file.size,
      etag: etagFor(bucketKind, file.md5, 'plain', 'f'.repeat(32), 1),
      metaMd5: file.md5,
    });
  }
  for (const key of plan.deletes) next.delete(key);
  return next;
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort(compareKeys);

describe('planDeploy: properties over a simulated bucket', () => {
  test('1. applying the plan makes the bucket mirror source-dir (delete: true) or a superset of it (delete: false)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { local, bucket } = build(s);
        const plan = planDeploy(local, listAndResolve(bucket, local), options(s.delete, s.force), NO_STATE);
        const after = apply(bucket, plan, s.bucketKind);
        const localKeys = local.map((f) => f.key);
        if (s.delete) {
          expect(sorted(after.keys())).toEqual(sorted(localKeys));
        } else {
          for (const key of [...localKeys, ...bucket.keys()]) expect(after.has(key)).toBe(true);
          for (const [key, object] of bucket) if (!localKeys.includes(key)) expect(after.get(key)).toEqual(object);
        }
        // The true content, not the ETag: an object wrongly judged unchanged would show here.
        for (const file of local) expect([file.key, after.get(file.key)?.md5]).toEqual([file.key, file.md5]);
      }),
      { numRuns: RUNS },
    );
  });

  test('2. nothing local is deleted; uploads are unique; unchanged + uploads cover every local key exactly once', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { local, bucket } = build(s);
        const remote = listAndResolve(bucket, local);
        const plan = planDeploy(local, remote, options(s.delete, s.force), NO_STATE);
        const localKeys = new Set(local.map((f) => f.key));
        expect(plan.deletes.filter((key) => localKeys.has(key))).toEqual([]);
        expect(new Set(plan.deletes).size).toBe(plan.deletes.length);
        if (!s.delete) expect(plan.deletes).toEqual([]);
        const uploadKeys = plan.uploads.map((u) => u.file.key);
        expect(new Set(uploadKeys).size).toBe(uploadKeys.length);
        expect(sorted([...uploadKeys, ...plan.unchanged.map((f) => f.key)])).toEqual(sorted(localKeys));
        if (s.force) expect(plan.unchanged).toEqual([]);
        // Reasons agree with the listing.
        const remoteKeys = new Set(remote.map((o) => o.key));
        for (const u of plan.uploads) expect([u.file.key, u.reason === 'new']).toEqual([u.file.key, !remoteKeys.has(u.file.key)]);
      }),
      { numRuns: RUNS },
    );
  });

  test('3. idempotence: planning again from the applied bucket uploads and deletes nothing', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { local, bucket } = build(s);
        const plan = planDeploy(local, listAndResolve(bucket, local), options(s.delete, s.force), NO_STATE);
        const after = apply(bucket, plan, s.bucketKind);
        const again = planDeploy(local, listAndResolve(after, local), options(s.delete, false), NO_STATE);
        expect(again.uploads.map((u) => u.file.key)).toEqual([]);
        expect(again.deletes).toEqual([]);
        expect(again.unchanged).toHaveLength(local.length);
      }),
      { numRuns: RUNS, examples: [[MIXED_BUCKET_REGRESSION]] },
    );
  });
});

describe('planDeploy: properties over arbitrary listings', () => {
  // Listings as the planner may receive them, not derived from a content: any ETag, any stored MD5, any size.
  const hex = fc.constantFrom(...MD5S, ...OTHER_HEX);
  const rawRemoteArb = fc.record({
    key: fc.constantFrom(...KEYS),
    size: fc.constantFrom(0, 10, 20),
    etag: fc.oneof(
      hex,
      fc.tuple(hex, fc.integer({ min: 1, max: 10_000 })).map(([h, n]) => `${h}-${n}`),
    ),
    storedMd5: fc.option(hex, { nil: undefined }),
  });
  const rawLocalArb = fc.record({
    key: fc.constantFrom(...KEYS),
    md5: fc.constantFrom(...MD5S),
    size: fc.constantFrom(0, 10, 20),
    kind: fc.constantFrom<FileKind>('asset', 'html', 'index'),
  });
  const rawArb = fc.record({
    local: fc.uniqueArray(rawLocalArb, { selector: (f) => f.key, maxLength: 14 }),
    remote: fc.uniqueArray(rawRemoteArb, { selector: (o) => o.key, maxLength: 14 }),
    delete: fc.boolean(),
    force: fc.boolean(),
  });

  test('2. nothing local is deleted; uploads are unique; unchanged + uploads cover every local key exactly once', () => {
    fc.assert(
      fc.property(rawArb, (s) => {
        const local = s.local.map((f) => localFile(f.key, f.md5, f.size, f.kind));
        const plan = planDeploy(local, s.remote, options(s.delete, s.force), NO_STATE);
        const localKeys = new Set(local.map((f) => f.key));
        expect(plan.deletes.filter((key) => localKeys.has(key))).toEqual([]);
        const uploadKeys = plan.uploads.map((u) => u.file.key);
        expect(new Set(uploadKeys).size).toBe(uploadKeys.length);
        expect(sorted([...uploadKeys, ...plan.unchanged.map((f) => f.key)])).toEqual(sorted(localKeys));
        const expectedDeletes = s.delete ? s.remote.map((o) => o.key).filter((key) => !localKeys.has(key)) : [];
        expect(plan.deletes).toEqual(sorted(expectedDeletes));
      }),
      { numRuns: RUNS },
    );
  });

  test('3. idempotence with plain-MD5 puts, whatever the listing held', () => {
    fc.assert(
      fc.property(rawArb, (s) => {
        const local = s.local.map((f) => localFile(f.key, f.md5, f.size, f.kind));
        const plan = planDeploy(local, s.remote, options(s.delete, s.force), NO_STATE);
        const after = new Map<string, RemoteObject>(s.remote.map((o) => [o.key, o]));
        for (const { file } of plan.uploads) after.set(file.key, { key: file.key, size: file.size, etag: file.md5 });
        for (const key of plan.deletes) after.delete(key);
        const again = planDeploy(local, [...after.values()], options(s.delete, false), NO_STATE);
        expect(again.uploads).toEqual([]);
        expect(again.deletes).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  test('4. upload order: every asset before any HTML, every HTML before the index document', () => {
    fc.assert(
      fc.property(rawArb, (s) => {
        const local = s.local.map((f) => localFile(f.key, f.md5, f.size, f.kind));
        const plan = planDeploy(local, s.remote, options(s.delete, s.force), NO_STATE);
        const rank: Record<FileKind, number> = { asset: 0, html: 1, index: 2 };
        const ranks = plan.uploads.map((u) => rank[u.file.kind]);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }),
      { numRuns: RUNS },
    );
  });

  test('5. planRemoval deletes exactly the listed keys, and uploads nothing', () => {
    fc.assert(
      fc.property(fc.uniqueArray(rawRemoteArb, { selector: (o) => o.key, maxLength: 20 }), (remote) => {
        const plan = planRemoval(remote);
        expect(sorted(plan.deletes)).toEqual(sorted(remote.map((o) => o.key)));
        expect(plan.deletes).toHaveLength(remote.length);
        expect(plan.uploads).toEqual([]);
        expect(plan.unchanged).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('compareKeys', () => {
  // Mostly near-equal strings over the units where UTF-16 and UTF-8 orders disagree (surrogates
  // against U+E000–U+FFFF), so the first difference lands on every kind of pair.
  const unit = fc.constantFrom(
    'a',
    'é',
    '\u07ff',
    '\u0800',
    '\ud7ff',
    '\ue000',
    '\uff5e',
    '\uffff',
    '\u{10000}',
    '\u{1f600}',
    '\u{10ffff}',
  );
  const key = fc.array(unit, { maxLength: 6 }).map((units) => units.join(''));

  test('orders as Buffer.compare of the UTF-8 bytes (S3 order), for any keys', () => {
    fc.assert(
      fc.property(key, key, fc.string({ unit: 'grapheme', maxLength: 8 }), (a, b, c) => {
        for (const [x, y] of [
          [a, b],
          [a + c, b + c],
          [c + a, c + b],
        ]) {
          expect(Math.sign(compareKeys(x!, y!))).toBe(Buffer.compare(Buffer.from(x!), Buffer.from(y!)));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
