/**
 * Key pairs in the formats JWT, SSH and TLS tools take as they are (issue 12): PEM of every kind,
 * encrypted PKCS#8, OpenSSH public lines and private keys (bcrypt KDF + aes256-ctr when
 * passphrase-protected, as ssh-keygen writes them), JWK and JWKS; fingerprints; reading any of
 * them (`inspectKey`) and writing a key in another format (`convertKey`).
 *
 * THE AGREED INTERFACE. node:crypto KeyObjects underneath; OpenSSH framing in ./openssh.ts.
 *
 * Errors (KeysmithError codes; messages name what is wrong, never a key or passphrase):
 * - `MALFORMED_KEY`: not a key in any format read here, or a damaged one (a truncated PEM, bad
 *   base64, a length that runs past the end, OpenSSH check integers that differ without a
 *   passphrase); the message says which ("the PEM block has no END line", ...).
 * - `UNSUPPORTED_KEY`: a well-formed key of a type Keysmith does not handle (DSA, X25519,
 *   secp256k1, an OpenSSH cipher or KDF other than aes256-ctr/bcrypt, a security-key type such
 *   as `sk-ssh-ed25519@openssh.com`), named in the message.
 * - `PASSPHRASE_REQUIRED`: the key is encrypted and no passphrase was given.
 * - `WRONG_PASSPHRASE`: a passphrase was given and it does not open the key (encrypted PKCS#8:
 *   OpenSSL's decrypt fails; OpenSSH: the two check integers differ after decryption).
 * - `INVALID_ARGUMENT` (with `field`): bad options, e.g. `to: 'jwk'` with `toPassphrase`,
 *   `to: 'openssh'` for a key without an SSH form.
 * Passphrases are NFC-normalised (as passwords are) and must be non-empty strings.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { KeysmithError, throwIfAborted } from './errors';
import type { EcCurve } from './generateKeyPair';
import {
  looksLikeOpenSshPublicKey,
  openSshKeyType,
  openSshPrivateKey,
  openSshPublicKey,
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
  sshPublicKeyBlob,
} from './openssh';

export type KeyAlgorithm = 'RSA' | 'EC' | 'Ed25519';
/** How generateKeyPair writes the pair (see GenerateKeyPairOptions.format). */
export type KeyPairFormat = 'pem' | 'pkcs8' | 'openssh' | 'jwk';
/** What convertKey writes. */
export type KeyFormat = KeyPairFormat | 'jwks';

export interface Fingerprints {
  /** SHA-256 of the SPKI DER, lowercase hex (64 characters). */
  sha256: string;
  /** OpenSSH's: `SHA256:` + unpadded base64 of SHA-256 of the SSH wire public key (`ssh-keygen -l`). */
  ssh: string;
  /** RFC 7638 thumbprint (SHA-256), base64url without padding. */
  jwk_thumbprint: string;
}

/** A JWK as JSON (RFC 7517/7518/8037 members); public JWKs carry kid, alg and use. */
export interface Jwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid?: string;
  alg?: 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
  use?: 'sig';
  crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

export interface KeyInfo {
  kind: 'public' | 'private';
  algorithm: KeyAlgorithm;
  /** RSA modulus bits; null otherwise. */
  key_size: number | null;
  /** EC curve; null otherwise (Ed25519 is its own algorithm). */
  curve: EcCurve | null;
  /** Whether the text was passphrase-protected (encrypted PKCS#8, encrypted OpenSSH). */
  encrypted: boolean;
  /** The format the text was in: 'pem' (PKCS#1/SEC1/SPKI), 'pkcs8', 'openssh', 'jwk'. */
  format: KeyPairFormat;
  /** The OpenSSH comment, when there is one (public line or private key); else undefined. */
  comment?: string;
  fingerprints: Fingerprints;
}

export interface ReadKeyOptions {
  /** Opens an encrypted PEM or OpenSSH private key. Ignored for an unencrypted key. */
  passphrase?: string;
  signal?: AbortSignal;
}

/** A key read from text: its node:crypto object, and what inspectKey tells of it. */
export interface ReadKey {
  key: KeyObject;
  info: KeyInfo;
}

export interface ConvertKeyOptions {
  to: KeyFormat;
  /** Write the public half (a private key in, its public key out). A public key is always public. */
  public?: boolean;
  /** Opens the input, when it is encrypted. */
  passphrase?: string;
  /** Protects the output private key: pem/pkcs8 → encrypted PKCS#8 (AES-256-CBC), openssh → bcrypt + aes256-ctr. Refused for jwk/jwks. */
  toPassphrase?: string;
  /** OpenSSH comment of the output (default: the input's comment, else none). */
  comment?: string;
  signal?: AbortSignal;
}

const CURVE_OF_NODE: Record<string, EcCurve> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const EC_ALG: Record<EcCurve, Jwk['alg']> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
export const KEY_FORMATS: readonly KeyFormat[] = ['pem', 'pkcs8', 'openssh', 'jwk', 'jwks'];

function malformed(message: string): KeysmithError {
  return new KeysmithError('MALFORMED_KEY', message);
}

function unsupported(message: string): KeysmithError {
  return new KeysmithError('UNSUPPORTED_KEY', message);
}

/** A passphrase option: undefined or '' is none; else a string, NFC-normalised. */
export function passphraseOption(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new KeysmithError('INVALID_ARGUMENT', `${field} must be a string.`, field);
  }
  return value.normalize('NFC');
}

/** What node:crypto's key object is, in Keysmith's words; UNSUPPORTED_KEY for the others. */
function describe(key: KeyObject): {
  algorithm: KeyAlgorithm;
  key_size: number | null;
  curve: EcCurve | null;
} {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    return { algorithm: 'RSA', key_size: key.asymmetricKeyDetails?.modulusLength ?? null, curve: null };
  }
  if (type === 'ec') {
    const named = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    const curve = CURVE_OF_NODE[named];
    if (!curve)
      throw unsupported(`EC keys on the curve ${named} are not supported (only P-256, P-384, P-521).`);
    return { algorithm: 'EC', key_size: null, curve };
  }
  if (type === 'ed25519') return { algorithm: 'Ed25519', key_size: null, curve: null };
  const names: Record<string, string> = {
    dsa: 'DSA',
    dh: 'Diffie-Hellman',
    x25519: 'X25519',
    x448: 'X448',
    ed448: 'Ed448',
    'rsa-pss': 'RSA-PSS',
  };
  throw unsupported(
    `${names[type ?? ''] ?? type ?? 'this'} keys are not supported (only RSA, EC P-256/P-384/P-521 and Ed25519).`,
  );
}

function publicOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** The members of the public JWK that RFC 7638 hashes, in lexicographic order. */
function thumbprintMembers(jwk: Record<string, unknown>): Record<string, unknown> {
  if (jwk.kty === 'RSA') return { e: jwk.e, kty: jwk.kty, n: jwk.n };
  if (jwk.kty === 'EC') return { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
}

function thumbprint(jwk: Record<string, unknown>): string {
  return base64url(
    createHash('sha256')
      .update(JSON.stringify(thumbprintMembers(jwk)))
      .digest(),
  );
}

export function fingerprintsOf(key: KeyObject): Fingerprints {
  const pub = publicOf(key);
  describe(pub);
  const spki = pub.export({ type: 'spki', format: 'der' });
  const ssh = createHash('sha256').update(sshPublicKeyBlob(pub)).digest('base64').replace(/=+$/, '');
  return {
    sha256: createHash('sha256').update(spki).digest('hex'),
    ssh: `SHA256:${ssh}`,
    jwk_thumbprint: thumbprint(pub.export({ format: 'jwk' }) as Record<string, unknown>),
  };
}

function algOf(key: KeyObject): Jwk['alg'] {
  const { algorithm, curve } = describe(key);
  if (algorithm === 'RSA') return 'RS256';
  if (algorithm === 'EC') return EC_ALG[curve!];
  return 'EdDSA';
}

export function publicJwkOf(key: KeyObject): Jwk {
  const pub = publicOf(key);
  const members = pub.export({ format: 'jwk' }) as Record<string, string>;
  return {
    kty: members.kty as Jwk['kty'],
    kid: thumbprint(members),
    use: 'sig',
    alg: algOf(pub),
    ...(members.crv !== undefined && { crv: members.crv as Jwk['crv'] }),
    ...(members.n !== undefined && { n: members.n, e: members.e }),
    ...(members.x !== undefined && { x: members.x }),
    ...(members.y !== undefined && { y: members.y }),
  };
}

/** The private JWK with the same kid, alg and use as its public JWK. */
export function privateJwkOf(key: KeyObject): Jwk {
  const { kid, use, alg } = publicJwkOf(key);
  const members = key.export({ format: 'jwk' }) as Record<string, string>;
  return { kty: members.kty as Jwk['kty'], kid, use, alg, ...members } as Jwk;
}

export function jwkText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function info(key: KeyObject, format: KeyPairFormat, encrypted: boolean, comment?: string): ReadKey {
  const described = describe(key);
  return {
    key,
    info: {
      kind: key.type === 'private' ? 'private' : 'public',
      ...described,
      encrypted,
      format,
      ...(comment ? { comment } : {}),
      fingerprints: fingerprintsOf(key),
    },
  };
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/;

function readPem(text: string, passphrase: string | undefined): ReadKey {
  const begin = PEM_BEGIN.exec(text)!;
  const label = begin[1]!;
  const endLine = `-----END ${label}-----`;
  const endAt = text.indexOf(endLine, begin.index);
  if (endAt < 0) throw malformed(`The PEM block "BEGIN ${label}" has no END line: the key is cut short.`);
  const block = `${text.slice(begin.index, endAt + endLine.length)}\n`;
  const body = block
    .split(/\r?\n/)
    .slice(1, -2)
    .filter((line) => !/^[A-Za-z-]+:/.test(line) && !/^\s/.test(line));
  // Lines of base64 only (RFC 7468), with the header lines of an old encrypted PEM left out.
  const badLine = body.findIndex((line) => !/^[A-Za-z0-9+/]*={0,2}\s*$/.test(line));
  if (badLine >= 0 || body.join('').trim() === '') {
    throw malformed(`The PEM block "BEGIN ${label}" is not valid base64.`);
  }
  const privateLabels = ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'];
  const publicLabels = ['PUBLIC KEY', 'RSA PUBLIC KEY'];
  if (label === 'CERTIFICATE') {
    throw unsupported('This is a certificate, not a key: read its public key with openssl x509 -pubkey.');
  }
  if (label === 'DSA PRIVATE KEY') throw unsupported('DSA keys are not supported.');
  if (!privateLabels.includes(label) && !publicLabels.includes(label)) {
    throw unsupported(`A "${label}" PEM block is not a key Keysmith reads.`);
  }
  const isPrivate = privateLabels.includes(label);
  const encrypted = label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,ENCRYPTED/m.test(block);
  if (encrypted && passphrase === undefined) {
    throw new KeysmithError(
      'PASSPHRASE_REQUIRED',
      'This private key is protected by a passphrase: give it.',
      'passphrase',
    );
  }
  let key: KeyObject;
  try {
    key = isPrivate
      ? createPrivateKey({ key: block, format: 'pem', ...(encrypted && { passphrase }) })
      : createPublicKey({ key: block, format: 'pem' });
  } catch (error) {
    if (encrypted) {
      const code = (error as { code?: string }).code ?? '';
      // A wrong passphrase almost always breaks the padding (bad decrypt); when it does not, the
      // decrypted bytes are no key, which a damaged key would also give: both are said.
      throw new KeysmithError(
        'WRONG_PASSPHRASE',
        /BAD_DECRYPT/.test(code)
          ? 'The passphrase does not open this key.'
          : 'The passphrase does not open this key, or the key is damaged.',
        'passphrase',
      );
    }
    throw malformed(`The PEM block "BEGIN ${label}" does not hold a valid key: it is damaged.`);
  }
  const format: KeyPairFormat =
    label === 'PRIVATE KEY' || label === 'ENCRYPTED PRIVATE KEY' ? 'pkcs8' : 'pem';
  return info(key, format, encrypted);
}

const JWK_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};
const RSA_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

function readJwkObject(value: unknown, where: string): ReadKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`${where} is not a JSON object.`);
  }
  const jwk = value as Record<string, unknown>;
  const kty = jwk.kty;
  if (typeof kty !== 'string') throw malformed(`${where} has no "kty" member.`);
  if (kty === 'oct') throw unsupported(`${where} is a symmetric key (kty "oct"), not a key pair.`);
  const required = JWK_MEMBERS[kty];
  if (!required) throw unsupported(`${where} has kty "${kty}": only RSA, EC and OKP (Ed25519) are read.`);
  if (kty === 'OKP' && jwk.crv !== 'Ed25519') {
    throw unsupported(`${where} is an OKP key on ${String(jwk.crv)}: only Ed25519 is read.`);
  }
  if (kty === 'EC' && !['P-256', 'P-384', 'P-521'].includes(jwk.crv as string)) {
    throw unsupported(`${where} is an EC key on ${String(jwk.crv)}: only P-256, P-384 and P-521 are read.`);
  }
  const isPrivate = jwk.d !== undefined;
  const needed = [...required, ...(isPrivate ? (kty === 'RSA' ? RSA_PRIVATE_MEMBERS : ['d']) : [])];
  const members: Record<string, string> = { kty };
  for (const name of needed) {
    const member = jwk[name];
    if (typeof member !== 'string' || member === '') throw malformed(`${where} has no "${name}" member.`);
    if (name !== 'crv' && !/^[A-Za-z0-9_-]+$/.test(member)) {
      throw malformed(`${where}: "${name}" is not base64url.`);
    }
    members[name] = member;
  }
  let key: KeyObject;
  try {
    key = isPrivate
      ? createPrivateKey({ key: members, format: 'jwk' } as never)
      : createPublicKey({ key: members, format: 'jwk' } as never);
  } catch {
    throw malformed(`${where} does not hold a valid ${kty} key (a member has the wrong length or value).`);
  }
  return info(key, 'jwk', false);
}

function readJwkText(text: string): ReadKey | ReadKey[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('The text starts like a JWK but is not valid JSON.');
  }
  if (typeof value === 'object' && value !== null && 'keys' in value) {
    const keys = (value as { keys: unknown }).keys;
    if (!Array.isArray(keys)) throw malformed('The JWKS "keys" member is not an array.');
    if (keys.length === 0) throw malformed('The JWKS holds no keys.');
    return keys.map((jwk, n) => readJwkObject(jwk, `Key ${n + 1} of the JWKS`));
  }
  return readJwkObject(value, 'The JWK');
}

/**
 * Reads one key, or every key of a JWKS (`{"keys": [...]}`), from any format above. The text may
 * have surrounding whitespace; a PEM block may sit inside other text (the first BEGIN…END block
 * is taken). Async because an OpenSSH passphrase runs bcrypt (yields between rounds; `signal`
 * cancels with ABORTED).
 */
export async function readKey(text: string, options: ReadKeyOptions = {}): Promise<ReadKey | ReadKey[]> {
  if (typeof text !== 'string') throw new KeysmithError('INVALID_ARGUMENT', 'The key must be text.', 'text');
  const passphrase = passphraseOption(options.passphrase, 'passphrase');
  throwIfAborted(options.signal);
  const trimmed = text.trim();
  if (trimmed === '') throw malformed('There is no key: the text is empty.');
  if (trimmed.startsWith('{')) return readJwkText(trimmed);
  const begin = PEM_BEGIN.exec(trimmed);
  if (begin?.[1] === 'OPENSSH PRIVATE KEY') {
    const read = await parseOpenSshPrivateKey(trimmed, { passphrase, signal: options.signal });
    return info(read.key, 'openssh', read.encrypted, read.comment);
  }
  if (begin) return readPem(trimmed, passphrase);
  if (looksLikeOpenSshPublicKey(trimmed) || /^(ssh|ecdsa|sk)-\S+\s/.test(trimmed)) {
    const read = parseOpenSshPublicKey(trimmed);
    return info(read.key, 'openssh', false, read.comment);
  }
  throw malformed(
    'This is not a key: expected a PEM block, an OpenSSH public key line or private key, a JWK or a JWKS.',
  );
}

/** `readKey` without the KeyObject: what a key is. A JWKS gives an array. */
export async function inspectKey(text: string, options?: ReadKeyOptions): Promise<KeyInfo | KeyInfo[]> {
  const read = await readKey(text, options);
  return Array.isArray(read) ? read.map((one) => one.info) : read.info;
}

/**
 * Writes `key` (private or public) in `format`; the PEM, PKCS#8 and OpenSSH writers of
 * convertKey and generateKeyPair. A private key with `passphrase` becomes encrypted PKCS#8
 * (pem/pkcs8) or an encrypted OpenSSH key; JWK takes no passphrase.
 */
export async function writeKey(
  key: KeyObject,
  format: KeyPairFormat,
  options: { passphrase?: string; comment?: string; signal?: AbortSignal } = {},
): Promise<string> {
  const { algorithm } = describe(key);
  const isPrivate = key.type === 'private';
  if (format === 'openssh') {
    return isPrivate
      ? openSshPrivateKey(key, {
          comment: options.comment,
          passphrase: options.passphrase,
          signal: options.signal,
        })
      : openSshPublicKey(key, options.comment);
  }
  if (format === 'jwk') return jwkText(isPrivate ? privateJwkOf(key) : publicJwkOf(key));
  if (!isPrivate) return key.export({ type: 'spki', format: 'pem' }) as string;
  if (options.passphrase !== undefined) {
    return key.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: options.passphrase,
    }) as string;
  }
  const type =
    format === 'pkcs8' || algorithm === 'Ed25519' ? 'pkcs8' : algorithm === 'RSA' ? 'pkcs1' : 'sec1';
  return key.export({ type, format: 'pem' } as never) as unknown as string;
}

/**
 * Writes the key of `text` in another format. Private in, private out unless `public`; a JWKS
 * input converts each key (to jwks: one document; to anything else: only if it holds one key).
 * Output texts end with a newline (PEM, OpenSSH) or are pretty JSON with a trailing newline (JWK,
 * JWKS). `pem` means PKCS#1/SEC1 for RSA/EC private keys and SPKI for public keys; Ed25519 has
 * only PKCS#8 (pem = pkcs8 for it). An encrypted private key (toPassphrase) is always PKCS#8.
 * A JWKS output holds public keys only: it is the document a JWT issuer publishes.
 */
export async function convertKey(text: string, options: ConvertKeyOptions): Promise<string> {
  if (typeof options !== 'object' || options === null) {
    throw new KeysmithError('INVALID_ARGUMENT', 'convertKey needs an options object.');
  }
  if (!KEY_FORMATS.includes(options.to)) {
    throw new KeysmithError('INVALID_ARGUMENT', `to must be one of ${KEY_FORMATS.join(', ')}.`, 'to');
  }
  const toPassphrase = passphraseOption(options.toPassphrase, 'toPassphrase');
  if (toPassphrase !== undefined && (options.to === 'jwk' || options.to === 'jwks')) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      'A JWK cannot be protected by a passphrase: convert to pem, pkcs8 or openssh for that.',
      'toPassphrase',
    );
  }
  if (options.comment !== undefined && options.to !== 'openssh') {
    throw new KeysmithError('INVALID_ARGUMENT', 'A comment belongs only to an OpenSSH key.', 'comment');
  }
  const read = await readKey(text, { passphrase: options.passphrase, signal: options.signal });
  const keys = Array.isArray(read) ? read : [read];
  if (options.to === 'jwks') return jwkText({ keys: keys.map(({ key }) => publicJwkOf(key)) });
  if (keys.length !== 1) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `The JWKS holds ${keys.length} keys: convert it to jwks, or give one of its keys.`,
      'text',
    );
  }
  const { key, info: about } = keys[0]!;
  const out = options.public ? publicOf(key) : key;
  if (toPassphrase !== undefined && out.type !== 'private') {
    throw new KeysmithError('INVALID_ARGUMENT', 'A public key takes no passphrase.', 'toPassphrase');
  }
  if (options.to === 'openssh' && !openSshKeyType(out)) {
    throw new KeysmithError('INVALID_ARGUMENT', 'This key has no OpenSSH form.', 'to');
  }
  return writeKey(out, options.to, {
    passphrase: toPassphrase,
    comment: options.comment ?? about.comment,
    signal: options.signal,
  });
}
