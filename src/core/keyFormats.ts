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
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  sign,
  verify,
  type JsonWebKey,
} from 'node:crypto';
import { encodeUtf8Strict } from './encoding';
import { KeysmithError, throwIfAborted } from './errors';
import type { EcCurve } from './generateKeyPair';
import { isOneSequence, pkcs8Algorithm, sec1Curve, spkiAlgorithm, type AlgorithmId } from './der';
import { MAX_KEY_TEXT_CHARS, MAX_PASSWORD_LENGTH } from './limits';
import {
  looksLikeOpenSshPublicKey,
  openSshPrivateKey,
  openSshPublicKey,
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
  sshPublicKeyBlob,
} from './openssh';
import { optionalSignal, rejectUnknown, requireObject } from './options';

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

/**
 * Reads one key, or every key of a JWKS (`{"keys": [...]}`), from any format above. The text may
 * have surrounding whitespace; a PEM block may sit inside other text (the first BEGIN…END block
 * is taken). Async because an OpenSSH passphrase runs bcrypt (yields between rounds; `signal`
 * cancels with ABORTED).
 */
export async function readKey(text: string, options?: ReadKeyOptions): Promise<ReadKey | ReadKey[]> {
  if (typeof text !== 'string') {
    throw new KeysmithError('INVALID_ARGUMENT', 'The key text must be a string.', 'text');
  }
  if (text.length > MAX_KEY_TEXT_CHARS) {
    throw new KeysmithError(
      'MALFORMED_KEY',
      `The key text is larger than the ${MAX_KEY_TEXT_CHARS / 1024 / 1024} MiB Keysmith reads.`,
      'text',
    );
  }
  const opts = options === undefined ? {} : requireObject(options, 'readKey');
  rejectUnknown(opts, ['passphrase', 'signal'], 'reading a key');
  const passphrase = passphraseOption(opts.passphrase, 'passphrase');
  const signal = optionalSignal(opts.signal);
  throwIfAborted(signal);
  const read = await readAnyKey(text, passphrase, signal);
  throwIfAborted(signal);
  return read;
}

/** `readKey` without the KeyObject: what a key is. A JWKS gives an array. */
export async function inspectKey(text: string, options?: ReadKeyOptions): Promise<KeyInfo | KeyInfo[]> {
  const read = await readKey(text, options);
  return Array.isArray(read) ? read.map((r) => r.info) : read.info;
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

export const KEY_FORMATS: readonly KeyFormat[] = ['pem', 'pkcs8', 'openssh', 'jwk', 'jwks'];

/**
 * Writes the key of `text` in another format. Private in, private out unless `public`; a JWKS
 * input converts each key (to jwks: one document; to anything else: only if it holds one key).
 * Output texts end with a newline (PEM, OpenSSH) or are pretty JSON with a trailing newline (JWK,
 * JWKS). `pem` means PKCS#1/SEC1 for RSA/EC private keys and SPKI for public keys; Ed25519 has
 * only PKCS#8 (pem = pkcs8 for it). An encrypted private key (toPassphrase) is always PKCS#8.
 * A JWKS is always written with the public keys only (it is what a JWT verifier fetches).
 */
export async function convertKey(text: string, options: ConvertKeyOptions): Promise<string> {
  const opts = requireObject(options, 'convertKey');
  rejectUnknown(opts, ['to', 'public', 'passphrase', 'toPassphrase', 'comment', 'signal'], 'convertKey');
  const to = opts.to;
  if (typeof to !== 'string' || !(KEY_FORMATS as readonly string[]).includes(to)) {
    throw new KeysmithError('INVALID_ARGUMENT', `to must be one of ${KEY_FORMATS.join(', ')}.`, 'to');
  }
  const format = to as KeyFormat;
  if (opts.public !== undefined && typeof opts.public !== 'boolean') {
    throw new KeysmithError('INVALID_ARGUMENT', 'public must be true or false.', 'public');
  }
  const toPassphrase = passphraseOption(opts.toPassphrase, 'toPassphrase', 'protect');
  if (toPassphrase !== undefined && (format === 'jwk' || format === 'jwks')) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `A ${format === 'jwk' ? 'JWK' : 'JWKS'} cannot be passphrase-protected; leave toPassphrase out or convert to pem, pkcs8 or openssh.`,
      'toPassphrase',
    );
  }
  if (toPassphrase !== undefined && opts.public === true) {
    throw new KeysmithError('INVALID_ARGUMENT', 'A public key is not passphrase-protected.', 'toPassphrase');
  }
  const comment = optionalComment(opts.comment, format);
  const signal = optionalSignal(opts.signal);

  const read = await readKey(text, {
    ...(opts.passphrase === undefined ? {} : { passphrase: opts.passphrase as string }),
    ...(signal ? { signal } : {}),
  });
  if (format === 'jwks') {
    const keys = (Array.isArray(read) ? read : [read]).map((r) => publicJwkOf(r.key));
    return jwkText({ keys });
  }
  let one: ReadKey;
  if (Array.isArray(read)) {
    if (read.length !== 1) {
      throw new KeysmithError(
        'INVALID_ARGUMENT',
        `The JWKS holds ${read.length} keys; only a JWKS of one key converts to ${format} (convert to jwks, or take one key out).`,
        'to',
      );
    }
    one = read[0]!;
  } else {
    one = read;
  }
  const asPublic = opts.public === true || one.key.type === 'public';
  if (toPassphrase !== undefined && asPublic) {
    throw new KeysmithError('INVALID_ARGUMENT', 'A public key is not passphrase-protected.', 'toPassphrase');
  }
  return writeKeyText(one.key, format, {
    public: asPublic,
    ...(toPassphrase === undefined ? {} : { passphrase: toPassphrase }),
    ...(comment !== undefined
      ? { comment }
      : one.info.comment !== undefined
        ? { comment: one.info.comment }
        : {}),
    ...(signal ? { signal } : {}),
  });
}

/** The three fingerprints of a key (of its public half). */
export function fingerprintsOf(key: KeyObject): Fingerprints {
  const publicKey = publicHalf(key);
  supportedAlgorithm(publicKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ssh = createHash('sha256').update(sshPublicKeyBlob(publicKey)).digest('base64');
  return {
    sha256: createHash('sha256').update(spki).digest('hex'),
    ssh: `SHA256:${ssh.replace(/=+$/, '')}`,
    jwk_thumbprint: jwkThumbprint(publicKey),
  };
}

/** The public JWK of a key with kid (RFC 7638 thumbprint), alg and use: "sig". */
export function publicJwkOf(key: KeyObject): Jwk {
  const publicKey = publicHalf(key);
  const members = requiredMembers(publicKey);
  // Written kty first, then the key's members in RFC 7518's order; kid hashes them as RFC 7638 says.
  const { kty, crv, n, e, x, y } = members;
  return {
    kty,
    ...(crv !== undefined ? { crv } : {}),
    ...(n !== undefined ? { n, e: e! } : {}),
    ...(x !== undefined ? { x } : {}),
    ...(y !== undefined ? { y } : {}),
    kid: thumbprintOfMembers(members),
    alg: jwsAlgorithm(publicKey),
    use: 'sig',
  };
}

// ---------------------------------------------------------------------------------------------
// Internals shared with generateKeyPair (not part of the package's exports).

/**
 * A passphrase option, returned in its NFC form. `purpose` 'open' (the passphrase of a key being
 * read): '' is no passphrase, as `ssh-keygen -P ''` means. 'protect' (the passphrase a key is
 * written with): '' is refused, so an empty field never silently gives an unprotected key.
 */
export function passphraseOption(
  value: unknown,
  field: string,
  purpose: 'open' | 'protect' = 'open',
): string | undefined {
  if (value === undefined || (value === '' && purpose === 'open')) return undefined;
  if (typeof value !== 'string') {
    throw new KeysmithError('INVALID_ARGUMENT', `${field} must be a string.`, field);
  }
  if (value.length === 0) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `${field} must not be empty (leave it out for a key without a passphrase).`,
      field,
    );
  }
  if (value.length > MAX_PASSWORD_LENGTH) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `${field} must be at most ${MAX_PASSWORD_LENGTH} characters.`,
      field,
    );
  }
  // NFC, as passwords: the same passphrase typed on macOS (often NFD) and elsewhere opens the key.
  const nfc = value.normalize('NFC');
  encodeUtf8Strict(nfc, field, 'INVALID_ARGUMENT'); // a lone surrogate has no UTF-8 bytes
  return nfc;
}

/** An OpenSSH comment option: one line, only where the output is OpenSSH. */
export function optionalComment(value: unknown, format: KeyFormat): string | undefined {
  if (value === undefined) return undefined;
  if (format !== 'openssh') {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `comment applies to the openssh format only (not ${format}).`,
      'comment',
    );
  }
  if (typeof value !== 'string')
    throw new KeysmithError('INVALID_ARGUMENT', 'comment must be a string.', 'comment');
  if (/[\r\n]/.test(value)) {
    throw new KeysmithError('INVALID_ARGUMENT', 'comment must be one line (no line break).', 'comment');
  }
  return value;
}

export interface WriteKeyOptions {
  /** Write the public half. */
  public?: boolean;
  /** Already checked and NFC-normalised ({@link passphraseOption}); refused for jwk/jwks. */
  passphrase?: string;
  comment?: string;
  signal?: AbortSignal;
}

/** One key in one format (see convertKey for what each format means). */
export async function writeKeyText(
  key: KeyObject,
  format: KeyFormat,
  options: WriteKeyOptions = {},
): Promise<string> {
  const algorithm = supportedAlgorithm(key);
  const asPublic = options.public === true || key.type === 'public';
  const publicKey = publicHalf(key);
  const { passphrase } = options;
  switch (format) {
    case 'jwks':
      return jwkText({ keys: [publicJwkOf(publicKey)] });
    case 'jwk':
      return jwkText(asPublic ? publicJwkOf(publicKey) : privateJwkOf(key));
    case 'openssh':
      if (asPublic) return openSshPublicKey(publicKey, options.comment);
      return openSshPrivateKey(key, {
        ...(options.comment !== undefined ? { comment: options.comment } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    case 'pem':
    case 'pkcs8': {
      if (asPublic) return publicKey.export({ type: 'spki', format: 'pem' }) as string;
      if (passphrase !== undefined) {
        // PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes.
        return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
      }
      if (format === 'pkcs8' || algorithm === 'Ed25519') {
        return key.export({ type: 'pkcs8', format: 'pem' }) as string;
      }
      return key.export({ type: algorithm === 'RSA' ? 'pkcs1' : 'sec1', format: 'pem' }) as string;
    }
  }
}

/** The private JWK: the key's members (RFC 7518 §6) in a fixed order, then kid, alg and use. */
export function privateJwkOf(key: KeyObject): Jwk {
  if (key.type !== 'private') return publicJwkOf(key);
  const all = key.export({ format: 'jwk' });
  const pub = publicJwkOf(key);
  const names = pub.kty === 'RSA' ? ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] : ['crv', 'x', 'y', 'd'];
  const jwk: Record<string, unknown> = { kty: pub.kty };
  for (const name of names) {
    const value = (all as Record<string, unknown>)[name];
    if (value !== undefined) jwk[name] = value;
  }
  return { ...(jwk as unknown as Jwk), kid: pub.kid!, alg: pub.alg!, use: 'sig' };
}

/** Pretty JSON (2 spaces) with a trailing newline: how JWKs and JWKS documents are written. */
export function jwkText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** {@link writeKeyText} for a key written as it is: a private key private, a public key public. */
export function writeKey(
  key: KeyObject,
  format: KeyPairFormat,
  options: { passphrase?: string; comment?: string; signal?: AbortSignal } = {},
): Promise<string> {
  return writeKeyText(key, format, options);
}

// ---------------------------------------------------------------------------------------------
// Algorithms

const SUPPORTED = 'Keysmith reads RSA, EC P-256/P-384/P-521 and Ed25519 keys';

/** OpenSSL's curve names (asymmetricKeyDetails.namedCurve) of the curves handled here. */
const CURVE_OF_NODE: Record<string, EcCurve> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const CURVE_OF_OID: Record<string, EcCurve> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

/** Curves seen in the wild that are not handled here, by OID, for the message. */
const OTHER_CURVE_OF_OID: Record<string, string> = {
  '1.3.132.0.10': 'secp256k1',
  '1.3.132.0.33': 'P-224',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.2.156.10197.1.301': 'SM2',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
};

const RSA_OID = '1.2.840.113549.1.1.1';
const EC_OID = '1.2.840.10045.2.1';
const ED25519_OID = '1.3.101.112';

/** Key algorithms not handled here, by OID, for the message. */
const OTHER_ALGORITHM_OF_OID: Record<string, string> = {
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.113': 'Ed448',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.3.1': 'Diffie-Hellman',
  '1.2.840.10046.2.1': 'Diffie-Hellman (X9.42)',
};

/** node's asymmetricKeyType names of the types not handled here. */
const OTHER_ALGORITHM_OF_NODE: Record<string, string> = {
  dsa: 'DSA',
  x25519: 'X25519',
  x448: 'X448',
  ed448: 'Ed448',
  'rsa-pss': 'RSASSA-PSS',
  dh: 'Diffie-Hellman',
};

function unsupported(what: string): KeysmithError {
  return new KeysmithError('UNSUPPORTED_KEY', `${what} is not supported: ${SUPPORTED}.`);
}

function unsupportedCurve(name: string): KeysmithError {
  return unsupported(`An EC key on the curve ${name}`);
}

/** The algorithm of a KeyObject handled here, or UNSUPPORTED_KEY naming what it is. */
function supportedAlgorithm(key: KeyObject): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RSA';
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ec') {
    curveOf(key);
    return 'EC';
  }
  throw unsupported(
    type
      ? `A${/^[aeiou]/i.test(type) ? 'n' : ''} ${OTHER_ALGORITHM_OF_NODE[type] ?? type} key`
      : 'This key type',
  );
}

function curveOf(key: KeyObject): EcCurve {
  const named = key.asymmetricKeyDetails?.namedCurve;
  const curve = named === undefined ? undefined : CURVE_OF_NODE[named];
  if (curve) return curve;
  throw unsupportedCurve(named ?? 'given by explicit parameters');
}

/** What the DER's AlgorithmIdentifier (or SEC1 curve) says, checked before node parses it. */
function checkAlgorithmId(id: AlgorithmId | undefined, label: string, line: number): void {
  if (id === undefined)
    throw malformedBlock(label, line, 'does not hold a key structure (its DER is damaged)');
  if (id.algorithm === RSA_OID || id.algorithm === ED25519_OID) return;
  if (id.algorithm === EC_OID) return checkCurveOid(id.parameters);
  const name = OTHER_ALGORITHM_OF_OID[id.algorithm];
  throw unsupported(
    name ? `A${/^[AEIOUX]/.test(name) ? 'n' : ''} ${name} key` : `A key of algorithm OID ${id.algorithm}`,
  );
}

function checkCurveOid(oid: string | undefined): void {
  if (oid === undefined) return; // absent: node decides (and fails as MALFORMED)
  if (CURVE_OF_OID[oid]) return;
  if (oid === 'explicit') throw unsupportedCurve('given by explicit parameters (not a named curve)');
  throw unsupportedCurve(OTHER_CURVE_OF_OID[oid] ?? `with OID ${oid}`);
}

function jwsAlgorithm(key: KeyObject): NonNullable<Jwk['alg']> {
  const algorithm = supportedAlgorithm(key);
  if (algorithm === 'RSA') return 'RS256';
  if (algorithm === 'Ed25519') return 'EdDSA';
  const curve = curveOf(key);
  return curve === 'P-256' ? 'ES256' : curve === 'P-384' ? 'ES384' : 'ES512';
}

function publicHalf(key: KeyObject): KeyObject {
  if (!(key instanceof KeyObject) || key.type === 'secret') {
    throw new KeysmithError('INVALID_ARGUMENT', 'key must be a public or private KeyObject.', 'key');
  }
  return key.type === 'private' ? createPublicKey(key) : key;
}

// ---------------------------------------------------------------------------------------------
// RFC 7638 thumbprint

/** The members RFC 7638 §3.2 hashes, in lexicographic order (so JSON.stringify keeps it). */
function requiredMembers(publicKey: KeyObject): Jwk {
  const algorithm = supportedAlgorithm(publicKey);
  const jwk = publicKey.export({ format: 'jwk' });
  if (algorithm === 'RSA') return { e: jwk.e!, kty: 'RSA', n: jwk.n! } as Jwk;
  if (algorithm === 'EC') return { crv: jwk.crv!, kty: 'EC', x: jwk.x!, y: jwk.y! } as Jwk;
  return { crv: 'Ed25519', kty: 'OKP', x: jwk.x! } as Jwk;
}

function thumbprintOfMembers(members: Jwk): string {
  // No white space, members in lexicographic order (requiredMembers builds them so), UTF-8.
  return createHash('sha256').update(JSON.stringify(members), 'utf8').digest('base64url');
}

function jwkThumbprint(publicKey: KeyObject): string {
  return thumbprintOfMembers(requiredMembers(publicKey));
}

// ---------------------------------------------------------------------------------------------
// Reading

function infoOf(key: KeyObject, format: KeyPairFormat, encrypted: boolean, comment?: string): KeyInfo {
  const algorithm = supportedAlgorithm(key);
  return {
    kind: key.type === 'private' ? 'private' : 'public',
    algorithm,
    key_size: algorithm === 'RSA' ? (key.asymmetricKeyDetails?.modulusLength ?? null) : null,
    curve: algorithm === 'EC' ? curveOf(key) : null,
    encrypted,
    format,
    ...(comment ? { comment } : {}),
    fingerprints: fingerprintsOf(key),
  };
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 .]*?)-----/g;

async function readAnyKey(
  text: string,
  passphrase: string | undefined,
  signal: AbortSignal | undefined,
): Promise<ReadKey | ReadKey[]> {
  const trimmed = text.trim();
  if (trimmed === '') throw new KeysmithError('MALFORMED_KEY', 'The text is empty: there is no key in it.');
  if (trimmed.startsWith('{')) return readJwkText(trimmed);
  PEM_BEGIN.lastIndex = 0;
  if (PEM_BEGIN.test(text)) return readPem(text, passphrase, signal);
  if (looksLikeOpenSshPublicKey(trimmed)) {
    const { key, comment } = parseOpenSshPublicKey(trimmed);
    return { key, info: infoOf(key, 'openssh', false, comment) };
  }
  if (trimmed.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) {
    throw new KeysmithError(
      'UNSUPPORTED_KEY',
      'An RFC 4716 (SSH2) public key is not read here; `ssh-keygen -i -f FILE` turns it into an OpenSSH public key line.',
    );
  }
  if (trimmed.startsWith('PuTTY-User-Key-File-')) {
    throw new KeysmithError(
      'UNSUPPORTED_KEY',
      'A PuTTY .ppk key is not read here; `puttygen KEY.ppk -O private-openssh-new` writes it as an OpenSSH private key.',
    );
  }
  throw new KeysmithError(
    'MALFORMED_KEY',
    'This is not a key: expected a PEM block (-----BEGIN …-----), an OpenSSH public key line (ssh-ed25519 AAAA…), or a JWK or JWKS (JSON).',
  );
}

interface PemBlock {
  label: string;
  /** 1-based line of the BEGIN line in the whole text. */
  line: number;
  /** From BEGIN to END, both lines included. */
  block: string;
  headers: Map<string, string>;
  /** The base64 lines between the headers and END. */
  body: string[];
  /** 1-based line of body[0]. */
  bodyLine: number;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The first PEM block that is not EC PARAMETERS (openssl ecparam -genkey writes one first). */
function firstPemBlock(text: string): PemBlock {
  PEM_BEGIN.lastIndex = 0;
  for (let match = PEM_BEGIN.exec(text); match; match = PEM_BEGIN.exec(text)) {
    const label = match[1]!;
    const line = lineAt(text, match.index);
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, match.index + match[0].length);
    if (end === -1) {
      throw new KeysmithError(
        'MALFORMED_KEY',
        `line ${line}: the PEM block "-----BEGIN ${label}-----" has no END line (${endMarker}): the key is cut short.`,
      );
    }
    if (label === 'EC PARAMETERS') {
      PEM_BEGIN.lastIndex = end + endMarker.length;
      continue;
    }
    const inner = text.slice(match.index + match[0].length, end).split(/\r?\n|\r/);
    // inner[0] is the rest of the BEGIN line (normally empty); the last is before END on its line.
    let index = 0;
    const lines = inner.map((l) => l.trim());
    if (lines[0] === '') index = 1;
    const headers = new Map<string, string>();
    if (lines[index]?.includes(':')) {
      while (index < lines.length && lines[index] !== '') {
        const header = lines[index]!;
        const colon = header.indexOf(':');
        if (colon > 0) headers.set(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
        index++;
      }
    }
    const bodyLine = line + index;
    const body = lines.slice(index);
    return { label, line, block: text.slice(match.index, end + endMarker.length), headers, body, bodyLine };
  }
  throw new KeysmithError('MALFORMED_KEY', 'The text holds only EC PARAMETERS, no key.');
}

function malformedBlock(label: string, line: number, why: string): KeysmithError {
  return new KeysmithError('MALFORMED_KEY', `line ${line}: the ${label} block ${why}.`);
}

/** The block's DER: every line in the base64 alphabet, canonical padding at the end. */
function blockDer(pem: PemBlock): Buffer {
  for (let i = 0; i < pem.body.length; i++) {
    if (!/^[A-Za-z0-9+/=]*$/.test(pem.body[i]!)) {
      throw new KeysmithError(
        'MALFORMED_KEY',
        `line ${pem.bodyLine + i}: the ${pem.label} block has a character that is not base64.`,
      );
    }
  }
  const base64 = pem.body.join('');
  if (base64 === '') throw malformedBlock(pem.label, pem.line, 'is empty');
  const bad = (why: string) => malformedBlock(pem.label, pem.line, `is not valid base64 (${why})`);
  if (base64.length % 4 !== 0)
    throw bad('its length is not a multiple of 4: a character is missing or extra');
  const firstPad = base64.indexOf('=');
  if (firstPad !== -1 && firstPad < base64.length - 2) throw bad("'=' appears before the end");
  if (firstPad === base64.length - 2 && base64[base64.length - 1] !== '=')
    throw bad("'=' appears before the end");
  return Buffer.from(base64, 'base64');
}

const NOT_KEYS: Record<string, string> = {
  CERTIFICATE: 'an X.509 certificate',
  'TRUSTED CERTIFICATE': 'an X.509 certificate',
  'X509 CERTIFICATE': 'an X.509 certificate',
  'CERTIFICATE REQUEST': 'a certificate signing request',
  'NEW CERTIFICATE REQUEST': 'a certificate signing request',
  'X509 CRL': 'a certificate revocation list',
};

async function readPem(
  text: string,
  passphrase: string | undefined,
  signal: AbortSignal | undefined,
): Promise<ReadKey> {
  const pem = firstPemBlock(text);
  const { label, line } = pem;
  if (label === 'OPENSSH PRIVATE KEY') {
    const read = await parseOpenSshPrivateKey(pem.block, {
      ...(passphrase !== undefined ? { passphrase } : {}),
      ...(signal ? { signal } : {}),
    });
    return { key: read.key, info: infoOf(read.key, 'openssh', read.encrypted, read.comment) };
  }
  const notKey = NOT_KEYS[label];
  if (notKey) {
    const how =
      notKey === 'an X.509 certificate'
        ? ' (`openssl x509 -in FILE -pubkey -noout` prints its public key)'
        : '';
    throw new KeysmithError(
      'UNSUPPORTED_KEY',
      `line ${line}: this is ${notKey} (BEGIN ${label}), not a key${how}.`,
    );
  }
  if (label === 'DSA PRIVATE KEY' || label === 'DSA PUBLIC KEY') throw unsupported('A DSA key');
  if (label === 'SSH2 ENCRYPTED PRIVATE KEY') throw unsupported('An ssh.com (SSH2) private key');
  if (label.startsWith('PGP ')) throw unsupported('An OpenPGP key');
  const known = [
    'RSA PRIVATE KEY',
    'RSA PUBLIC KEY',
    'EC PRIVATE KEY',
    'PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'PUBLIC KEY',
  ];
  if (!known.includes(label)) {
    throw new KeysmithError(
      'MALFORMED_KEY',
      `line ${line}: a PEM block labelled "${label}" is not a key (keys are RSA PRIVATE KEY, EC PRIVATE KEY, PRIVATE KEY, ENCRYPTED PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY or OPENSSH PRIVATE KEY).`,
    );
  }

  const der = blockDer(pem);
  const legacyEncrypted = /^4,\s*ENCRYPTED$/i.test(pem.headers.get('Proc-Type') ?? '');
  if (legacyEncrypted) {
    if (!pem.headers.has('DEK-Info'))
      throw malformedBlock(label, line, 'is marked ENCRYPTED but has no DEK-Info header');
    if (passphrase === undefined) throw passphraseRequired();
    // Node (OpenSSL) reads the traditional format from the PEM text, headers included.
    const rebuilt = [
      `-----BEGIN ${label}-----`,
      ...[...pem.headers].map(([name, value]) => `${name}: ${value}`),
      '',
      ...(der.toString('base64').match(/.{1,64}/g) ?? []),
      `-----END ${label}-----`,
      '',
    ].join('\n');
    const key = openEncrypted(() => createPrivateKey({ key: rebuilt, format: 'pem', passphrase }));
    return { key, info: infoOf(key, 'pem', true) };
  }
  if (!isOneSequence(der)) {
    throw malformedBlock(
      label,
      line,
      'is damaged: its DER length does not match its content (truncated or with extra bytes)',
    );
  }
  if (label === 'ENCRYPTED PRIVATE KEY') {
    if (passphrase === undefined) throw passphraseRequired();
    const key = openEncrypted(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase }));
    return { key, info: infoOf(key, 'pkcs8', true) };
  }
  const parse = (make: () => KeyObject, what: string): KeyObject => {
    try {
      return make();
    } catch {
      throw malformedBlock(label, line, `does not hold a valid ${what}`);
    }
  };
  let key: KeyObject;
  let format: KeyPairFormat = 'pem';
  switch (label) {
    case 'RSA PRIVATE KEY':
      key = parse(
        () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
        'PKCS#1 RSA private key',
      );
      break;
    case 'RSA PUBLIC KEY':
      key = parse(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }), 'PKCS#1 RSA public key');
      break;
    case 'EC PRIVATE KEY':
      checkCurveOid(sec1Curve(der));
      key = parse(() => createPrivateKey({ key: der, format: 'der', type: 'sec1' }), 'SEC1 EC private key');
      break;
    case 'PRIVATE KEY':
      checkAlgorithmId(pkcs8Algorithm(der), label, line);
      key = parse(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), 'PKCS#8 private key');
      format = 'pkcs8';
      break;
    default: // PUBLIC KEY
      checkAlgorithmId(spkiAlgorithm(der), label, line);
      key = parse(() => createPublicKey({ key: der, format: 'der', type: 'spki' }), 'SPKI public key');
  }
  return { key, info: infoOf(key, format, false) };
}

function passphraseRequired(): KeysmithError {
  return new KeysmithError(
    'PASSPHRASE_REQUIRED',
    'The key is passphrase-protected: a passphrase is needed to read it.',
    'passphrase',
  );
}

/**
 * Decrypts with OpenSSL. Its "bad decrypt" (the CBC padding check) is the wrong passphrase; a
 * wrong key can also pass that check by chance (about 1 in 256) and leave bytes that are no
 * key, which is the wrong passphrase too (the outer structure was checked before).
 */
function openEncrypted(open: () => KeyObject): KeyObject {
  try {
    return open();
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/unsupported|unknown cipher|not supported/i.test(message) && !/bad decrypt/i.test(message)) {
      // Seen only when OpenSSL lacks the cipher or PRF named in the key; the passphrase is not at fault.
      if (/cipher|algorithm/i.test(message)) throw unsupported('The encryption scheme of this key');
    }
    throw new KeysmithError('WRONG_PASSPHRASE', 'The passphrase does not open this key.', 'passphrase');
  }
}

// ---------------------------------------------------------------------------------------------
// JWK

function readJwkText(text: string): ReadKey | ReadKey[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message may quote the text (a key): only its position is kept, as a line.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const where = position ? `line ${lineAt(text, Number(position[1]))}: ` : '';
    throw new KeysmithError(
      'MALFORMED_KEY',
      `${where}the text starts with "{" but is not valid JSON (a JWK or JWKS).`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeysmithError('MALFORMED_KEY', 'A JWK must be a JSON object.');
  }
  const object = value as Record<string, unknown>;
  if ('keys' in object && !('kty' in object)) {
    const keys = object.keys;
    if (!Array.isArray(keys)) {
      throw new KeysmithError('MALFORMED_KEY', 'The JWKS member "keys" must be an array of JWKs.', 'keys');
    }
    return keys.map((jwk, index) => {
      try {
        return readJwk(jwk, `keys[${index}]`);
      } catch (error) {
        throw error instanceof KeysmithError ? error.atIndex(index) : error;
      }
    });
  }
  return readJwk(object, 'the JWK');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function readJwk(value: unknown, where: string): ReadKey {
  const fail = (message: string, field?: string) =>
    new KeysmithError('MALFORMED_KEY', `${where}: ${message}`, field);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('a JWK must be a JSON object.');
  const jwk = value as Record<string, unknown>;
  const kty = jwk.kty;
  if (kty === undefined) throw fail('the member "kty" is missing.', 'kty');
  if (typeof kty !== 'string') throw fail('the member "kty" must be a string.', 'kty');
  const member = (name: string): string => {
    const v = jwk[name];
    if (v === undefined) throw fail(`the member "${name}" is missing (a ${kty} key needs it).`, name);
    if (typeof v !== 'string' || !BASE64URL.test(v) || v.length % 4 === 1) {
      throw fail(`the member "${name}" is not base64url (RFC 7515 §2, no padding).`, name);
    }
    return v;
  };
  const curveMember = (): string => {
    const crv = jwk.crv;
    if (crv === undefined) throw fail(`the member "crv" is missing (a ${kty} key needs it).`, 'crv');
    if (typeof crv !== 'string') throw fail('the member "crv" must be a string.', 'crv');
    return crv;
  };
  const isPrivate = jwk.d !== undefined;
  const picked: Record<string, string> = { kty };
  if (kty === 'RSA') {
    if (jwk.oth !== undefined) throw unsupported(`${where}: a multi-prime RSA key ("oth")`);
    for (const name of isPrivate ? ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] : ['n', 'e'])
      picked[name] = member(name);
  } else if (kty === 'EC') {
    const crv = curveMember();
    if (!(['P-256', 'P-384', 'P-521'] as string[]).includes(crv)) throw unsupportedCurve(crv);
    picked.crv = crv;
    for (const name of isPrivate ? ['x', 'y', 'd'] : ['x', 'y']) picked[name] = member(name);
  } else if (kty === 'OKP') {
    const crv = curveMember();
    if (crv !== 'Ed25519') throw unsupported(`A${/^[AEIOUX]/.test(crv) ? 'n' : ''} ${crv} key`);
    picked.crv = crv;
    for (const name of isPrivate ? ['x', 'd'] : ['x']) picked[name] = member(name);
  } else if (kty === 'oct') {
    throw new KeysmithError(
      'UNSUPPORTED_KEY',
      `${where}: a symmetric (kty "oct") JWK is a secret key, not a key pair.`,
    );
  } else {
    throw new KeysmithError(
      'UNSUPPORTED_KEY',
      `${where}: the key type (kty) "${kty}" is not supported: ${SUPPORTED}.`,
    );
  }
  let key: KeyObject;
  try {
    const input = { key: picked as JsonWebKey, format: 'jwk' as const };
    key = isPrivate ? createPrivateKey(input) : createPublicKey(input);
  } catch {
    throw fail(`its members do not form a valid ${kty === 'OKP' ? 'Ed25519' : kty} key.`);
  }
  if (isPrivate) {
    // node does not check that d belongs to the public members given beside it (it keeps the
    // point or modulus as given): a JWK like that would sign with one key and publish another.
    // A signature made with the private members must verify with the public ones alone.
    const publicNames = kty === 'RSA' ? ['n', 'e'] : kty === 'EC' ? ['crv', 'x', 'y'] : ['crv', 'x'];
    const publicMembers: Record<string, string> = { kty };
    for (const name of publicNames) publicMembers[name] = picked[name]!;
    const probe = Buffer.from('keysmith: does d belong to this public key?');
    const hash = kty === 'OKP' ? null : 'sha256';
    let belongs: boolean;
    try {
      const publicKey = createPublicKey({ key: publicMembers as JsonWebKey, format: 'jwk' });
      belongs = verify(hash, probe, publicKey, sign(hash, probe, key));
    } catch {
      belongs = false;
    }
    if (!belongs) {
      const names = publicNames
        .filter((n) => n !== 'crv')
        .map((n) => `"${n}"`)
        .join(' and ');
      throw fail(
        `the private members ("d"${kty === 'RSA' ? ', "p", "q", ...' : ''}) do not belong to the public ${names}.`,
        'd',
      );
    }
  }
  return { key, info: infoOf(key, 'jwk', false) };
}
