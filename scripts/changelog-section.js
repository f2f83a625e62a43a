/**
 * Prints the CHANGELOG.md section of one release, for its GitHub release notes.
 *
 *   node scripts/changelog-section.js v1.2.3 [CHANGELOG.md]
 *
 * A release section starts with a level-2 heading `## v1.2.3`, optionally followed by a date
 * (`## v1.2.3 (2026-12-01)`), and runs until the next level-2 heading. The body is printed without
 * the heading, trimmed. Exits 1, naming the problem, when the tag is not `vMAJOR.MINOR.PATCH`, or
 * the section is missing, duplicated or empty: a release must never go out without its notes.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const VERSION_TAG = /^v\d+\.\d+\.\d+$/;

/** The body of the section for `tag`; throws an Error that says what is wrong. */
export function changelogSection(changelog, tag) {
  if (!VERSION_TAG.test(tag)) throw new Error(`'${tag}' is not a version tag of the form vMAJOR.MINOR.PATCH (e.g. v1.2.3)`);
  const lines = changelog.split(/\r?\n/);
  // Headings inside fenced code blocks (an example in the preamble, a snippet in the notes) do not count.
  let fence = null;
  const inFence = lines.map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    const inside = fence !== null;
    if (marker && fence === null) fence = marker[1];
    else if (marker && marker[1][0] === fence[0] && marker[1].length >= fence.length) fence = null;
    return inside || marker !== null;
  });
  const isHeading = (line, index) => !inFence[index] && /^## /.test(line);
  const isSectionOf = (line, index) =>
    isHeading(line, index) && line.startsWith(`## ${tag}`) && /^$|^\s/.test(line.slice(`## ${tag}`.length));
  const starts = lines.flatMap((line, index) => (isSectionOf(line, index) ? [index] : []));
  if (starts.length === 0) {
    throw new Error(`CHANGELOG.md has no '## ${tag}' section: move the entries of '## Unreleased' under '## ${tag}' before tagging`);
  }
  if (starts.length > 1) throw new Error(`CHANGELOG.md has ${starts.length} '## ${tag}' sections`);
  const start = starts[0] + 1;
  const next = lines.slice(start).findIndex((line, offset) => isHeading(line, start + offset));
  const body = lines
    .slice(start, next === -1 ? undefined : start + next)
    .join('\n')
    .trim();
  if (body === '') throw new Error(`the '## ${tag}' section of CHANGELOG.md is empty`);
  return body;
}

function main(argv) {
  const [tag, file = 'CHANGELOG.md'] = argv;
  if (!tag) {
    process.stderr.write('usage: node scripts/changelog-section.js <tag, e.g. v1.2.3> [CHANGELOG.md]\n');
    return 2;
  }
  try {
    process.stdout.write(`${changelogSection(readFileSync(file, 'utf8'), tag)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`changelog-section: ${err.message}\n`);
    return 1;
  }
}

// Run as a script, not when imported (the tests import changelogSection).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
