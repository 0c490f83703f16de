/** WITHHELD replaces a credential's value in a scrubbed response. */
export const WITHHELD = '(withheld by Airlock)';

/** Blob-typed fields get the marker base64-encoded, so SDKs still decode them (to the marker's text). */
const WITHHELD_BASE64 = Buffer.from(WITHHELD, 'utf8').toString('base64');

/**
 * CREDENTIAL_FIELDS are member names (as they appear on the wire, case-sensitive) that only ever hold credentials
 * in AWS responses; their string values are withheld wherever they appear, in any response.
 */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  'SecretAccessKey', // STS, IAM access keys, SSM, S3 Express, Lake Formation, GameLift
  'secretAccessKey', // SSO, CodePipeline, Deadline, EKS Pod Identity, DataZone, Lightsail, signin
  'SessionToken',
  'sessionToken',
  'SecretKey', // Cognito identity pools
  'ServicePassword', // IAM service-specific credentials
  'ServiceCredentialSecret',
  'Base32StringSeed', // IAM virtual MFA seed (blob)
  'QRCodePNG', // the same seed as a QR code (blob)
  'authorizationToken', // ECR, ECR Public, CodeArtifact
  'DbPassword', // Redshift
  'dbPassword', // Redshift Serverless
  'SecretString', // Secrets Manager
  'SecretBinary', // Secrets Manager (blob)
  'keyMaterial', // EC2 CreateKeyPair (EC2 XML names are lower camel case)
  'passwordData', // EC2 GetPasswordData
  'WebIdentityToken', // STS GetWebIdentityToken
  'privateKeyBase64', // Lightsail key pairs
  'masterUserPassword', // Lightsail databases
  'PrivateKey', // IoT device keys, ACM ExportCertificate
]);

const BLOB_FIELDS: ReadonlySet<string> = new Set(['Base32StringSeed', 'QRCodePNG', 'SecretBinary']);

/**
 * ACTION_FIELDS are names too common to withhold everywhere (`Token`, `password`, `AccessToken` is also a unit name
 * in Cognito's TokenValidityUnits); they are withheld only in the responses of the actions listed.
 */
const ACTION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'cognito-identity:GetOpenIdToken': ['Token'],
  'cognito-identity:GetOpenIdTokenForDeveloperIdentity': ['Token'],
  'redshift:GetIdentityCenterAuthToken': ['Token'],
  'cognito-idp:AdminInitiateAuth': ['AccessToken', 'RefreshToken', 'IdToken', 'Session'],
  'cognito-idp:AdminRespondToAuthChallenge': ['AccessToken', 'RefreshToken', 'IdToken', 'Session'],
  'cognito-idp:InitiateAuth': ['AccessToken', 'RefreshToken', 'IdToken', 'Session'],
  'cognito-idp:RespondToAuthChallenge': ['AccessToken', 'RefreshToken', 'IdToken', 'Session'],
  'cognito-idp:GetTokensFromRefreshToken': ['AccessToken', 'RefreshToken', 'IdToken'],
  'sso-oauth:CreateToken': ['accessToken', 'refreshToken', 'idToken'],
  'sso-oauth:CreateTokenWithIAM': ['accessToken', 'refreshToken', 'idToken'],
  'signin:CreateOAuth2Token': ['refreshToken', 'idToken'],
  'lightsail:GetInstanceAccessDetails': ['password', 'privateKey'],
  'lightsail:CreateContainerServiceRegistryLogin': ['password'],
};

/** ScrubFormat says how a body was read: `unreadable` means it is neither well-formed JSON nor XML we could check. */
export type ScrubFormat = 'json' | 'xml' | 'empty' | 'unreadable';

/** ScrubResult is a body after scrubbing. */
export interface ScrubResult {
  /** The body with credentials withheld; the very input buffer when nothing was withheld. */
  readonly body: Buffer;
  /** True when at least one value was withheld. */
  readonly scrubbed: boolean;
  /** The names of the fields withheld, in document order, for the audit log; never their values. */
  readonly fields: readonly string[];
  readonly format: ScrubFormat;
}

/**
 * scrubCredentials withholds credential values from one JSON or XML response body: the defence-in-depth net behind
 * the policy for small, document-shaped responses (never blob payloads such as S3 objects or Lambda results, whose
 * bytes are the user's own data). Exactly these values are replaced with `(withheld by Airlock)`:
 *
 * - the string value of every member named in `CREDENTIAL_FIELDS`, in any response (blob members get the marker
 *   base64-encoded), and of the members `ACTION_FIELDS` lists for `iamAction`, when given;
 * - in JSON, the `Value` of any object whose `Type` is `SecureString` (SSM parameters read with decryption).
 *
 * In XML the text content of an element with one of those names is replaced whatever its namespace prefix. Nothing
 * else in the body changes, byte for byte: numbers, formatting and order survive, so only `content-length` (and any
 * checksum header over the body, such as DynamoDB's `x-amz-crc32`) needs updating by the caller.
 *
 * The content type picks the format (anything with `json` or `xml` in it), else the first non-blank byte does. A
 * body that does not parse as the format claims comes back unchanged with `format: 'unreadable'`; a caller
 * protecting a credential action must then withhold the whole body. Compressed bodies must be decoded first.
 */
export function scrubCredentials(body: Buffer, contentType: string | undefined, iamAction?: string): ScrubResult {
  const fields = withheldFieldsFor(iamAction);
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return { body, scrubbed: false, fields: [], format: 'unreadable' };
  }
  if (text.trim() === '') return { body, scrubbed: false, fields: [], format: 'empty' };
  const format = formatOf(contentType, text);
  if (format === 'unknown') return { body, scrubbed: false, fields: [], format: 'unreadable' };
  const edit = format === 'json' ? scrubJson(text, fields) : scrubXml(text, fields);
  if (edit === undefined) return { body, scrubbed: false, fields: [], format: 'unreadable' };
  if (edit.fields.length === 0) return { body, scrubbed: false, fields: [], format };
  return { body: Buffer.from(edit.text, 'utf8'), scrubbed: true, fields: edit.fields, format };
}

/** WithheldFields are the names withheld in one action's responses, with the XML patterns that find them. */
interface WithheldFields {
  readonly names: ReadonlySet<string>;
  /** An element with one of the names and its content, up to the first matching end tag (global). */
  readonly element: RegExp;
  /** A start tag with one of the names, self-closing ones included (global). */
  readonly startTag: RegExp;
  /** The same start tag, to tell in one scan whether there is any. */
  readonly anyStartTag: RegExp;
}

/**
 * Built once per action that adds names, and once for all the others: compiling the patterns on every response
 * cost more than running them.
 */
const WITHHELD_FIELDS = new Map<string, WithheldFields>();
const COMMON_WITHHELD_FIELDS = compileWithheldFields(CREDENTIAL_FIELDS);

function withheldFieldsFor(iamAction: string | undefined): WithheldFields {
  if (iamAction === undefined || !Object.hasOwn(ACTION_FIELDS, iamAction)) return COMMON_WITHHELD_FIELDS;
  let fields = WITHHELD_FIELDS.get(iamAction);
  if (fields === undefined) {
    fields = compileWithheldFields(new Set([...CREDENTIAL_FIELDS, ...ACTION_FIELDS[iamAction]!]));
    WITHHELD_FIELDS.set(iamAction, fields);
  }
  return fields;
}

function compileWithheldFields(names: ReadonlySet<string>): WithheldFields {
  const alternatives = [...names].join('|');
  const startTag = `<(?:[A-Za-z_][\\w.-]*:)?(?:${alternatives})(?:\\s[^>]*)?>`;
  return {
    names,
    element: new RegExp(`<((?:[A-Za-z_][\\w.-]*:)?(${alternatives}))(?:\\s[^>]*)?>([\\s\\S]*?)</\\1\\s*>`, 'dg'),
    startTag: new RegExp(startTag, 'g'),
    anyStartTag: new RegExp(startTag),
  };
}

/** Strict, and keeping a byte order mark, so that decoding and re-encoding an edited body changes nothing else. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function formatOf(contentType: string | undefined, text: string): 'json' | 'xml' | 'unknown' {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  if (first === '<') return 'xml';
  return 'unknown';
}

interface Edit {
  readonly text: string;
  readonly fields: string[];
}

interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly field: string;
}

function markerFor(field: string): string {
  return BLOB_FIELDS.has(field) ? WITHHELD_BASE64 : WITHHELD;
}

function applyReplacements(text: string, replacements: Replacement[], render: (field: string) => string): Edit {
  replacements.sort((a, b) => a.start - b.start);
  let result = '';
  let position = 0;
  for (const { start, end, field } of replacements) {
    result += text.slice(position, start) + render(field);
    position = end;
  }
  return { text: result + text.slice(position), fields: replacements.map((replacement) => replacement.field) };
}

/** One open JSON object or array while scanning; objects remember their last key and SecureString evidence. */
interface JsonFrame {
  readonly isObject: boolean;
  key: string | undefined;
  expectingKey: boolean;
  secureString: boolean;
  value: Replacement | undefined;
}

/**
 * scrubJson scans a JSON text token by token (after JSON.parse has proved it well formed) and records the spans
 * of string values to replace, so the rest of the text is untouched. Returns undefined for malformed JSON.
 */
function scrubJson(text: string, { names }: WithheldFields): Edit | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!mayHoldJsonField(text, names)) return { text, fields: [] };
  const replacements: Replacement[] = [];
  const stack: JsonFrame[] = [];
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    const top = stack[stack.length - 1];
    if (character === '{' || character === '[') {
      const isObject = character === '{';
      stack.push({ isObject, key: undefined, expectingKey: isObject, secureString: false, value: undefined });
    } else if (character === '}' || character === ']') {
      const closed = stack.pop();
      if (closed?.secureString === true && closed.value !== undefined) replacements.push(closed.value);
    } else if (character === ',') {
      if (top?.isObject === true) top.expectingKey = true;
    } else if (character === '"') {
      const end = endOfString(text, index);
      const token = text.slice(index, end);
      if (top?.isObject === true && top.expectingKey) {
        top.key = JSON.parse(token) as string;
        top.expectingKey = false;
      } else if (top?.isObject === true && top.key !== undefined) {
        const span = { start: index, end, field: top.key };
        if (names.has(top.key)) replacements.push(span);
        else if (top.key === 'Type') top.secureString = JSON.parse(token) === 'SecureString';
        else if (top.key === 'Value') top.value = span;
      }
      index = end - 1;
    }
  }
  return applyReplacements(text, replacements, (field) => JSON.stringify(markerFor(field)));
}

/**
 * mayHoldJsonField is false when no key can be one of `names` and no `Type` can be `SecureString`: without an escape
 * anywhere, every key is written out as it reads, so a name missing from the text is missing from the keys. Large
 * documents (DescribeInstances, DynamoDB queries) are then not scanned token by token.
 */
function mayHoldJsonField(text: string, names: ReadonlySet<string>): boolean {
  if (text.includes('\\') || text.includes('SecureString')) return true;
  for (const name of names) if (text.includes(name)) return true;
  return false;
}

/** endOfString returns the index just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const character = text[index];
    if (character === '\\') index += 2;
    else if (character === '"') return index + 1;
    else index += 1;
  }
  return text.length;
}

/**
 * scrubXml replaces the content of every element with a listed local name. AWS responses are plain element trees
 * (no CDATA, no nesting of these names), so the content runs to the first matching end tag. As a check, the number
 * of start tags with those names must equal the number replaced; otherwise the body is reported unreadable rather
 * than passed on half scrubbed.
 */
function scrubXml(text: string, fields: WithheldFields): Edit | undefined {
  // Every element the scan below could match starts with such a tag; most responses have none.
  if (!fields.anyStartTag.test(text)) return { text, fields: [] };
  const replacements: Replacement[] = [];
  let matched = 0;
  for (const match of text.matchAll(fields.element)) {
    matched += 1;
    const [start, end] = match.indices![3]!;
    if (match[3]!.trim() !== '') replacements.push({ start, end, field: match[2]! });
  }
  const opened = [...text.matchAll(fields.startTag)].filter((tag) => !tag[0].endsWith('/>')).length;
  if (opened !== matched) return undefined;
  return applyReplacements(text, replacements, markerFor);
}
