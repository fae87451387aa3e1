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
import type { KeyObject } from 'node:crypto';
import type { EcCurve } from './generateKeyPair';

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
  void text;
  void options;
  throw new Error('not implemented');
}

/** `readKey` without the KeyObject: what a key is. A JWKS gives an array. */
export async function inspectKey(text: string, options?: ReadKeyOptions): Promise<KeyInfo | KeyInfo[]> {
  void text;
  void options;
  throw new Error('not implemented');
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

/**
 * Writes the key of `text` in another format. Private in, private out unless `public`; a JWKS
 * input converts each key (to jwks: one document; to anything else: only if it holds one key).
 * Output texts end with a newline (PEM, OpenSSH) or are pretty JSON with a trailing newline (JWK,
 * JWKS). `pem` means PKCS#1/SEC1 for RSA/EC private keys and SPKI for public keys; Ed25519 has
 * only PKCS#8 (pem = pkcs8 for it). An encrypted private key (toPassphrase) is always PKCS#8.
 */
export async function convertKey(text: string, options: ConvertKeyOptions): Promise<string> {
  void text;
  void options;
  throw new Error('not implemented');
}

/** The three fingerprints of a key (of its public half). */
export function fingerprintsOf(key: KeyObject): Fingerprints {
  void key;
  throw new Error('not implemented');
}

/** The public JWK of a key with kid (RFC 7638 thumbprint), alg and use: "sig". */
export function publicJwkOf(key: KeyObject): Jwk {
  void key;
  throw new Error('not implemented');
}
