import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseConfig, type Config } from '../src/config/parse.js';
import { resolveCredentials, SESSION_DURATION_SECONDS, type CredentialDeps } from '../src/credentials.js';
import type { InputName } from '../src/names.js';
import { startFakeSts, type FakeSts } from './fixtures/fake-sts.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy-site';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9jdG8tb3JnL3NpdGU6cHVsbF9yZXF1ZXN0In0.c2lnbmF0dXJl';
const ISSUED = {
  AccessKeyId: 'ASIAISSUEDKEY0000001',
  SecretAccessKey: 'issued/secret/key/9f8e7d6c5b4a',
  SessionToken: 'issued-session-token-IQoJb3JpZ2luX2Vj',
  Expiration: new Date('2030-01-01T01:00:00Z'),
};

function config(inputs: Partial<Record<InputName, string>> = {}, opts: { fork?: boolean; event?: string } = {}): Config {
  const event = {
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: 'a'.repeat(40), repo: { full_name: opts.fork ? 'someone/site' : 'octo-org/site' } },
      base: { repo: { full_name: 'octo-org/site' } },
    },
  };
  return parseConfig(
    (name) => ({ bucket: 'site-bucket', region: 'eu-west-1', 'role-to-assume': ROLE, ...inputs })[name] ?? '',
    { GITHUB_REPOSITORY: 'octo-org/site', GITHUB_EVENT_NAME: opts.event ?? 'pull_request', GITHUB_SHA: 'b'.repeat(40) },
    event,
  );
}

type Send = (command: AssumeRoleWithWebIdentityCommand) => Promise<unknown>;

/** Plain fakes of the deps; `events` records the order of everything that happens. */
function fakeDeps(send: Send, getIdToken?: (audience: string) => Promise<string>) {
  const events: string[] = [];
  const masked: string[] = [];
  const infos: string[] = [];
  const sent: AssumeRoleWithWebIdentityCommand[] = [];
  const deps: CredentialDeps = {
    getIdToken: async (audience) => {
      events.push(`getIdToken(${audience})`);
      return getIdToken ? getIdToken(audience) : TOKEN;
    },
    sts: () =>
      ({
        send: (command: AssumeRoleWithWebIdentityCommand) => {
          events.push('sts.send');
          sent.push(command);
          return send(command);
        },
      }) as unknown as STSClient,
    setSecret: (secret) => {
      events.push(`setSecret(${secret})`);
      masked.push(secret);
    },
    info: (message) => {
      events.push('info');
      infos.push(message);
    },
    sleep: async () => undefined,
  };
  return { deps, events, masked, infos, sent };
}

const ok: Send = async () => ({ Credentials: ISSUED });

function stsError(code: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status } });
}

describe('resolveCredentials', () => {
  test('without role-to-assume: undefined (the SDK default chain), no token requested, no STS call', async () => {
    const f = fakeDeps(ok);
    await expect(resolveCredentials(config({ 'role-to-assume': '' }), f.deps)).resolves.toBeUndefined();
    expect(f.events).toEqual([]);
  });

  test('exchanges the OIDC token for the role, with audience, session name and a one-hour duration', async () => {
    const f = fakeDeps(ok);
    const provider = await resolveCredentials(config({ audience: 'my-aud', 'role-session-name': 'pr-7-deploy' }), f.deps);
    expect(await provider!()).toEqual({
      accessKeyId: ISSUED.AccessKeyId,
      secretAccessKey: ISSUED.SecretAccessKey,
      sessionToken: ISSUED.SessionToken,
      expiration: ISSUED.Expiration,
    });
    expect(f.events[0]).toBe('getIdToken(my-aud)');
    expect(f.sent).toHaveLength(1);
    expect(f.sent[0]!.input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'pr-7-deploy',
      WebIdentityToken: TOKEN,
      DurationSeconds: SESSION_DURATION_SECONDS,
    });
    expect(SESSION_DURATION_SECONDS).toBe(3600);
  });

  test('masks the token before STS sees it, and every issued secret before anything is logged', async () => {
    const f = fakeDeps(ok);
    await resolveCredentials(config(), f.deps);
    const at = (event: string): number => f.events.indexOf(event);
    expect(at(`setSecret(${TOKEN})`)).toBeGreaterThan(at('getIdToken(sts.amazonaws.com)'));
    expect(at(`setSecret(${TOKEN})`)).toBeLessThan(at('sts.send'));
    for (const secret of [ISSUED.SecretAccessKey, ISSUED.SessionToken, ISSUED.AccessKeyId]) {
      expect(at(`setSecret(${secret})`)).toBeGreaterThan(at('sts.send'));
      expect(at(`setSecret(${secret})`)).toBeLessThan(at('info'));
    }
    for (const message of f.infos) {
      for (const secret of [TOKEN, ISSUED.SecretAccessKey, ISSUED.SessionToken]) expect(message).not.toContain(secret);
    }
    expect(f.infos.join('\n')).toContain(ROLE);
  });

  test('masks whatever STS returned even when the answer is incomplete', async () => {
    const f = fakeDeps(async () => ({ Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'half-secret' } }));
    await expect(resolveCredentials(config(), f.deps)).rejects.toThrow(/without complete credentials/);
    expect(f.masked).toEqual([TOKEN, 'ASIAX', 'half-secret']);
  });

  test('no ACTIONS_ID_TOKEN_REQUEST_URL: says which permission to add, and calls no STS', async () => {
    const f = fakeDeps(ok, async () => {
      throw new Error('Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
    });
    const err = (await resolveCredentials(config(), f.deps).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('id-token: write');
    expect(err.message).toContain('permissions:');
    expect(err.message).not.toMatch(/fork/);
    expect(f.sent).toHaveLength(0);
  });

  test('the same on a pull request from a fork: says plainly that forks get no OIDC token', async () => {
    const f = fakeDeps(ok, async () => {
      throw new Error('Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
    });
    const err = (await resolveCredentials(config({}, { fork: true }), f.deps).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/GitHub gives no OIDC token to .*pull request from a fork/);
    expect(err.message).toContain('head.repo.full_name == github.repository');
    expect(f.sent).toHaveLength(0);
  });

  test('another token endpoint failure names the audience and keeps the cause', async () => {
    const f = fakeDeps(ok, async () => {
      throw new Error('Failed to get ID Token. Error Code : 500');
    });
    await expect(resolveCredentials(config({ audience: 'aud-x' }), f.deps)).rejects.toThrow(
      /OIDC token \(audience 'aud-x'\).*Error Code : 500/s,
    );
  });

  test('AccessDenied explains the trust policy conditions, naming the role', async () => {
    const f = fakeDeps(async () => {
      throw stsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    });
    const err = (await resolveCredentials(config({ audience: 'my-aud' }), f.deps).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`Could not assume role ${ROLE}`);
    expect(err.message).toContain('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(err.message).toContain("token.actions.githubusercontent.com:sub must match this job: 'repo:octo-org/site:pull_request'");
    expect(err.message).toContain("token.actions.githubusercontent.com:aud must equal the 'audience' input ('my-aud')");
    expect(f.sent).toHaveLength(1); // not retried
  });

  test('on a push, the sub example is the branch ref form', async () => {
    const f = fakeDeps(async () => {
      throw stsError('AccessDenied', 'Not authorized', 403);
    });
    await expect(resolveCredentials(config({}, { event: 'push' }), f.deps)).rejects.toThrow("'repo:octo-org/site:ref:refs/heads/main'");
  });

  test('InvalidIdentityToken explains the OIDC provider and the audience', async () => {
    const f = fakeDeps(async () => {
      throw stsError('InvalidIdentityTokenException', 'Incorrect token audience', 400);
    });
    const err = (await resolveCredentials(config(), f.deps).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('STS InvalidIdentityToken: Incorrect token audience');
    expect(err.message).toContain('OIDC identity provider for https://token.actions.githubusercontent.com');
    expect(err.message).toContain("'sts.amazonaws.com'");
    expect(err.message).toContain(':aud');
    expect(err.message).not.toContain(TOKEN);
  });

  test('IDPCommunicationError is retried; AccessDenied is not', async () => {
    let calls = 0;
    const f = fakeDeps(async () => {
      if (++calls < 3) throw stsError('IDPCommunicationErrorException', "Couldn't retrieve verification key", 400);
      return { Credentials: ISSUED };
    });
    const provider = await resolveCredentials(config(), f.deps);
    expect(await provider!()).toMatchObject({ accessKeyId: ISSUED.AccessKeyId });
    expect(f.sent).toHaveLength(3);
  });
});

describe('resolveCredentials against the local STS (real SDK, real wire format)', () => {
  let sts: FakeSts;
  beforeAll(async () => {
    sts = await startFakeSts();
  });
  afterAll(() => sts.close());
  beforeEach(() => {
    sts.requests.length = 0;
    sts.failWith = undefined;
    sts.failTimes = Number.POSITIVE_INFINITY;
  });

  const realDeps = (masked: string[] = []): CredentialDeps => ({
    getIdToken: async () => TOKEN,
    // No credentials on the client: AssumeRoleWithWebIdentity must go out unsigned.
    sts: () => new STSClient({ region: 'eu-west-1', endpoint: sts.endpoint, maxAttempts: 1 }),
    setSecret: (s) => masked.push(s),
    sleep: async () => undefined,
  });

  test('sends the Query form and parses the XML credentials', async () => {
    const masked: string[] = [];
    const creds = await (await resolveCredentials(config({ 'role-session-name': 'gha-7' }), realDeps(masked)))!();
    expect(creds).toMatchObject({
      accessKeyId: sts.credentials.accessKeyId,
      secretAccessKey: sts.credentials.secretAccessKey,
      sessionToken: sts.credentials.sessionToken,
    });
    expect(creds?.expiration).toBeInstanceOf(Date);
    expect(sts.requests).toHaveLength(1);
    expect(sts.requests[0]!.params).toEqual({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE,
      RoleSessionName: 'gha-7',
      WebIdentityToken: TOKEN,
      DurationSeconds: '3600',
    });
    expect(sts.requests[0]!.headers.authorization).toBeUndefined();
    expect(masked).toEqual(expect.arrayContaining([TOKEN, sts.credentials.secretAccessKey, sts.credentials.sessionToken]));
  });

  test.each([
    ['AccessDenied', /does not trust this workflow's OIDC token.*token\.actions\.githubusercontent\.com:sub/s],
    ['InvalidIdentityToken', /rejected the GitHub OIDC token.*Incorrect token audience.*:aud/s],
  ] as const)('%s from the wire is explained', async (code, expected) => {
    sts.failWith = code;
    await expect(resolveCredentials(config(), realDeps())).rejects.toThrow(expected);
  });

  test('IDPCommunicationError from the wire is retried', async () => {
    sts.failWith = 'IDPCommunicationError';
    sts.failTimes = 1;
    await expect(resolveCredentials(config(), realDeps())).resolves.toBeDefined();
    expect(sts.requests).toHaveLength(2);
  });
});
