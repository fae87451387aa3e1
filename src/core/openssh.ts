/**
 * OpenSSH key framing (PROTOCOL.key, RFC 4253 §6.6, RFC 5656, RFC 8709): the one-line public key
 * (`ssh-ed25519 AAAA… comment`, `ecdsa-sha2-nistp256|384|521`, `ssh-rsa`) and the
 * `-----BEGIN OPENSSH PRIVATE KEY-----` file, unencrypted (cipher/kdf "none") or as ssh-keygen
 * protects it (kdf "bcrypt", 16 rounds by default, cipher "aes256-ctr"). node:crypto KeyObjects in
 * and out. Errors as documented in ./keyFormats.ts (MALFORMED_KEY, UNSUPPORTED_KEY,
 * PASSPHRASE_REQUIRED, WRONG_PASSPHRASE, ABORTED).
 *
 * THE AGREED INTERFACE (implementation: the OpenSSH helper).
 */
import type { KeyObject } from 'node:crypto';

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

/** Whether `text` (trimmed) looks like an OpenSSH public line of a type read here or not. */
export function looksLikeOpenSshPublicKey(text: string): boolean {
  void text;
  throw new Error('not implemented');
}

/** Reads `type base64 [comment]` (one line; surrounding whitespace allowed). */
export function parseOpenSshPublicKey(line: string): OpenSshPublic {
  void line;
  throw new Error('not implemented');
}

/** Reads a BEGIN OPENSSH PRIVATE KEY block (the first one in `text`). */
export async function parseOpenSshPrivateKey(
  text: string,
  options?: { passphrase?: string; signal?: AbortSignal },
): Promise<OpenSshPrivate> {
  void text;
  void options;
  throw new Error('not implemented');
}

/** `type base64 comment\n` (no comment: `type base64\n`). Public half of a private key too. */
export function openSshPublicKey(key: KeyObject, comment?: string): string {
  void key;
  void comment;
  throw new Error('not implemented');
}

/** A private key as ssh-keygen writes it (70-column base64, trailing newline). */
export async function openSshPrivateKey(
  key: KeyObject,
  options?: { comment?: string; passphrase?: string; rounds?: number; signal?: AbortSignal },
): Promise<string> {
  void key;
  void options;
  throw new Error('not implemented');
}

/** The SSH wire encoding of the public key (what `SHA256:` fingerprints hash). */
export function sshPublicKeyBlob(key: KeyObject): Buffer {
  void key;
  throw new Error('not implemented');
}

/**
 * OpenBSD bcrypt_pbkdf, on node:crypto SHA-512 and bcrypt-pbkdf's bcrypt_hash, yielding to the
 * event loop between rounds; an aborted signal stops it with ABORTED.
 */
export async function bcryptPbkdf(
  passphrase: Uint8Array,
  salt: Uint8Array,
  rounds: number,
  keyLength: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  void passphrase;
  void salt;
  void rounds;
  void keyLength;
  void signal;
  throw new Error('not implemented');
}
