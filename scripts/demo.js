#!/usr/bin/env node
/**
 * A demo deploy you can watch: starts an embedded S3-compatible server (s3rver), deploys a sample
 * SPA with the real dist/index.js exactly as the GitHub runner runs it, prints the log and the job
 * summary, then deploys again to show that nothing is re-uploaded. Leaves nothing running.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createInterface } = require('node:readline');

const ROOT = path.join(__dirname, '..');
const BUCKET = 'demo-site';

const SITE = {
  'index.html': '<!doctype html><title>Tents</title><link rel="stylesheet" href="/static/app.css"><script src="/static/app.4f2a.js"></script>',
  'collections/index.html': '<!doctype html><title>Collections</title>',
  'static/app.4f2a.js': 'document.title += " (loaded)";',
  'static/app.css': 'body { font-family: sans-serif }',
  'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
};

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-demo-'));
  const server = await startS3rver(path.join(work, 's3'));
  try {
    writeSite(path.join(work, 'build'));
    banner(`1st deploy of ${Object.keys(SITE).length} files to s3://${BUCKET} (s3rver at ${server.endpoint})`);
    const first = runAction(work, server.endpoint);
    banner('2nd deploy, every mtime touched (as a fresh CI checkout does): nothing to upload');
    touchAll(path.join(work, 'build'));
    const second = runAction(work, server.endpoint);
    banner('Result');
    console.log(`1st run outputs: ${JSON.stringify(first.outputs)}`);
    console.log(`2nd run outputs: ${JSON.stringify(second.outputs)}`);
    const ok = first.code === 0 && second.code === 0 && first.outputs.uploaded === String(Object.keys(SITE).length) && second.outputs.uploaded === '0';
    console.log(ok ? 'Demo OK.' : 'Demo FAILED.');
    process.exitCode = ok ? 0 : 1;
  } finally {
    server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function writeSite(dir) {
  for (const [rel, body] of Object.entries(SITE)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
}

function touchAll(dir) {
  const later = new Date(Date.now() + 60_000);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) fs.utimesSync(path.join(entry.parentPath, entry.name), later, later);
  }
}

/** Runs dist/index.js with INPUT_* variables (hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. */
function runAction(work, endpoint) {
  const outputFile = path.join(work, 'output.txt');
  const summaryFile = path.join(work, 'summary.md');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: 'demo000000000000000000000000000000000000',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
    'INPUT_BUCKET': BUCKET,
    'INPUT_SOURCE-DIR': 'build',
    'INPUT_CACHE-CONTROL': '**/*.html: no-cache\nstatic/**: public, max-age=31536000, immutable',
    'INPUT_CHECKS': 'false',
  };
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'index.js')], { env, cwd: work, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  console.log('\n--- job summary (GITHUB_STEP_SUMMARY) ---');
  console.log(fs.readFileSync(summaryFile, 'utf8'));
  return { code: result.status, outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')) };
}

function parseOutputs(text) {
  const outputs = {};
  const re = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) outputs[m[1]] = m[3];
  return outputs;
}

/** s3rver in a child process (with the legacy OpenSSL provider its listing tokens need on Node >= 17). */
function startS3rver(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, ['--openssl-legacy-provider', path.join(ROOT, '__tests__/fixtures/s3rver-process.js'), dataDir, BUCKET], {
    stdio: ['pipe', 'pipe', 'inherit'], // a pipe, kept open: s3rver-process exits when its stdin closes
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const { port } = JSON.parse(line);
      resolve({ endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') });
    });
  });
}

function banner(text) {
  console.log(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
