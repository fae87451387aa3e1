/**
 * OpenSSH key framing (PROTOCOL.key, RFC 4253 §6.6, RFC 5656, RFC 8709): the one-line public key
 * (`ssh-ed25519 AAAA… comment`, `ecdsa-sha2-nistp256|384|521`, `ssh-rsa`) and the
 * `-----BEGIN OPENSSH PRIVATE KEY-----` file, unencrypted (cipher/kdf "none") or as ssh-keygen
 * protects it (kdf "bcrypt", 16 rounds by default, cipher "aes256-ctr"). node:crypto KeyObjects in
 * and out. Errors as documented in ./keyFormats.ts (MALFORMED_KEY, UNSUPPORTED_KEY,
 * PASSPHRASE_REQUIRED, WRONG_PASSPHRASE, ABORTED).
 *
 * THE AGREED INTERFACE (implementation: the OpenSSH helper).
 *
 * The private key file, as sshkey.c writes it (sshkey_private_to_blob2):
 *
 *   "openssh-key-v1\0" string ciphername  string kdfname  string kdfoptions  uint32 1
 *   string publickey  string encrypted( uint32 check  uint32 check  <key fields>  string comment
 *                                       padding 1 2 3 … up to the cipher's block size )
 *
 * kdfoptions is empty for "none" and `string salt, uint32 rounds` for "bcrypt"; bcrypt_pbkdf gives
 * 32 bytes of AES-256 key then 16 of CTR IV. The two check integers are one random value written
 * twice: after decryption they differ only if the passphrase was wrong.
 */
import {
  createCipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  randomBytes,
  type JsonWebKey,
} from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { hash as bcryptHash } from 'bcrypt-pbkdf';
import { KeysmithError, throwIfAborted } from './errors';
import { MAX_BCRYPT_ROUNDS } from './limits';

export interface OpenSshPublic {
  key: KeyObject;
  /** The text after the base64 field, trimmed ('' when there is none). */
  comment: string;
}

export interface OpenSshPrivate {
  key: KeyObject;
  comment: string;
  encrypted: boolean;
}

/** The key types read and written here (RFC 8709, RFC 5656 §3.1, RFC 4253 §6.6). */
export const OPENSSH_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;
export type OpenSshKeyType = (typeof OPENSSH_KEY_TYPES)[number];

/** ssh-keygen's default bcrypt rounds (`-a`). */
export const OPENSSH_DEFAULT_ROUNDS = 16;

interface SshCurve {
  /** The curve identifier inside the key (RFC 5656 §6.1). */
  ssh: string;
  jwk: 'P-256' | 'P-384' | 'P-521';
  /** OpenSSL's name, as node reports it (asymmetricKeyDetails.namedCurve) and createECDH takes it. */
  openssl: string;
  /** Bytes of one coordinate (and of the private scalar). */
  size: number;
}

const CURVES: Record<string, SshCurve> = {
  'ecdsa-sha2-nistp256': { ssh: 'nistp256', jwk: 'P-256', openssl: 'prime256v1', size: 32 },
  'ecdsa-sha2-nistp384': { ssh: 'nistp384', jwk: 'P-384', openssl: 'secp384r1', size: 48 },
  'ecdsa-sha2-nistp521': { ssh: 'nistp521', jwk: 'P-521', openssl: 'secp521r1', size: 66 },
};

/** OpenSSH refuses smaller RSA moduli (SSH_RSA_MINIMUM_MODULUS_SIZE) and larger ones (OPENSSL_RSA_MAX_MODULUS_BITS). */
const RSA_MIN_BITS = 1024;
const RSA_MAX_BITS = 16384;

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
/** ssh-keygen wraps the base64 body at 70 columns. */
const LINE_WIDTH = 70;
const SALT_BYTES = 16;
/** aes256-ctr: 32 bytes of key, then 16 of IV, both from bcrypt_pbkdf. */
const AES_KEY_BYTES = 32;
const AES_IV_BYTES = 16;
const CIPHER_BLOCK = { none: 8, 'aes256-ctr': 16 } as const;

const PUBLIC = 'OpenSSH public key';
const PRIVATE = 'OpenSSH private key';

function malformed(message: string): KeysmithError {
  return new KeysmithError('MALFORMED_KEY', message);
}

function unsupported(message: string): KeysmithError {
  return new KeysmithError('UNSUPPORTED_KEY', message);
}

function invalidArgument(field: string, message: string): KeysmithError {
  return new KeysmithError('INVALID_ARGUMENT', message, field);
}

/** A name read from a file, fit to quote in a message (printable ASCII), or a stand-in. */
function shown(name: string): string {
  return /^[\x21-\x7e]{1,80}$/.test(name) ? name : 'an unreadable name';
}

const isKeyType = (type: string): type is OpenSshKeyType =>
  (OPENSSH_KEY_TYPES as readonly string[]).includes(type);

function unsupportedType(where: string, type: string): KeysmithError {
  return unsupported(
    `${where}: the key type ${shown(type)} is not supported (Keysmith reads ssh-ed25519, ` +
      'ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521 and ssh-rsa).',
  );
}

// ---------------------------------------------------------------------------------------------
// The SSH wire format (RFC 4251 §5): uint32, string, mpint.

/** Reads the wire format, checking every length against what is left before taking it. */
class WireReader {
  private offset = 0;

  constructor(
    private readonly data: Buffer,
    private readonly where: string,
  ) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  uint32(what: string): number {
    if (this.remaining < 4) {
      throw malformed(
        `${this.where}: the ${what} runs past the end of the data (the key is truncated or damaged).`,
      );
    }
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(what: string): Buffer {
    const length = this.uint32(`length of the ${what}`);
    if (length > this.remaining) {
      throw malformed(
        `${this.where}: the ${what} (${length} bytes) runs past the end of the data` +
          ` (${this.remaining} bytes left; the key is truncated or a length is damaged).`,
      );
    }
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A name (key type, cipher, curve): the bytes as Latin-1, so any byte shows as itself. */
  name(what: string): string {
    return this.bytes(what).toString('latin1');
  }

  /** An mpint as a non-negative big-endian magnitude without leading zeros. */
  mpint(what: string): Buffer {
    const value = this.bytes(what);
    if (value.length > 0 && (value[0]! & 0x80) !== 0) {
      throw malformed(`${this.where}: the ${what} is a negative number.`);
    }
    let start = 0;
    while (start < value.length && value[start] === 0) start++;
    return value.subarray(start);
  }

  rest(): Buffer {
    const value = this.data.subarray(this.offset);
    this.offset = this.data.length;
    return value;
  }

  end(after: string): void {
    if (this.remaining !== 0) {
      throw malformed(`${this.where}: ${this.remaining} unexpected bytes follow the ${after}.`);
    }
  }
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** An mpint from a non-negative big-endian magnitude: minimal, a zero byte first if the top bit is set. */
function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const digits = magnitude.subarray(start);
  return sshString(
    digits.length > 0 && (digits[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.of(0), digits]) : digits,
  );
}

const toBigInt = (magnitude: Buffer): bigint =>
  magnitude.length === 0 ? 0n : BigInt(`0x${magnitude.toString('hex')}`);

function fromBigInt(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
}

/** Left-pads a big-endian magnitude to `size` bytes (EC scalars and coordinates in JWK). */
function padTo(magnitude: Buffer, size: number): Buffer {
  return magnitude.length >= size
    ? magnitude
    : Buffer.concat([Buffer.alloc(size - magnitude.length), magnitude]);
}

const b64u = (bytes: Buffer): string => bytes.toString('base64url');
const unb64u = (text: string | undefined): Buffer => Buffer.from(text ?? '', 'base64url');

/** Strict standard base64 (as ssh-keygen writes it): only the alphabet, padding at the end, length % 4 = 0. */
function decodeBase64(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw malformed(`${what} is not valid base64 (it has characters outside the base64 alphabet).`);
  }
  if (text.length % 4 !== 0) {
    throw malformed(`${what} is not valid base64 (its length is not a multiple of 4: truncated or damaged).`);
  }
  return Buffer.from(text, 'base64');
}

// ---------------------------------------------------------------------------------------------
// Keys ⇄ SSH fields.

/** The OpenSSH type of a key, or undefined when it has none here (DSA, X25519, secp256k1, RSA-PSS…). */
export function openSshKeyType(key: KeyObject): OpenSshKeyType | undefined {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'ssh-ed25519';
    case 'rsa':
      return 'ssh-rsa';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const entry = Object.entries(CURVES).find(([, c]) => c.openssl === curve);
      return entry ? (entry[0] as OpenSshKeyType) : undefined;
    }
    default:
      return undefined;
  }
}

function checkKey(key: unknown, purpose: 'any' | 'private'): { key: KeyObject; type: OpenSshKeyType } {
  if (!(key instanceof KeyObject) || key.type === 'secret') {
    throw invalidArgument('key', 'key must be a public or private key (a node:crypto KeyObject).');
  }
  if (purpose === 'private' && key.type !== 'private') {
    throw invalidArgument('key', 'key must be a private key to write an OpenSSH private key.');
  }
  const type = openSshKeyType(key);
  if (!type) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const what = curve ? `an EC ${curve}` : `an ${String(key.asymmetricKeyType).toUpperCase()}`;
    throw invalidArgument(
      'key',
      `${what} key has no OpenSSH form here (Ed25519, EC P-256/P-384/P-521 and RSA have one).`,
    );
  }
  return { key, type };
}

function jwkOf(key: KeyObject): JsonWebKey {
  return key.export({ format: 'jwk' });
}

function ecPoint(jwk: JsonWebKey, curve: SshCurve): Buffer {
  return Buffer.concat([Buffer.of(4), padTo(unb64u(jwk.x), curve.size), padTo(unb64u(jwk.y), curve.size)]);
}

/** The SSH wire encoding of the public key (what `SHA256:` fingerprints hash). */
export function sshPublicKeyBlob(key: KeyObject): Buffer {
  const checked = checkKey(key, 'any');
  const type = checked.type;
  const jwk = jwkOf(checked.key.type === 'private' ? createPublicKey(checked.key) : checked.key);
  if (type === 'ssh-ed25519') return Buffer.concat([sshString(type), sshString(unb64u(jwk.x))]);
  if (type === 'ssh-rsa') {
    return Buffer.concat([sshString(type), sshMpint(unb64u(jwk.e)), sshMpint(unb64u(jwk.n))]);
  }
  const curve = CURVES[type]!;
  return Buffer.concat([sshString(type), sshString(curve.ssh), sshString(ecPoint(jwk, curve))]);
}

/** The key fields of the private section (after the check integers, before the comment). */
function privateFields(key: KeyObject, type: OpenSshKeyType): Buffer {
  const jwk = jwkOf(key);
  if (type === 'ssh-ed25519') {
    // OpenSSH keeps the 64-byte "secret key" of ref10/NaCl: the 32-byte seed, then the public key.
    const pub = unb64u(jwk.x);
    return Buffer.concat([sshString(type), sshString(pub), sshString(Buffer.concat([unb64u(jwk.d), pub]))]);
  }
  if (type === 'ssh-rsa') {
    // n, e, d, iqmp, p, q: the order of sshkey_private_serialize (not the public blob's e, n).
    return Buffer.concat([
      sshString(type),
      ...[jwk.n, jwk.e, jwk.d, jwk.qi, jwk.p, jwk.q].map((v) => sshMpint(unb64u(v))),
    ]);
  }
  const curve = CURVES[type]!;
  return Buffer.concat([
    sshString(type),
    sshString(curve.ssh),
    sshString(ecPoint(jwk, curve)),
    sshMpint(unb64u(jwk.d)),
  ]);
}

function rsaBits(modulus: Buffer): number {
  return modulus.length === 0 ? 0 : (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0]!));
}

const rsaBitsOk = (modulus: Buffer): boolean =>
  rsaBits(modulus) >= RSA_MIN_BITS && rsaBits(modulus) <= RSA_MAX_BITS;

function checkRsaSize(where: string, modulus: Buffer): void {
  if (!rsaBitsOk(modulus)) {
    throw unsupported(
      `${where}: an RSA key of ${rsaBits(modulus)} bits is not supported (OpenSSH takes ${RSA_MIN_BITS} to ${RSA_MAX_BITS}).`,
    );
  }
}

function importKey(where: string, jwk: JsonWebKey, what: string): KeyObject {
  try {
    return jwk.d === undefined
      ? createPublicKey({ key: jwk, format: 'jwk' })
      : createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    throw malformed(`${where}: the ${what} is not a valid key.`);
  }
}

/** The EC point Q (uncompressed, on the curve) → JWK x, y. */
function readEcPoint(where: string, point: Buffer, curve: SshCurve): { x: string; y: string } {
  if (point.length !== 1 + 2 * curve.size || point[0] !== 4) {
    throw malformed(
      `${where}: the EC public point is not an uncompressed ${curve.ssh} point (${1 + 2 * curve.size} bytes starting with 04).`,
    );
  }
  return {
    x: b64u(point.subarray(1, 1 + curve.size)),
    y: b64u(point.subarray(1 + curve.size)),
  };
}

/** The public key fields after the type string of a public blob. */
function readPublicFields(reader: WireReader, where: string, type: OpenSshKeyType): KeyObject {
  if (type === 'ssh-ed25519') {
    const pub = reader.bytes('Ed25519 public key');
    if (pub.length !== 32)
      throw malformed(`${where}: the Ed25519 public key is ${pub.length} bytes, not 32.`);
    return importKey(where, { kty: 'OKP', crv: 'Ed25519', x: b64u(pub) }, 'Ed25519 public key');
  }
  if (type === 'ssh-rsa') {
    const e = reader.mpint('RSA public exponent');
    const n = reader.mpint('RSA modulus');
    checkRsaSize(where, n);
    return importKey(where, { kty: 'RSA', n: b64u(n), e: b64u(e) }, 'RSA public key');
  }
  const curve = CURVES[type]!;
  const curveName = reader.name('curve name');
  if (curveName !== curve.ssh) {
    throw malformed(
      `${where}: the curve ${shown(curveName)} inside the key does not match its type ${type}.`,
    );
  }
  const point = readEcPoint(where, reader.bytes('EC public point'), curve);
  try {
    return createPublicKey({ key: { kty: 'EC', crv: curve.jwk, ...point }, format: 'jwk' });
  } catch {
    throw malformed(`${where}: the EC public point is not on the curve ${curve.ssh}.`);
  }
}

/** A public blob (type string + fields), all of it. */
function readPublicBlob(
  blob: Buffer,
  where: string,
  expectedType?: string,
): { type: OpenSshKeyType; key: KeyObject } {
  const reader = new WireReader(blob, where);
  const type = reader.name('key type');
  if (expectedType !== undefined && type !== expectedType) {
    throw malformed(
      `${where}: the key type of the line (${shown(expectedType)}) differs from the one inside the key (${shown(type)}).`,
    );
  }
  if (!isKeyType(type)) throw unsupportedType(where, type);
  const key = readPublicFields(reader, where, type);
  reader.end('public key');
  return { type, key };
}

/** The key fields of the private section, as a private KeyObject whose halves are checked to match. */
function readPrivateFields(reader: WireReader, where: string, type: OpenSshKeyType): KeyObject {
  const mismatch = () =>
    malformed(`${where}: the private key does not match its public key (the key is damaged).`);
  if (type === 'ssh-ed25519') {
    const pub = reader.bytes('Ed25519 public key');
    const secret = reader.bytes('Ed25519 private key');
    if (pub.length !== 32)
      throw malformed(`${where}: the Ed25519 public key is ${pub.length} bytes, not 32.`);
    if (secret.length !== 64)
      throw malformed(`${where}: the Ed25519 private key is ${secret.length} bytes, not 64.`);
    if (!secret.subarray(32).equals(pub)) throw mismatch();
    const key = importKey(
      where,
      { kty: 'OKP', crv: 'Ed25519', d: b64u(secret.subarray(0, 32)), x: b64u(pub) },
      'Ed25519 private key',
    );
    // node derives the public half from the seed: it must be the one written next to it.
    if (!unb64u(jwkOf(createPublicKey(key)).x).equals(pub)) throw mismatch();
    return key;
  }
  if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, p, q] = [
      'RSA modulus',
      'RSA public exponent',
      'RSA private exponent',
      'RSA iqmp',
      'RSA prime p',
      'RSA prime q',
    ].map((what) => reader.mpint(what)) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    checkRsaSize(where, n);
    const [N, E, D, Qi, P, Q] = [n, e, d, iqmp, p, q].map(toBigInt) as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    // The parts must make one key: n = pq, iqmp = q⁻¹ mod p, ed ≡ 1 mod p-1 and mod q-1.
    if (
      P < 2n ||
      Q < 2n ||
      P * Q !== N ||
      (Qi * Q) % P !== 1n ||
      (E * D) % (P - 1n) !== 1n ||
      (E * D) % (Q - 1n) !== 1n
    ) {
      throw mismatch();
    }
    return importKey(
      where,
      {
        kty: 'RSA',
        n: b64u(n),
        e: b64u(e),
        d: b64u(d),
        p: b64u(p),
        q: b64u(q),
        dp: b64u(fromBigInt(D % (P - 1n))),
        dq: b64u(fromBigInt(D % (Q - 1n))),
        qi: b64u(iqmp),
      },
      'RSA private key',
    );
  }
  const curve = CURVES[type]!;
  const curveName = reader.name('curve name');
  if (curveName !== curve.ssh) {
    throw malformed(
      `${where}: the curve ${shown(curveName)} inside the key does not match its type ${type}.`,
    );
  }
  const pointBytes = reader.bytes('EC public point');
  const point = readEcPoint(where, pointBytes, curve);
  const d = reader.mpint('EC private key');
  if (d.length === 0 || d.length > curve.size)
    throw malformed(`${where}: the EC private key is out of range for ${curve.ssh}.`);
  // node takes x, y and d as given: derive Q from d to know they belong together.
  let derived: Buffer;
  try {
    const ecdh = createECDH(curve.openssl);
    ecdh.setPrivateKey(padTo(d, curve.size));
    derived = ecdh.getPublicKey();
  } catch {
    throw malformed(`${where}: the EC private key is out of range for ${curve.ssh}.`);
  }
  if (!derived.equals(pointBytes)) throw mismatch();
  return importKey(
    where,
    { kty: 'EC', crv: curve.jwk, ...point, d: b64u(padTo(d, curve.size)) },
    'EC private key',
  );
}

// ---------------------------------------------------------------------------------------------
// Public line.

/** Whether `text` (trimmed) looks like an OpenSSH public line of a type read here or not. */
export function looksLikeOpenSshPublicKey(text: string): boolean {
  if (typeof text !== 'string') return false;
  // A type name, then base64 whose first 4 characters are the type's length (< 2^24: "AAAA").
  return /^[A-Za-z0-9][A-Za-z0-9.@+_-]*[ \t]+AAAA[A-Za-z0-9+/]*={0,2}(?:[ \t][^\r\n]*)?$/.test(text.trim());
}

/** Reads `type base64 [comment]` (one line; surrounding whitespace allowed). */
export function parseOpenSshPublicKey(line: string): OpenSshPublic {
  if (typeof line !== 'string') throw invalidArgument('text', 'The OpenSSH public key must be a string.');
  const text = line.trim();
  if (text === '') throw malformed(`${PUBLIC}: the text is empty.`);
  if (/[\r\n]/.test(text))
    throw malformed(`${PUBLIC}: the key must be one line; this text has more than one.`);
  const match = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(text);
  if (!match)
    throw malformed(`${PUBLIC}: a public key line is "type base64 [comment]"; this one has no base64 field.`);
  const type = match[1]!;
  if (!/^[A-Za-z0-9][A-Za-z0-9.@+_-]*$/.test(type)) {
    throw malformed(`${PUBLIC}: the line does not start with a key type (such as ssh-ed25519).`);
  }
  if (!isKeyType(type)) throw unsupportedType(PUBLIC, type);
  const blob = decodeBase64(match[2]!, `${PUBLIC}: the base64 field`);
  const { key } = readPublicBlob(blob, PUBLIC, type);
  return { key, comment: (match[3] ?? '').trim() };
}

function checkComment(comment: unknown): string {
  if (comment === undefined) return '';
  if (typeof comment !== 'string') throw invalidArgument('comment', 'comment must be a string.');
  if (/[\r\n]/.test(comment)) throw invalidArgument('comment', 'comment must be one line (no line breaks).');
  return comment.trim();
}

function checkWritable(where: string, key: KeyObject, type: OpenSshKeyType): void {
  if (type === 'ssh-rsa') {
    const n = unb64u(jwkOf(key.type === 'private' ? createPublicKey(key) : key).n);
    if (!rsaBitsOk(n)) {
      throw invalidArgument(
        'key',
        `${where}: an RSA key of ${rsaBits(n)} bits has no OpenSSH form (${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits).`,
      );
    }
  }
}

/** `type base64 comment\n` (no comment: `type base64\n`). Public half of a private key too. */
export function openSshPublicKey(key: KeyObject, comment?: string): string {
  const checked = checkKey(key, 'any');
  checkWritable(PUBLIC, checked.key, checked.type);
  const text = checkComment(comment);
  const base = `${checked.type} ${sshPublicKeyBlob(checked.key).toString('base64')}`;
  return text === '' ? `${base}\n` : `${base} ${text}\n`;
}

// ---------------------------------------------------------------------------------------------
// Private key file.

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalidArgument('signal', 'signal must be an AbortSignal.');
  return signal;
}

function checkOptions(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('options', 'options must be an object.');
  return options as Record<string, unknown>;
}

/** Passphrases are NFC-normalised, then UTF-8 (as passwords are). */
const passphraseBytes = (passphrase: string): Buffer => Buffer.from(passphrase.normalize('NFC'), 'utf8');

/** The base64 body of the first BEGIN OPENSSH PRIVATE KEY block of `text`, decoded. */
function privateBlockBytes(text: string): Buffer {
  const begin = text.indexOf(BEGIN);
  if (begin < 0) throw malformed(`${PRIVATE}: there is no ${BEGIN} line.`);
  const bodyStart = begin + BEGIN.length;
  const end = text.indexOf(END, bodyStart);
  if (end < 0) throw malformed(`${PRIVATE}: the block has no ${END} line (truncated).`);
  const firstLine = text.slice(0, begin).split('\n').length; // 1-based line of BEGIN
  const lines = text.slice(bodyStart, end).split('\n');
  let base64 = '';
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (!/^[A-Za-z0-9+/=]+$/.test(line)) {
      throw malformed(`${PRIVATE}: line ${firstLine + i} of the text is not base64.`);
    }
    base64 += line;
  });
  if (base64 === '') throw malformed(`${PRIVATE}: the block is empty.`);
  return decodeBase64(base64, `${PRIVATE}: the base64 body`);
}

/** Reads a BEGIN OPENSSH PRIVATE KEY block (the first one in `text`). */
export async function parseOpenSshPrivateKey(
  text: string,
  options?: { passphrase?: string; signal?: AbortSignal },
): Promise<OpenSshPrivate> {
  if (typeof text !== 'string') throw invalidArgument('text', 'The OpenSSH private key must be a string.');
  const opts = checkOptions(options);
  const signal = checkSignal(opts.signal);
  const passphrase = opts.passphrase;
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw invalidArgument('passphrase', 'passphrase must be a string.');
  }
  throwIfAborted(signal);

  const data = privateBlockBytes(text);
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw malformed(
      `${PRIVATE}: the data does not start with "openssh-key-v1" (not an OpenSSH private key, or a damaged one).`,
    );
  }
  const outer = new WireReader(data.subarray(MAGIC.length), PRIVATE);
  const cipher = outer.name('cipher name');
  const kdf = outer.name('KDF name');
  const kdfOptions = outer.bytes('KDF options');
  const keyCount = outer.uint32('number of keys');
  if (cipher !== 'none' && cipher !== 'aes256-ctr') {
    throw unsupported(
      `${PRIVATE}: the cipher ${shown(cipher)} is not supported (Keysmith reads none and aes256-ctr).`,
    );
  }
  if (kdf !== 'none' && kdf !== 'bcrypt') {
    throw unsupported(`${PRIVATE}: the KDF ${shown(kdf)} is not supported (Keysmith reads none and bcrypt).`);
  }
  if ((cipher === 'none') !== (kdf === 'none')) {
    throw malformed(`${PRIVATE}: the cipher ${cipher} cannot go with the KDF ${kdf}.`);
  }
  if (kdf === 'none' && kdfOptions.length !== 0) throw malformed(`${PRIVATE}: the KDF none has options.`);
  if (keyCount !== 1) {
    throw unsupported(
      `${PRIVATE}: the file holds ${keyCount} keys; Keysmith reads files of one key (as ssh-keygen writes them).`,
    );
  }
  const publicKey = readPublicBlob(outer.bytes('public key'), PRIVATE);
  const sealed = outer.bytes('private section');
  outer.end('private section');

  const blockSize = CIPHER_BLOCK[cipher];
  if (sealed.length === 0 || sealed.length % blockSize !== 0) {
    throw malformed(
      `${PRIVATE}: the private section is ${sealed.length} bytes, not a multiple of the cipher's block size ${blockSize}.`,
    );
  }

  const encrypted = cipher !== 'none';
  let plain = sealed;
  if (encrypted) {
    const kdfReader = new WireReader(kdfOptions, PRIVATE);
    const salt = kdfReader.bytes('bcrypt salt');
    const rounds = kdfReader.uint32('bcrypt rounds');
    kdfReader.end('bcrypt rounds');
    if (salt.length === 0) throw malformed(`${PRIVATE}: the bcrypt salt is empty.`);
    if (rounds === 0) throw malformed(`${PRIVATE}: the bcrypt rounds are 0.`);
    if (rounds > MAX_BCRYPT_ROUNDS) {
      throw new KeysmithError(
        'UNSUPPORTED_KEY',
        `${PRIVATE}: the key asks for ${rounds} bcrypt rounds; Keysmith opens keys of at most ${MAX_BCRYPT_ROUNDS} (\`ssh-keygen -p -a 100 -f FILE\` re-protects it with fewer).`,
      );
    }
    if (passphrase === undefined || passphrase === '') {
      throw new KeysmithError(
        'PASSPHRASE_REQUIRED',
        `${PRIVATE}: the key is passphrase-protected; give its passphrase.`,
        'passphrase',
      );
    }
    plain = await aes256CtrWithPassphrase(passphrase, salt, rounds, sealed, signal);
  }

  const inner = new WireReader(plain, PRIVATE);
  const check1 = inner.uint32('first check integer');
  const check2 = inner.uint32('second check integer');
  if (check1 !== check2) {
    if (encrypted) {
      throw new KeysmithError(
        'WRONG_PASSPHRASE',
        `${PRIVATE}: the passphrase does not open this key.`,
        'passphrase',
      );
    }
    throw malformed(`${PRIVATE}: the check integers of the private section differ (the key is damaged).`);
  }
  const type = inner.name('private key type');
  if (type !== publicKey.type) {
    throw malformed(
      `${PRIVATE}: the private key type (${shown(type)}) differs from the public key's (${publicKey.type}).`,
    );
  }
  const key = readPrivateFields(inner, PRIVATE, publicKey.type);
  const comment = inner.bytes('comment').toString('utf8');
  const padding = inner.rest();
  // As OpenSSH's private_key_check_padding: 1, 2, 3, … (its length is not checked).
  if (!padding.every((byte, i) => byte === i + 1)) {
    throw malformed(`${PRIVATE}: the padding of the private section is damaged.`);
  }
  if (!sshPublicKeyBlob(key).equals(sshPublicKeyBlob(publicKey.key))) {
    throw malformed(`${PRIVATE}: the public key of the file does not match its private key.`);
  }
  if (encrypted) plain.fill(0);
  return { key, comment, encrypted };
}

/** A private key as ssh-keygen writes it (70-column base64, trailing newline). */
export async function openSshPrivateKey(
  key: KeyObject,
  options?: { comment?: string; passphrase?: string; rounds?: number; signal?: AbortSignal },
): Promise<string> {
  const checked = checkKey(key, 'private');
  checkWritable(PRIVATE, checked.key, checked.type);
  const opts = checkOptions(options);
  const comment = checkComment(opts.comment);
  const signal = checkSignal(opts.signal);
  const passphrase = opts.passphrase;
  if (passphrase !== undefined && (typeof passphrase !== 'string' || passphrase === '')) {
    throw invalidArgument('passphrase', 'passphrase must be a non-empty string.');
  }
  const rounds = opts.rounds ?? OPENSSH_DEFAULT_ROUNDS;
  if (typeof rounds !== 'number' || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_BCRYPT_ROUNDS) {
    throw invalidArgument('rounds', `rounds must be a whole number from 1 to ${MAX_BCRYPT_ROUNDS}.`);
  }
  throwIfAborted(signal);

  const cipher = passphrase === undefined ? 'none' : 'aes256-ctr';
  const blockSize = CIPHER_BLOCK[cipher];
  // One random check value written twice: after decryption, a wrong passphrase shows as a mismatch.
  const check = randomBytes(4);
  const body = Buffer.concat([check, check, privateFields(checked.key, checked.type), sshString(comment)]);
  const padLength = (blockSize - (body.length % blockSize)) % blockSize;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  let section: Buffer = Buffer.concat([body, padding]);
  body.fill(0);

  let kdfOptions = Buffer.alloc(0);
  if (passphrase !== undefined) {
    const salt = randomBytes(SALT_BYTES);
    kdfOptions = Buffer.concat([sshString(salt), uint32(rounds)]);
    const plain = section;
    section = await aes256CtrWithPassphrase(passphrase, salt, rounds, plain, signal);
    plain.fill(0);
  }

  const data = Buffer.concat([
    MAGIC,
    sshString(cipher),
    sshString(passphrase === undefined ? 'none' : 'bcrypt'),
    sshString(kdfOptions),
    uint32(1),
    sshString(sshPublicKeyBlob(checked.key)),
    sshString(section),
  ]);
  const base64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += LINE_WIDTH) lines.push(base64.slice(i, i + LINE_WIDTH));
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

// ---------------------------------------------------------------------------------------------
// bcrypt_pbkdf (OpenBSD's bcrypt_pbkdf.c).

const BCRYPT_HASH_BYTES = 32;

const sha512 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/**
 * OpenBSD bcrypt_pbkdf, on node:crypto SHA-512 and bcrypt-pbkdf's bcrypt_hash, yielding to the
 * event loop between rounds; an aborted signal stops it with ABORTED.
 */
/**
 * aes256-ctr under the key and IV bcrypt_pbkdf derives from the passphrase (CTR: the same
 * operation encrypts and decrypts); the derived bytes are zeroed after use.
 */
async function aes256CtrWithPassphrase(
  passphrase: string,
  salt: Uint8Array,
  rounds: number,
  data: Buffer,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  const derived = await bcryptPbkdf(
    passphraseBytes(passphrase),
    salt,
    rounds,
    AES_KEY_BYTES + AES_IV_BYTES,
    signal,
  );
  try {
    const cipher = createCipheriv(
      'aes-256-ctr',
      derived.subarray(0, AES_KEY_BYTES),
      derived.subarray(AES_KEY_BYTES),
    );
    return Buffer.concat([cipher.update(data), cipher.final()]);
  } finally {
    derived.fill(0);
  }
}

export async function bcryptPbkdf(
  passphrase: Uint8Array,
  salt: Uint8Array,
  rounds: number,
  keyLength: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  if (!(passphrase instanceof Uint8Array) || passphrase.length === 0) {
    throw invalidArgument('passphrase', 'passphrase must be non-empty bytes.');
  }
  if (!(salt instanceof Uint8Array) || salt.length === 0 || salt.length > 1 << 20) {
    throw invalidArgument('salt', 'salt must be 1 byte to 1 MiB.');
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 0xffffffff) {
    throw invalidArgument('rounds', 'rounds must be a whole number of at least 1.');
  }
  if (!Number.isInteger(keyLength) || keyLength < 1 || keyLength > BCRYPT_HASH_BYTES * BCRYPT_HASH_BYTES) {
    throw invalidArgument(
      'keyLength',
      `keyLength must be 1 to ${BCRYPT_HASH_BYTES * BCRYPT_HASH_BYTES} bytes.`,
    );
  }
  checkSignal(signal);
  throwIfAborted(signal);

  // Each 32-byte block of bcrypt output is spread over the key with this stride, so that every
  // part of the key needs every block (the "interleaving" of bcrypt_pbkdf.c).
  const stride = Math.ceil(keyLength / BCRYPT_HASH_BYTES);
  const perBlock = Math.ceil(keyLength / stride);
  const key = Buffer.alloc(keyLength);
  const sha2pass = sha512(passphrase);
  const out = new Uint8Array(BCRYPT_HASH_BYTES);
  const tmp = new Uint8Array(BCRYPT_HASH_BYTES);
  let left = keyLength;
  for (let count = 1; left > 0; count++) {
    tmp.set(bcryptHashOf(sha2pass, sha512(salt, uint32(count))));
    out.set(tmp);
    for (let round = 1; round < rounds; round++) {
      await yieldToEventLoop();
      throwIfAborted(signal);
      tmp.set(bcryptHashOf(sha2pass, sha512(tmp)));
      for (let j = 0; j < out.length; j++) out[j]! ^= tmp[j]!;
    }
    let i = 0;
    for (; i < Math.min(perBlock, left); i++) {
      const dest = i * stride + (count - 1);
      if (dest >= keyLength) break;
      key[dest] = out[i]!;
    }
    left -= i;
    if (left > 0) {
      await yieldToEventLoop();
      throwIfAborted(signal);
    }
  }
  sha2pass.fill(0);
  out.fill(0);
  tmp.fill(0);
  return key;
}

function bcryptHashOf(sha2pass: Uint8Array, sha2salt: Uint8Array): Uint8Array {
  const result = new Uint8Array(BCRYPT_HASH_BYTES);
  bcryptHash(sha2pass, sha2salt, result);
  return result;
}
