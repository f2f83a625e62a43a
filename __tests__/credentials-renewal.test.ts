/**
 * role-to-assume credentials are renewed before they expire: the provider handed to the AWS clients
 * returns the same credentials until 5 minutes before their expiry, then makes one new exchange (a
 * fresh OIDC token, AssumeRoleWithWebIdentity), shared by every request asking meanwhile. On an
 * injected clock: nobody waits an hour.
 */
import type { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseConfig } from '../src/config/parse.js';
import { resolveCredentials, type CredentialDeps } from '../src/credentials.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy-site';
const HOUR = 3_600_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');

function config() {
  const inputs: Record<string, string> = { bucket: 'site-bucket', region: 'eu-west-1', 'role-to-assume': ROLE };
  return parseConfig((name) => inputs[name] ?? '', { GITHUB_REPOSITORY: 'octo-org/site' }, {});
}

/** An STS issuing `key-N` / `secret-N` / `token-N`, valid one hour from the (fake) time of issue. */
function fakeWorld() {
  let now = T0;
  let issued = 0;
  const tokens: string[] = [];
  const sent: AssumeRoleWithWebIdentityCommand[] = [];
  const masked: string[] = [];
  const infos: string[] = [];
  const deps: CredentialDeps = {
    getIdToken: async () => {
      const token = `oidc-jwt-${tokens.length + 1}`;
      tokens.push(token);
      return token;
    },
    sts: () =>
      ({
        send: async (command: AssumeRoleWithWebIdentityCommand) => {
          sent.push(command);
          const n = ++issued;
          return {
            Credentials: {
              AccessKeyId: `key-${n}`,
              SecretAccessKey: `secret-${n}`,
              SessionToken: `token-${n}`,
              Expiration: new Date(now + HOUR),
            },
          };
        },
      }) as unknown as STSClient,
    setSecret: (secret) => void masked.push(secret),
    info: (message) => void infos.push(message),
    sleep: async () => undefined,
    now: () => now,
  };
  return {
    deps,
    sent,
    tokens,
    masked,
    infos,
    advance: (ms: number) => void (now += ms),
  };
}

test('the same credentials until 5 minutes before expiry, then one renewal with a fresh OIDC token, shared by concurrent requests', async () => {
  const world = fakeWorld();
  const provider = (await resolveCredentials(config(), world.deps))!;
  expect(world.sent).toHaveLength(1);

  world.advance(HOUR - 5 * 60_000 - 1);
  expect(await provider()).toMatchObject({ accessKeyId: 'key-1', sessionToken: 'token-1' });
  expect(world.sent).toHaveLength(1);

  world.advance(1);
  // Three requests ask at once, as parallel uploads do.
  const answers = await Promise.all([provider(), provider(), provider()]);
  expect(answers.map((c) => c.sessionToken)).toEqual(['token-2', 'token-2', 'token-2']);
  expect(world.sent).toHaveLength(2);
  expect(world.sent[1]!.input).toMatchObject({ RoleArn: ROLE, WebIdentityToken: 'oidc-jwt-2' });
  expect(world.tokens).toEqual(['oidc-jwt-1', 'oidc-jwt-2']);
  // The renewed ones are good for another hour from now.
  world.advance(30 * 60_000);
  expect((await provider()).sessionToken).toBe('token-2');
  expect(world.sent).toHaveLength(2);
});

test('every renewed secret is masked, and the renewal is logged without any of them', async () => {
  const world = fakeWorld();
  const provider = (await resolveCredentials(config(), world.deps))!;
  world.advance(HOUR);
  await provider();
  expect(world.masked).toEqual(['oidc-jwt-1', 'key-1', 'secret-1', 'token-1', 'oidc-jwt-2', 'key-2', 'secret-2', 'token-2']);
  expect(world.infos.at(-1)).toBe(`Renewed the credentials of role ${ROLE}, valid until 2030-01-01T02:00:00.000Z.`);
  for (const secret of world.masked) expect(world.infos.join('\n')).not.toContain(secret);
});

test('a renewal that fails reaches the request that needed it, and the next request tries again', async () => {
  const world = fakeWorld();
  const provider = (await resolveCredentials(config(), world.deps))!;
  world.advance(HOUR);
  world.deps.getIdToken = async () => {
    throw new Error('token endpoint down');
  };
  await expect(provider()).rejects.toThrow(/Could not get a GitHub OIDC token .*token endpoint down/);
  world.deps.getIdToken = async () => 'oidc-jwt-again';
  expect((await provider()).sessionToken).toBe('token-2');
});
