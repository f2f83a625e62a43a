/**
 * Credentials stage. With `role-to-assume`, the action exchanges the job's GitHub OIDC token for
 * temporary credentials of that role (STS AssumeRoleWithWebIdentity) and hands every AWS client a
 * provider of them, so they win over whatever else is in the environment; the provider renews them
 * (a new OIDC token, a new exchange) five minutes before they expire, so a long upload or
 * invalidation wait never meets an expired token. Without it, returns undefined: the SDK's default
 * chain (env vars, profiles, what configure-aws-credentials exported).
 *
 * Every secret is passed to `setSecret` the moment it exists, before anything could print it.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { loadSts } from './aws/load-sdk.js';
import { isPullRequestEvent } from './config/context.js';
import type { Config } from './config/parse.js';
import { Inputs } from './names.js';
import type { Clock, Sleep } from './ports.js';
import { describeError, isRetryableAwsError, withRetry } from './retry.js';
import type { Credentials } from './types.js';

export interface CredentialDeps {
  /** core.getIDToken in production. */
  getIdToken: (audience: string) => Promise<string>;
  sts: () => STSClient | Promise<STSClient>;
  /** core.setSecret in production. */
  setSecret: (secret: string) => void;
  /** core.info in production; optional so callers may stay quiet. */
  info?: (message: string) => void;
  /** Backoff between STS attempts; injected so tests run instantly. */
  sleep?: Sleep;
  /** When renewal is due; injected so tests need not wait an hour. */
  now?: Clock;
}

/** What AWS clients are given: the SDK calls it before each request (again once the expiry is near). */
export type CredentialProvider = () => Promise<Credentials>;

/**
 * Renew this long before expiry: the AWS SDK asks its provider again when less than 5 minutes
 * remain (EXPIRATION_MS in @smithy/core), so both agree on when a renewal is due.
 */
export const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * One hour. It is the default (and, unless raised, the maximum) `MaxSessionDuration` of an IAM
 * role: asking for more fails with a ValidationError on every role that was not changed. A run that
 * lasts longer (a large sync plus an invalidation wait of up to 3600 s) renews them (RENEW_BEFORE_MS);
 * asking for less buys nothing, since the credentials live only inside this step's process.
 */
export const SESSION_DURATION_SECONDS = 3600;

const OIDC_PROVIDER = 'token.actions.githubusercontent.com';

/**
 * undefined = let the SDK use its default chain (env vars, profiles, ...). The first credentials are
 * obtained here, so a role that cannot be assumed fails the credentials stage before any other request.
 */
export async function resolveCredentials(config: Config, deps: CredentialDeps): Promise<CredentialProvider | undefined> {
  const roleArn = config.roleToAssume;
  if (!roleArn) return undefined;
  const first = await assumeRole(config, roleArn, deps);
  deps.info?.(
    `Assumed role ${roleArn} as session '${config.roleSessionName}'${validUntil(first)}; these credentials are used for every AWS request ` +
      'and renewed 5 minutes before they expire.',
  );
  const renew = async (): Promise<Credentials> => {
    const renewed = await assumeRole(config, roleArn, deps);
    deps.info?.(`Renewed the credentials of role ${roleArn}${validUntil(renewed)}.`);
    return renewed;
  };
  return renewing(first, renew, deps.now ?? Date.now);
}

/**
 * Hands out `first` until RENEW_BEFORE_MS before it expires, then renews: one renewal at a time,
 * shared by every request that asks meanwhile (S3 and CloudFront clients share one provider).
 */
function renewing(first: Credentials, renew: () => Promise<Credentials>, now: Clock): CredentialProvider {
  let current = first;
  let pending: Promise<Credentials> | undefined;
  return async () => {
    if (!current.expiration || current.expiration.getTime() - now() > RENEW_BEFORE_MS) return current;
    pending ??= renew()
      .then((renewed) => (current = renewed))
      .finally(() => (pending = undefined));
    return pending;
  };
}

function validUntil(credentials: Credentials): string {
  return credentials.expiration ? `, valid until ${credentials.expiration.toISOString()}` : '';
}

/** One exchange: a fresh OIDC token (it lives minutes), then AssumeRoleWithWebIdentity; every secret masked. */
async function assumeRole(config: Config, roleArn: string, deps: CredentialDeps): Promise<Credentials> {
  const token = await getToken(config, deps);
  // core.getIDToken masks it too, but a fake or a future implementation may not: mask it here.
  deps.setSecret(token);

  const [{ AssumeRoleWithWebIdentityCommand }, sts] = await Promise.all([loadSts(), deps.sts()]);
  const response = await withRetry(
    () =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: config.roleSessionName,
          WebIdentityToken: token,
          DurationSeconds: SESSION_DURATION_SECONDS,
        }),
      ),
    {
      label: 'AssumeRoleWithWebIdentity',
      // The one retry layer for STS (its client makes one attempt per call): throttling, 5xx, dropped
      // connections, and IDPCommunicationError, which STS asks callers to retry.
      isRetryable: (err) => stsCode(err) === 'IDPCommunicationError' || isRetryableAwsError(err),
      maxAttempts: 4,
      baseDelayMs: 1000,
      sleep: deps.sleep,
      onRetry: deps.info,
    },
  ).catch((err: unknown) => {
    throw new Error(explainStsError(err, config));
  });

  const c = response.Credentials;
  // Mask before validating, so not even an error message about a partial answer can leak one.
  for (const secret of [c?.AccessKeyId, c?.SecretAccessKey, c?.SessionToken]) {
    if (secret) deps.setSecret(secret);
  }
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error(`AssumeRoleWithWebIdentity for role ${roleArn} answered without complete credentials.`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

async function getToken(config: Config, deps: CredentialDeps): Promise<string> {
  let token: string;
  try {
    token = await deps.getIdToken(config.audience);
  } catch (err) {
    const message = describeError(err);
    // core.getIDToken throws "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable" (or _TOKEN)
    // before any request when the job was not granted the permission.
    if (/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(message)) throw new Error(noOidcMessage(config));
    throw new Error(`Could not get a GitHub OIDC token (audience '${config.audience}') for '${Inputs.RoleToAssume}': ${message}`);
  }
  if (!token) throw new Error(`The GitHub OIDC token endpoint returned an empty token (audience '${config.audience}').`);
  return token;
}

function noOidcMessage(config: Config): string {
  if (config.run.fromFork) {
    return (
      `'${Inputs.RoleToAssume}' needs a GitHub OIDC token, and GitHub gives no OIDC token to workflows running for a ` +
      'pull request from a fork (whatever the permissions block says). Skip this step for fork pull requests ' +
      '(e.g. `if: github.event.pull_request.head.repo.full_name == github.repository`), or deploy fork previews from a ' +
      "separate, trusted workflow (workflow_run) that never runs the fork's code with AWS access."
    );
  }
  return (
    `'${Inputs.RoleToAssume}' needs a GitHub OIDC token, but this job may not request one ` +
    '(ACTIONS_ID_TOKEN_REQUEST_URL is not set). Add to the job (or the workflow):\n' +
    '  permissions:\n' +
    '    id-token: write\n' +
    '    contents: read\n' +
    "A permissions block replaces the defaults, so list every permission the job needs (e.g. 'pull-requests: write' for the PR comment)."
  );
}

/** The STS error code without the SDK's "Exception" suffix: InvalidIdentityToken, AccessDenied, ... */
function stsCode(err: unknown): string {
  const e = (err ?? {}) as { name?: unknown; Code?: unknown };
  const name = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : '';
  return name.replace(/Exception$/, '');
}

/** Plain words for what went wrong in AssumeRoleWithWebIdentity and what to check in IAM. */
export function explainStsError(err: unknown, config: Config): string {
  const role = config.roleToAssume ?? '';
  const code = stsCode(err);
  const raw = (err as { message?: unknown })?.message;
  const detail = `STS ${code || 'error'}: ${typeof raw === 'string' ? raw : String(err)}`;
  const repo = config.run.repository ? `${config.run.repository.owner}/${config.run.repository.repo}` : 'OWNER/REPO';
  const isPr = isPullRequestEvent(config.run.eventName);
  const sub =
    `${OIDC_PROVIDER}:sub must match this job: ` +
    (isPr ? `'repo:${repo}:pull_request' for pull_request events` : `e.g. 'repo:${repo}:ref:refs/heads/main' for pushes to main`) +
    `, or 'repo:${repo}:environment:NAME' when the job uses an environment ` +
    `(use StringLike with 'repo:${repo}:*' to allow every job of the repository)`;
  const aud = `${OIDC_PROVIDER}:aud must equal the '${Inputs.Audience}' input ('${config.audience}')`;
  const trust = `Check the trust policy of role ${role}: its Principal must be the OIDC provider ${OIDC_PROVIDER} of this account (Federated), Action sts:AssumeRoleWithWebIdentity, and the conditions: ${sub}; ${aud}.`;

  switch (code) {
    case 'AccessDenied':
    case 'IDPRejectedClaim':
      return `Could not assume role ${role}: the role does not trust this workflow's OIDC token (${detail}). ${trust}`;
    case 'InvalidIdentityToken':
      return (
        `Could not assume role ${role}: STS rejected the GitHub OIDC token (${detail}). ` +
        `The AWS account needs an IAM OIDC identity provider for https://${OIDC_PROVIDER} whose audience list ` +
        `includes '${config.audience}'. ${trust}`
      );
    case 'ExpiredToken':
      return `Could not assume role ${role}: the GitHub OIDC token expired before STS saw it (${detail}). Re-run the job.`;
    case 'ValidationError':
      return (
        `Could not assume role ${role} (${detail}). If the message is about DurationSeconds, the role's maximum session ` +
        `duration is below ${SESSION_DURATION_SECONDS} s: raise it to at least 1 hour. If it is about the session name, fix '${Inputs.RoleSessionName}'.`
      );
    case 'RegionDisabled':
      return `Could not assume role ${role}: STS is not activated in region '${config.region}' for this account (${detail}). Activate it in IAM account settings, or set AWS_ENDPOINT_URL_STS.`;
    default:
      return `Could not assume role ${role} with the GitHub OIDC token (${detail}).`;
  }
}
