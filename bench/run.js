#!/usr/bin/env node
/**
 * npm run bench [-- --size default|small] [--runs 3] [--tools product,aws,ceiling]
 *                  [--scenarios 1,2,3,4,6] [--sweep 4,8,16,32] [--json bench/results.json] [--upload-many]
 *
 * Runs, side by side against s3rver behind a counting proxy: the product (dist/index.js, run as
 * the GitHub runner runs it), `aws s3 sync --delete` (when `aws` is on the PATH), and the ceiling
 * client (bench/ceiling.js). Scenarios:
 *   1 full upload to an empty bucket
 *   2 redeploy of identical content after touching every mtime (what a CI checkout does)
 *   3 1 % of files changed, 1 % deleted, 1 % added
 *   6 a header rule changed: every object's Cache-Control becomes HEADER_RULE, after a fresh
 *     checkout (every mtime new). The product gets it as its `cache-control` input, aws as
 *     `--cache-control`; the ceiling client compares content only and has no headers, so it sits out
 *   4 50,000 small files: the no-op redeploy (memory), against a bucket seeded on s3rver's disk
 *     (--upload-many uploads them through s3rver first instead)
 *   5 one 1 GiB sparse file next to index.html: multipart upload, for peak memory (not aws's
 *     business to beat here; the ceiling client reads whole files into memory, so it sits out)
 * Prints one table (median wall of the runs with min–max, requests by operation, bytes sent, peak
 * RSS, ratios to the ceiling and to aws) and writes the same as JSON. Asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { generateSite, mutate, touchAll } from './generate.js';
import { startCountingProxy } from './proxy.js';

const ROOT = path.join(import.meta.dirname, '..');
const BUCKET = 'bench';
const SCENARIOS = {
  1: 'full upload',
  2: 'no-op (mtimes touched)',
  3: '1% changed/deleted/added',
  '4a': '50k files: full upload',
  4: '50k files: no-op',
  5: '1 GiB sparse file: upload',
  6: 'header rule changed',
};
/** Scenario 6's new Cache-Control for every object (before it: `no-cache` for HTML, none for the rest). */
const HEADER_RULE = 'public, max-age=300';

function parseArgs(argv) {
  const args = {
    size: 'default',
    runs: 3,
    tools: ['product', 'aws', 'ceiling'],
    scenarios: ['1', '2', '3', '4', '6'],
    sweep: [],
    json: path.join(import.meta.dirname, 'results.json'),
    ceilingConcurrency: 32,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i].replace(/^--/, ''), argv[i + 1] ?? ''];
    if (name === 'upload-many') {
      args.uploadMany = true; // a flag: takes no value
      i -= 1;
    } else if (name === 'size') args.size = value;
    else if (name === 'runs') args.runs = Math.max(1, Number(value));
    else if (name === 'tools') args.tools = value.split(',');
    else if (name === 'scenarios') args.scenarios = value.split(',');
    else if (name === 'sweep') args.sweep = value.split(',').map(Number);
    else if (name === 'json') args.json = path.resolve(value);
    else if (name === 'ceiling-concurrency') args.ceilingConcurrency = Number(value);
    else throw new Error(`unknown option --${name}`);
  }
  if (args.tools.includes('aws') && !hasAws()) {
    console.log('`aws` is not on the PATH: skipping it (Debian: apt-get install awscli).');
    args.tools = args.tools.filter((tool) => tool !== 'aws');
  }
  return args;
}

function hasAws() {
  return spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
}

// ---------------------------------------------------------------------------------------------
// Servers

async function startServer(work) {
  const dataDir = fs.mkdtempSync(path.join(work, 's3-'));
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', path.join(ROOT, '__tests__/fixtures/s3rver-process.js'), dataDir, BUCKET],
    {
      stdio: ['pipe', 'pipe', 'inherit'], // stdin kept open: the server exits when it closes
    },
  );
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).port));
  });
  const proxy = await startCountingProxy(port);
  return {
    proxy,
    bucketDir: path.join(dataDir, BUCKET),
    async stop() {
      await proxy.stop();
      child.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Tools: each runs as a child process; wall time includes its start-up.

function commandFor(tool, site, endpoint, concurrency, cacheControl) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
  };
  if (tool === 'product') {
    const files = { GITHUB_OUTPUT: path.join(site.work, 'output'), GITHUB_STEP_SUMMARY: path.join(site.work, 'summary') };
    for (const file of Object.values(files)) fs.writeFileSync(file, '');
    const inputs = { INPUT_BUCKET: BUCKET, 'INPUT_SOURCE-DIR': site.dir, INPUT_CHECKS: 'false', INPUT_REGION: 'us-east-1' };
    if (concurrency) inputs.INPUT_CONCURRENCY = String(concurrency);
    if (cacheControl) inputs['INPUT_CACHE-CONTROL'] = `**: ${cacheControl}`;
    return {
      cmd: toolNode(),
      args: [...productNodeArgs(), path.join(ROOT, 'dist/index.js')],
      env: { ...env, ...files, ...inputs, GITHUB_WORKSPACE: site.work, GITHUB_EVENT_NAME: 'push' },
    };
  }
  if (tool === 'aws') {
    // botocore's default CRC32 trailer (aws-chunked) is stored verbatim by s3rver (TESTING.md #6).
    const awsEnv = {
      ...env,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      AWS_CONFIG_FILE: '/dev/null',
      PYENV_VERSION: process.env.PYENV_VERSION ?? '',
    };
    if (concurrency) awsEnv.AWS_MAX_CONCURRENT_REQUESTS = String(concurrency);
    const args = ['s3', 'sync', site.dir, `s3://${BUCKET}`, '--delete', '--endpoint-url', endpoint, '--no-progress', '--only-show-errors'];
    return { cmd: 'aws', args: cacheControl ? [...args, '--cache-control', cacheControl] : args, env: awsEnv };
  }
  return { cmd: toolNode(), args: [path.join(import.meta.dirname, 'ceiling.js'), site.dir, BUCKET, String(concurrency ?? 16)], env };
}

/** BENCH_NODE: the Node binary for the product and the ceiling client, e.g. Node 24, the action's runtime (default: this one). */
function toolNode() {
  return process.env.BENCH_NODE || process.execPath;
}

/** BENCH_NODE_ARGS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'): Node flags for the product, to profile it in a bench run. */
function productNodeArgs() {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** Runs one command; samples its peak RSS (VmHWM) from /proc while it runs. */
function runTool(command) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command.cmd, command.args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const sample = () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // the process has just exited
      }
    };
    const timer = setInterval(sample, 25);
    child.on('close', (code) => {
      clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code, started, wallMs, peakMb: peakKb / 1024, output });
    });
  });
}

async function measure(tool, scenario, site, server, concurrency, cacheControl) {
  server.proxy.reset();
  const run = await runTool(commandFor(tool, site, server.proxy.endpoint, concurrency, cacheControl));
  if (run.code !== 0) throw new Error(`${tool} failed in scenario ${scenario} (exit ${run.code}):\n${run.output.slice(-3000)}`);
  const { firstAt } = server.proxy.counts;
  return {
    wallMs: run.wallMs,
    firstRequestMs: firstAt === undefined ? undefined : Number(firstAt - run.started) / 1e6,
    peakMb: run.peakMb,
    requests: { ...server.proxy.counts.requests },
    bytesSent: server.proxy.counts.bytesSent,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** One pass of scenarios 1 → 2 → 3 → 6 for a tool, on a fresh server and a fresh copy of the site. */
async function passOneToThree(tool, base, work, wanted, concurrency) {
  const site = { work, dir: path.join(work, 'site') };
  fs.rmSync(site.dir, { recursive: true, force: true });
  fs.cpSync(base.dir, site.dir, { recursive: true });
  const server = await startServer(work);
  const results = {};
  try {
    results['1'] = await measure(tool, '1', site, server, concurrency);
    if (wanted.includes('2')) {
      touchAll(site.dir, base.files);
      results['2'] = await measure(tool, '2', site, server, concurrency);
    }
    if (wanted.includes('3')) {
      mutate(site.dir, base.files);
      results['3'] = await measure(tool, '3', site, server, concurrency);
    }
    if (wanted.includes('6') && tool !== 'ceiling') {
      touchAll(site.dir, filesIn(site.dir)); // a fresh checkout: without it aws would see nothing to upload
      results['6'] = await measure(tool, '6', site, server, concurrency, HEADER_RULE);
    }
  } finally {
    await server.stop();
  }
  if (!wanted.includes('1')) delete results['1'];
  return results;
}

/** The files under `dir` now (after scenario 3 they are no longer the generated list). */
function filesIn(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({ rel: path.relative(dir, path.join(entry.parentPath, entry.name)) }));
}

async function passFour(tool, many, work, uploadMany) {
  const site = { work, dir: many.dir };
  const server = await startServer(work);
  try {
    // Seeding writes s3rver's files directly: its time says nothing of any tool, so it is no row.
    const results = {};
    if (uploadMany) results['4a'] = await measure(tool, '4a', site, server);
    else seedBucket(server.bucketDir, many);
    touchAll(site.dir, many.files);
    results['4'] = await measure(tool, '4', site, server);
    return results;
  } finally {
    await server.stop();
  }
}

/** Scenario 5: a fresh server, a site of index.html and a 1 GiB file that is all hole. */
async function passFive(tool, work) {
  const site = { work, dir: path.join(work, 'sparse') };
  fs.rmSync(site.dir, { recursive: true, force: true });
  fs.mkdirSync(site.dir, { recursive: true });
  fs.writeFileSync(path.join(site.dir, 'index.html'), '<!doctype html><a href="big.bin">big</a>');
  fs.writeFileSync(path.join(site.dir, 'big.bin'), '');
  fs.truncateSync(path.join(site.dir, 'big.bin'), 1024 ** 3);
  const server = await startServer(work);
  try {
    return await measure(tool, '5', site, server);
  } finally {
    await server.stop();
    fs.rmSync(site.dir, { recursive: true, force: true });
  }
}

/**
 * Writes the objects straight into s3rver's store (its FilesystemStore layout: the body, its MD5
 * and the metadata a PutObject would have left), as if every file had been uploaded.
 */
function seedBucket(bucketDir, site) {
  for (const { rel } of site.files) {
    const body = fs.readFileSync(path.join(site.dir, rel));
    const md5 = crypto.createHash('md5').update(body).digest('hex');
    const target = path.join(bucketDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(`${target}._S3rver_object`, body);
    fs.writeFileSync(`${target}._S3rver_object.md5`, md5);
    fs.writeFileSync(`${target}._S3rver_metadata.json`, JSON.stringify({ 'x-amz-meta-md5': md5 }));
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function aggregate(runs) {
  const walls = runs.map((r) => r.wallMs);
  const last = runs[runs.length - 1];
  return {
    runs: runs.length,
    wallMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    firstRequestMs: median(runs.map((r) => r.firstRequestMs ?? 0)),
    requests: last.requests,
    bytesSent: last.bytesSent,
    peakMb: Math.max(...runs.map((r) => r.peakMb)),
  };
}

function formatRequests(requests, errors = {}) {
  const short = {
    ListObjectsV2: 'List',
    PutObject: 'Put',
    HeadObject: 'Head',
    DeleteObjects: 'DelBatch',
    DeleteObject: 'Del',
    UploadPart: 'Part',
    CreateMultipartUpload: 'MPU',
    CompleteMultipartUpload: 'MPUdone',
    ListObjects: 'ListV1',
    GetObject: 'Get',
    CopyObject: 'Copy',
  };
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  const parts = Object.entries(requests).map(([op, n]) => `${short[op] ?? op} ${n}`);
  const failed = Object.entries(errors).map(([what, n]) => `${n}× ${what}`);
  return `${total} (${parts.join(', ') || 'none'})${failed.length ? `; failed: ${failed.join(', ')}` : ''}`;
}

function printTable(rows) {
  const header = ['scenario', 'tool', 'wall s (min–max)', '1st req s', 'requests', 'MB sent', 'peak RSS MB', '×ceiling', '×aws'];
  const lines = rows.map((r) =>
    r.skipped
      ? [`${r.scenario} ${SCENARIOS[r.scenario]}`, r.tool, '', '', r.skipped, '', '', '', '']
      : [
          `${r.scenario} ${SCENARIOS[r.scenario]}`,
          r.tool + (r.concurrency ? ` c=${r.concurrency}` : ''),
          `${(r.wallMs / 1000).toFixed(2)} (${(r.minMs / 1000).toFixed(2)}–${(r.maxMs / 1000).toFixed(2)})`,
          r.firstRequestMs ? (r.firstRequestMs / 1000).toFixed(2) : '',
          formatRequests(r.requests, r.errors),
          (r.bytesSent / 1e6).toFixed(1),
          r.peakMb.toFixed(0),
          r.vsCeiling ? r.vsCeiling.toFixed(2) : '',
          r.vsAws ? r.vsAws.toFixed(2) : '',
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log([fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n'));
}

function withRatios(rows) {
  for (const row of rows.filter((r) => !r.skipped)) {
    const peer = (tool) => rows.find((r) => r.scenario === row.scenario && r.tool === tool && !r.sweep && !r.skipped);
    if (row.tool !== 'ceiling' && peer('ceiling')) row.vsCeiling = row.wallMs / peer('ceiling').wallMs;
    if (row.tool !== 'aws' && peer('aws')) row.vsAws = row.wallMs / peer('aws').wallMs;
  }
  return rows;
}

/**
 * Where the sites and s3rver's store go: BENCH_TMP, else /dev/shm (memory) when there is one, else
 * the system temp dir. On disk, writeback stalls of the 250 MB that s3rver writes per upload made
 * the same scenario take 20 to 32 s; in memory runs agree within about 5 %, so ratios mean something.
 */
function benchTmp() {
  if (process.env.BENCH_TMP) return process.env.BENCH_TMP;
  return fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run package');
  const work = fs.mkdtempSync(path.join(benchTmp(), 'bench-'));
  console.log(`Site and s3rver's store under ${work}.`);
  const rows = [];
  try {
    const base = { dir: path.join(work, 'base') };
    const oneToThree = args.scenarios.filter((s) => ['1', '2', '3', '6'].includes(s));
    if (oneToThree.length > 0 || args.sweep.length > 0) {
      Object.assign(base, generateSite(base.dir, args.size));
      console.log(`Site '${args.size}': ${base.files.length} files, ${(base.bytes / 1e6).toFixed(0)} MB; ${args.runs} runs per tool.`);
    }
    // Passes interleave the tools (product, aws, ceiling, product, ...), so a machine that slows
    // down part-way through slows every tool alike and the ratios hold.
    const tools = oneToThree.length > 0 ? args.tools : [];
    const runsOf = Object.fromEntries(tools.map((tool) => [tool, []]));
    for (let i = 0; i < args.runs; i++) {
      for (const tool of tools) {
        process.stdout.write(`  ${tool}: pass ${i + 1}/${args.runs} of scenarios ${oneToThree.join(', ')}\n`);
        runsOf[tool].push(await passOneToThree(tool, base, work, oneToThree, tool === 'ceiling' ? args.ceilingConcurrency : undefined));
      }
    }
    for (const tool of tools) {
      for (const scenario of oneToThree) {
        if (scenario === '6' && tool === 'ceiling')
          rows.push({ scenario, tool, skipped: 'sits out: compares content only, sets no headers' });
        else rows.push({ scenario, tool, ...aggregate(runsOf[tool].map((r) => r[scenario])) });
      }
    }
    for (const concurrency of args.sweep) {
      const sweepRuns = { product: [], ceiling: [] };
      for (let i = 0; i < args.runs; i++) {
        for (const tool of ['product', 'ceiling']) sweepRuns[tool].push(await passOneToThree(tool, base, work, ['1'], concurrency));
      }
      for (const [tool, runs] of Object.entries(sweepRuns)) {
        process.stdout.write(`  sweep ${tool} c=${concurrency}: ${(median(runs.map((r) => r['1'].wallMs)) / 1000).toFixed(2)} s\n`);
        rows.push({ scenario: '1', tool, concurrency, sweep: true, ...aggregate(runs.map((r) => r['1'])) });
      }
    }
    if (args.scenarios.includes('4')) {
      const many = { dir: path.join(work, 'many') };
      Object.assign(many, generateSite(many.dir, 'many'));
      console.log(`Scenario 4: ${many.files.length} files, ${(many.bytes / 1e6).toFixed(0)} MB; one pass per tool (product, ceiling).`);
      for (const tool of args.tools.filter((t) => t !== 'aws')) {
        process.stdout.write(`  ${tool}: scenario 4\n`);
        const result = await passFour(tool, many, work, args.uploadMany);
        for (const [scenario, measured] of Object.entries(result)) rows.push({ scenario, tool, ...aggregate([measured]) });
      }
    }
    if (args.scenarios.includes('5')) {
      for (const tool of args.tools.filter((t) => t !== 'ceiling')) {
        process.stdout.write(`  ${tool}: scenario 5\n`);
        rows.push({ scenario: '5', tool, ...aggregate([await passFive(tool, work)]) });
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const table = withRatios(rows);
  console.log('');
  printTable(table);
  const meta = {
    date: new Date().toISOString(),
    node: spawnSync(toolNode(), ['--version'], { encoding: 'utf8' }).stdout.trim(),
    cpus: os.cpus().length,
    size: args.size,
    runs: args.runs,
  };
  fs.writeFileSync(args.json, `${JSON.stringify({ meta, rows: table }, null, 2)}\n`);
  console.log(`\nWritten to ${path.relative(process.cwd(), args.json)}`);
}

main().catch((err) => {
  console.error(err.stack || err);
  process.exit(1);
});
