/** Shared data shapes that flow between the pipeline stages. */
import type { DoctorReport } from './cdn/doctor/types.js';

/** A file found in source-dir, ready to compare and upload. */
export interface LocalFile {
  /** Full object key: prefix + relPath. */
  key: string;
  /** POSIX path relative to source-dir. */
  relPath: string;
  /** Absolute path on disk. */
  absPath: string;
  size: number;
  /** Hex MD5 of the content. */
  md5: string;
  /** Hex MD5 of each 8 MiB part, for files sent as multipart uploads (each part's Content-MD5). */
  partMd5s?: string[];
  contentType: string;
  cacheControl?: string;
  /** Whether the object is an HTML page, and whether it is the root index document. */
  kind: FileKind;
}

export type FileKind = 'asset' | 'html' | 'index';

/** A file of the site, described but not yet read (local/scan.ts finds it, local/hash.ts reads it). */
export type SourceFile = Omit<LocalFile, 'md5' | 'size'>;

/** An object as ListObjectsV2 (and, when needed, HeadObject) describes it. */
export interface RemoteObject {
  key: string;
  size: number;
  /** ETag without quotes: a hex MD5, or `<hex>-<parts>` for multipart uploads. */
  etag: string;
  /** Hex MD5 of the content when known without the ETag: from the deploy state, or a HeadObject. */
  storedMd5?: string;
  /** As listed; absent means STANDARD. */
  storageClass?: string;
}

/**
 * Every header the action sets on an object (the MD5 metadata aside: it describes the content).
 * Uploads and header updates both send exactly these, and the fingerprint covers all of them.
 */
export interface ManagedHeaders {
  contentType?: string;
  cacheControl?: string;
}

/** Headers the action does not manage but a header update keeps (lower-case HTTP names → values). */
export type CarriedHeaders = Readonly<Record<string, string>>;

/** What a HeadObject tells beyond the listing. */
export interface ObjectHead {
  /** Hex MD5 from the object's metadata, when it has one. */
  storedMd5?: string;
  /** The object's values of the headers the action manages. */
  headers: ManagedHeaders;
  /** What a header update must keep: the headers the action does not manage. */
  carried: CarriedHeaders;
}

/** An unchanged file whose object needs its headers corrected (CopyObject onto itself). */
export interface HeaderUpdate {
  file: LocalFile;
  /** As listed: the copy is made only while the object still has this ETag. */
  object: RemoteObject;
  carried: CarriedHeaders;
}

/** A stale object kept by keep-stale, or expiring in this run. */
export interface StaleObject {
  key: string;
  /** Epoch milliseconds since which it has been stale. */
  since: number;
}

/** `headers`: the headers differ and the object is over CopyObject's 5 GiB, so the body goes again. */
export type UploadReason = 'new' | 'changed' | 'forced' | 'headers';

export interface PlannedUpload {
  file: LocalFile;
  reason: UploadReason;
}

/** Everything the deploy will do, computed before the first write. */
export interface Plan {
  /** In upload order: assets, then HTML, then the index document. */
  uploads: PlannedUpload[];
  /** Keys to delete, after every upload: stale HTML, and with keep-stale what has expired. */
  deletes: string[];
  /** Every file in scope that is not uploaded, header updates included. */
  unchanged: LocalFile[];
  /** Unchanged files whose headers differ from the rules. */
  headerUpdates: HeaderUpdate[];
  /** Stale objects kept by keep-stale (not deleted, not invalidated). */
  retained: StaleObject[];
  /** Stale objects whose keep-stale time is over: also in `deletes`. */
  expiring: StaleObject[];
}

export interface ApplyResult {
  uploaded: number;
  bytesUploaded: number;
  deleted: number;
  headersUpdated: number;
}

export interface InvalidationResult {
  id: string;
  paths: string[];
  /** Why these paths: e.g. "12 paths" or "collapsed 4,210 paths to /*". */
  reason: string;
  status: string;
  waitedSeconds?: number;
}

export type CheckName = 'site-root' | 'spa-route' | 's3-private' | 'state-private';

export interface CheckResult {
  name: CheckName;
  url: string;
  expected: string;
  /** What was observed, e.g. "200 text/html" or "TLS error CERT_HAS_EXPIRED". */
  got: string;
  passed: boolean;
  /** Plain-words cause and fix when it failed. */
  diagnosis?: string;
  /** A check that only warns: when it fails it is reported, and never fails the job (state-private). */
  warnOnly?: boolean;
}

export type ChecksOutcome = 'passed' | 'failed' | 'skipped';

/** AWS credentials obtained through OIDC (undefined elsewhere means: the SDK's default chain). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type StageName =
  | 'config'
  | 'deployment'
  | 'credentials'
  | 'distribution'
  | 'scan'
  | 'hash'
  | 'list'
  | 'plan'
  | 'doctor'
  | 'apply'
  | 'headers'
  | 'invalidate'
  | 'delete'
  | 'state'
  | 'checks'
  | 'report';

/** Why a run failed, where, and the state it left (the stage runner fills it in). */
export interface RunFailure {
  /** The stage's title, e.g. "Listing s3://site/pr-7/". */
  stage: string;
  /** The cause and the fix. */
  message: string;
  /** What was written, what is pending, what a rerun does (stages.ts leftBehind). */
  leftBehind: string;
}

/** One bar of the timeline: a stage, part of one, or work running beside the stages (the listing). */
export interface TimelineSpan {
  /** Short bar label, e.g. `hash` or `upload HTML pages`. */
  label: string;
  /** Milliseconds since the run started. */
  start: number;
  end: number;
  /** Drawn as critical (red): it ended in an error. */
  failed?: boolean;
}

export interface Timeline {
  /** When the run started, epoch milliseconds. */
  startedAt: number;
  spans: TimelineSpan[];
}

/** The GitHub deployment of this run, as the report shows it. */
export interface DeploymentRecord {
  /** Undefined when none was created (GitHub refused, or a removed preview). */
  id?: number;
  environment: string;
  /** The environment's page on GitHub. */
  url?: string;
  /** A removed preview: how many of the environment's deployments were marked inactive. */
  deactivated?: number;
}

/** Everything that happened, for the outputs, the job summary and the PR comment. */
export interface DeployResult {
  mode: 'deploy' | 'remove' | 'audit';
  dryRun: boolean;
  bucket: string;
  /** '' or 'pr-42/'. */
  prefix: string;
  plan: Plan;
  /** Undefined in dry-run, or when a failure stopped the run before writing. */
  applied?: ApplyResult;
  invalidation?: InvalidationResult;
  /** Why no invalidation was made, e.g. "nothing changed" or "no distribution-id". */
  invalidationSkipped?: string;
  siteUrl?: string;
  previewUrl?: string;
  checks: CheckResult[];
  checksOutcome: ChecksOutcome;
  /** Milliseconds per stage. */
  timings: Partial<Record<StageName, number>>;
  /** When each stage (and the listing beside them) started and ended, for the summary's timeline. */
  timeline?: Timeline;
  deployment?: DeploymentRecord;
  /** The commit deployed. */
  sha: string;
  /** Set when the run failed; the outputs, the summary and the PR comment still say what was done. */
  failure?: RunFailure;
  /** The doctor's findings and what it could not check; undefined when it did not run. */
  doctor?: DoctorReport;
  /** AWS request attempts that failed (the SDK retried them, or the last one became the error). */
  failedAttempts?: number;
}
