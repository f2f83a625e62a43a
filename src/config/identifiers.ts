/** Readers of names and locations AWS and the file system accept: prefix, bucket, region, index document, source dir, IAM role, distribution id. */
import * as path from 'node:path';
import { ConfigError, shown } from '../errors.js';
import { Inputs } from '../names.js';
import type { Env } from './context.js';
import { MAX_KEY_BYTES, utf8Bytes } from './values.js';

export function parsePrefix(raw: string): string {
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.') {
      throw new ConfigError(Inputs.Prefix, `${shown(raw)} contains a '${segment}' segment`, "Use a plain folder name such as 'pr-42'.");
    }
    if (segment === '') {
      throw new ConfigError(Inputs.Prefix, `${shown(raw)} contains '//'`, "Use single slashes, e.g. 'previews/pr-42'.");
    }
    if (/[\\*?[\]{}\s]/.test(segment)) {
      throw new ConfigError(
        Inputs.Prefix,
        `${shown(raw)} contains whitespace, a backslash or a glob character`,
        "Use letters, digits, '-', '_' and '.' (e.g. 'pr-42').",
      );
    }
  }
  const prefix = `${trimmed}/`;
  if (utf8Bytes(prefix) >= MAX_KEY_BYTES) {
    throw new ConfigError(
      Inputs.Prefix,
      `${shown(raw)} is ${utf8Bytes(prefix)} bytes long (UTF-8), and every key starts with it: S3 keys are at most ${MAX_KEY_BYTES} bytes`,
      "Use a short folder name such as 'pr-42'.",
    );
  }
  return prefix;
}

export function parseBucket(value: string): string {
  if (value === '') throw new ConfigError(Inputs.Bucket, 'is required', "Set 'bucket' to the bucket's name (not its ARN or URL).");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
    throw new ConfigError(
      Inputs.Bucket,
      `${shown(value)} is not a valid S3 bucket name`,
      "Use the bucket's name only (3-63 lowercase letters, digits, '.', '-'), not an ARN or URL.",
    );
  }
  return value;
}

export function parseRegion(value: string, env: Env): string {
  const region = value || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (region === '') {
    throw new ConfigError(
      Inputs.Region,
      'is not set and neither is AWS_REGION nor AWS_DEFAULT_REGION',
      "Set 'region' to the bucket's region, e.g. us-east-1.",
    );
  }
  if (region.length > 63 || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ConfigError(Inputs.Region, `${shown(region)} is not an AWS region`, 'Use a region code such as us-east-1 or eu-west-3.');
  }
  return region;
}

export function parseIndexDocument(value: string): string {
  if (value === '' || value.startsWith('/') || value.includes('\\') || value.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new ConfigError(
      Inputs.IndexDocument,
      `${shown(value)} is not a file name inside source-dir`,
      "Use a relative file name such as 'index.html'.",
    );
  }
  if (utf8Bytes(value) > MAX_KEY_BYTES) {
    throw new ConfigError(
      Inputs.IndexDocument,
      `${shown(value)} is ${utf8Bytes(value)} bytes long (UTF-8), over S3's limit of ${MAX_KEY_BYTES} for a key`,
      "Use the file name of the site's entry page, e.g. 'index.html'.",
    );
  }
  return value;
}

/** The longest file or folder name file systems allow (NAME_MAX). */
const MAX_NAME_BYTES = 255;

export function parseSourceDir(value: string, env: Env): string {
  const longName = value.split('/').find((name) => utf8Bytes(name) > MAX_NAME_BYTES);
  if (longName !== undefined) {
    throw new ConfigError(
      Inputs.SourceDir,
      `${shown(value)} has a folder name of ${utf8Bytes(longName)} bytes, longer than any file system allows (${MAX_NAME_BYTES})`,
      "Set it to the build output folder, relative to the workspace, e.g. 'build' or 'dist'.",
    );
  }
  const sourceDir = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), value);
  if (utf8Bytes(sourceDir) > 4096) {
    throw new ConfigError(
      Inputs.SourceDir,
      `${shown(value)} makes a path of ${utf8Bytes(sourceDir)} bytes, longer than any directory can have (4,096)`,
      "Set it to the build output folder, relative to the workspace, e.g. 'build' or 'dist'.",
    );
  }
  return sourceDir;
}

export function parseRoleArn(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 2048 || !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(value)) {
    throw new ConfigError(
      Inputs.RoleToAssume,
      `${shown(value)} is not an IAM role ARN`,
      'Use the full ARN, e.g. arn:aws:iam::123456789012:role/deploy-site.',
    );
  }
  return value;
}

export function parseSessionName(value: string): string {
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) {
    throw new ConfigError(
      Inputs.RoleSessionName,
      `${shown(value)} is not a valid session name`,
      "Use 2-64 characters from letters, digits and '+=,.@_-'.",
    );
  }
  return value;
}

export function parseAudience(value: string): string {
  if (value.length > 255) {
    throw new ConfigError(
      Inputs.Audience,
      `${shown(value)} is longer than the 255 characters IAM allows for an OIDC audience (client ID)`,
      "Use the audience your IAM OIDC provider lists, usually 'sts.amazonaws.com'.",
    );
  }
  return value;
}

export function parseDistributionId(value: string): string | undefined {
  if (value === '') return undefined;
  if (!/^[A-Z0-9]{1,64}$/.test(value)) {
    throw new ConfigError(
      Inputs.DistributionId,
      `${shown(value)} is not a CloudFront distribution id`,
      'Use the id (like E1ABCDEF2GHIJK), not the domain name or ARN.',
    );
  }
  return value;
}
