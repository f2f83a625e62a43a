/**
 * The narrow interfaces through which stages touch the outside world. Only the adapters in aws/,
 * github/ and http/ import SDKs; tests hand in fakes or adapters pointed at local servers.
 */
import type { HeaderUpdate, LocalFile, ObjectHead, RemoteObject } from './types.js';

export interface ObjectStore {
  /** Every object whose key starts with `prefix` (all pages). */
  list(prefix: string): Promise<RemoteObject[]>;
  /** HeadObject: the stored MD5, the managed headers and what a header update must carry over. */
  head(key: string): Promise<ObjectHead>;
  /**
   * Upload one file with its headers and MD5 metadata, each body proven by its Content-MD5; multipart
   * for large files. `onBytes` hears of bytes as they land (part by part), for progress lines.
   * Returns the ETag S3 gave it (unquoted).
   */
  put(file: LocalFile, onBytes?: (bytes: number) => void): Promise<{ etag: string }>;
  /** Replace an object's headers without sending its body (CopyObject onto itself). Returns the new ETag. */
  updateHeaders(update: HeaderUpdate): Promise<{ etag: string }>;
  /** A small object's text and ETag (unquoted); undefined when there is none. */
  readText(key: string): Promise<{ text: string; etag: string } | undefined>;
  /**
   * Conditional write: only over the object with `expectedEtag`, or only where none exists
   * (undefined). 'precondition-failed' when the condition did not hold.
   */
  writeText(key: string, text: string, expectedEtag: string | undefined): Promise<'written' | 'precondition-failed'>;
  /** Delete up to 1,000 keys in one request; returns the keys the server refused, with why. */
  deleteBatch(keys: string[]): Promise<DeleteFailure[]>;
}

export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

export interface Cdn {
  /** The distribution's domain name, e.g. d111111abcdef8.cloudfront.net. */
  getDomainName(distributionId: string): Promise<string>;
  createInvalidation(distributionId: string, paths: string[], callerReference: string): Promise<{ id: string; status: string }>;
  getInvalidationStatus(distributionId: string, invalidationId: string): Promise<string>;
}

export interface ProbeResponse {
  status: number;
  contentType: string;
  /** First bytes of the body (for "is this HTML?" diagnostics). */
  bodyStart: string;
  /** The Location header of a redirect (redirects are reported, never followed). */
  location?: string;
  /** Hex MD5 of the whole body, when it ended within the prober's limit. */
  bodyMd5?: string;
  /** The ETag header, as sent (CloudFront passes S3's through). */
  etag?: string;
}

export interface Prober {
  /** One GET, TLS verified, redirects not followed. Rejects with the network/TLS error. */
  get(url: string): Promise<ProbeResponse>;
}

export interface PrComments {
  /** Create the comment carrying `marker`, or update it in place when it exists. */
  upsert(prNumber: number, marker: string, body: string): Promise<{ id: number; created: boolean }>;
}

/** What the preview comment says: the hidden marker that finds it again, and its markdown. */
export interface PreviewComment {
  marker: string;
  body: string;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive';

export interface NewDeployment {
  /** The commit deployed (a sha), never a branch name that moves on. */
  ref: string;
  environment: string;
  /** A preview: GitHub shows it "destroyed" once it is inactive. */
  transient: boolean;
  production: boolean;
  description: string;
}

export interface DeploymentStatusUpdate {
  state: DeploymentState;
  /** The run's page ("View logs"). */
  logUrl: string;
  /** The deployed site ("View deployment"); only on success. */
  environmentUrl?: string;
  description?: string;
  /** Whether GitHub marks the environment's earlier successful deployments inactive. */
  autoInactive: boolean;
}

/** The three deployment endpoints the action uses, nothing more. */
export interface DeploymentsPort {
  /** POST /repos/{owner}/{repo}/deployments; resolves to the new deployment's id. */
  create(deployment: NewDeployment): Promise<number>;
  /** POST /repos/{owner}/{repo}/deployments/{id}/statuses. */
  setStatus(id: number, status: DeploymentStatusUpdate): Promise<void>;
  /** GET /repos/{owner}/{repo}/deployments?environment=…, every page; the ids, newest first. */
  listIds(environment: string): Promise<number[]>;
}

/** Pause for `ms`; injected so tests of waiting and retrying run instantly. */
export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => number;
