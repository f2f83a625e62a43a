/**
 * A bucket policy evaluated as IAM does, for the requests the doctor asks about: CloudFront's
 * service principal (with its AWS:SourceArn) and an anonymous visitor reading an object.
 *
 * Covered: Principal / NotPrincipal as "*" or an object of strings or arrays; Action / NotAction and
 * Resource / NotResource as strings or arrays with `*` and `?`; explicit Deny over Allow; Condition
 * operators String*, Arn*, Bool and Null, with IfExists and ForAnyValue/ForAllValues, keys
 * case-insensitive. A key absent from the request makes a positive operator false and a negated one
 * (StringNotEquals, ArnNotLike, NotIpAddress, …) true, as in IAM; other operators on present keys
 * do not match.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Who asks: CloudFront's service principal, or anyone at all (no credentials). */
export type Requester = { kind: 'service'; service: string } | { kind: 'anonymous' };

export interface PolicyRequest {
  requester: Requester;
  action: string;
  resource: string;
  /** Condition keys of the request, lower-cased (e.g. 'aws:sourcearn'). */
  context: Record<string, string>;
  /**
   * True for an outsider, who sets headers such as Referer or User-Agent to whatever a condition
   * wants (or avoids): conditions on keys other than the ones S3 counts as limiting are then met by
   * an Allow and missed by a Deny.
   */
  requesterChoosesKeys?: boolean;
}

export interface Decision {
  effect: 'allow' | 'explicit-deny' | 'implicit-deny';
  /** The statements that matched the request, by effect. */
  allowedBy: PolicyStatement[];
  deniedBy: PolicyStatement[];
}

/** The statements of a policy document (JSON text), or an error saying why it cannot be read. */
export function parsePolicy(text: string): PolicyStatement[] | Error {
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return statements.filter((s): s is PolicyStatement => typeof s === 'object' && s !== null);
  } catch (err) {
    return new Error(`the bucket policy is not valid JSON (${(err as Error).message})`);
  }
}

export function evaluatePolicy(statements: PolicyStatement[], request: PolicyRequest): Decision {
  const matching = statements.filter((s) => statementApplies(s, request));
  const allowedBy = matching.filter((s) => s.Effect === 'Allow');
  const deniedBy = matching.filter((s) => s.Effect === 'Deny');
  const effect = deniedBy.length > 0 ? 'explicit-deny' : allowedBy.length > 0 ? 'allow' : 'implicit-deny';
  return { effect, allowedBy, deniedBy };
}

/** How findings name a statement: its Sid, else its position. */
export function statementName(statements: PolicyStatement[], statement: PolicyStatement): string {
  return statement.Sid ? `'${statement.Sid}'` : `#${statements.indexOf(statement) + 1}`;
}

/** The AWS:SourceArn values an Allow statement's conditions name (to say which distribution it trusts). */
export function sourceArnsNamed(statement: PolicyStatement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((keys) =>
    Object.entries(keys)
      .filter(([key]) => key.toLowerCase() === 'aws:sourcearn')
      .flatMap(([, values]) => strings(values)),
  );
}

function statementApplies(statement: PolicyStatement, request: PolicyRequest): boolean {
  return (
    principalMatches(statement, request.requester) &&
    listMatches(statement.Action, statement.NotAction, request.action, false) &&
    listMatches(statement.Resource, statement.NotResource, request.resource, true) &&
    conditionsHold(statement, request)
  );
}

function principalMatches(statement: PolicyStatement, requester: Requester): boolean {
  if (statement.Principal !== undefined) return principalNames(statement.Principal, requester);
  if (statement.NotPrincipal !== undefined) return !principalNames(statement.NotPrincipal, requester);
  return false;
}

/** Whether a Principal value names the requester. `"*"` and `{"AWS": "*"}` name everyone, anonymous included. */
function principalNames(principal: unknown, requester: Requester): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return Object.entries(principal).some(([type, values]) => {
    const names = strings(values);
    if (type === 'AWS' && names.includes('*')) return true;
    return type === 'Service' && requester.kind === 'service' && names.some((n) => n.toLowerCase() === requester.service);
  });
}

/** Action / NotAction (case-insensitive) and Resource / NotResource (case-sensitive). */
function listMatches(list: unknown, notList: unknown, value: string, caseSensitive: boolean): boolean {
  const test = (patterns: unknown) => strings(patterns).some((p) => wildcardMatches(p, value, caseSensitive));
  if (list !== undefined) return test(list);
  if (notList !== undefined) return !test(notList);
  return false;
}

/** Condition keys S3 counts as limiting a grant to "*" (its definition of a non-public policy). */
const LIMITING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
]);

function conditionsHold(statement: PolicyStatement, request: PolicyRequest): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys ?? {}).every(([key, expected]) => {
      const lower = key.toLowerCase();
      if (request.requesterChoosesKeys && !LIMITING_KEYS.has(lower) && !(lower in request.context)) {
        return statement.Effect === 'Allow';
      }
      return conditionHolds(operator, request.context[lower], strings(expected));
    }),
  );
}

/** One operator on one key: `actual` undefined means the key is absent from the request. */
export function conditionHolds(operator: string, actual: string | undefined, expected: string[]): boolean {
  const set = /^(ForAnyValue|ForAllValues):/.exec(operator)?.[1];
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '');
  const ifExists = base.endsWith('IfExists');
  const name = ifExists ? base.slice(0, -'IfExists'.length) : base;
  if (name === 'Null') return expected.some((v) => (v.toLowerCase() === 'true') === (actual === undefined));
  const negated = /Not/.test(name);
  if (actual === undefined) return ifExists || set === 'ForAllValues' || (negated && set !== 'ForAnyValue');
  const positive = name.replace('Not', '');
  const matched = valueMatches(positive, actual, expected);
  if (matched === undefined) return false;
  return negated ? !matched : matched;
}

function valueMatches(operator: string, actual: string, expected: string[]): boolean | undefined {
  switch (operator) {
    case 'StringEquals':
      return expected.includes(actual);
    case 'StringEqualsIgnoreCase':
      return expected.some((v) => v.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnEquals':
    case 'ArnLike':
      return expected.some((v) => wildcardMatches(v, actual, true));
    case 'Bool':
      return expected.some((v) => v.toLowerCase() === actual.toLowerCase());
    default:
      return undefined;
  }
}

/** IAM's wildcards: `*` any run of characters, `?` exactly one. */
export function wildcardMatches(pattern: string, value: string, caseSensitive: boolean): boolean {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseSensitive ? 's' : 'si').test(value);
}

/** A policy value as strings: IAM accepts one value or an array, and booleans or numbers as strings. */
function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v) => ['string', 'boolean', 'number'].includes(typeof v)).map(String);
}
