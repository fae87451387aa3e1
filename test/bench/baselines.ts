/**
 * What the core is compared against.
 *
 * (a) "plain": the code anyone would write first on node:crypto — encode the whole text, ONE
 *     update() over it, base64, JSON.stringify; and back with JSON.parse.
 * (b) "floor": only the parts nobody can avoid, each timed alone at its best speed (several ways of
 *     doing each part are timed and the fastest counts). Their sum is what the core can at best
 *     approach: it has to do all of them plus its checks.
 */
import { Buffer, isUtf8, transcode } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeBase64Strict } from '../../src/core/encoding';
import type { Job } from './harness';

export function plainEncrypt(text: string, keyHex: string): string {
  const key = Buffer.from(keyHex, 'hex');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(text, 'utf8')), cipher.final()]);
  return JSON.stringify({
    v: 1,
    algorithm: 'AES-256-GCM',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  });
}

export function plainDecrypt(envelopeText: string, keyHex: string): string {
  const envelope = JSON.parse(envelopeText) as { iv: string; tag: string; ciphertext: string };
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(keyHex, 'hex'),
    Buffer.from(envelope.iv, 'base64'),
  );
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const plaintext = Buffer.concat([
    decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
    decipher.final(),
  ]);
  return plaintext.toString('utf8');
}

export const PIECE_SIZES = [64 * 1024, 128 * 1024, 256 * 1024];

function aesPieces(key: Buffer, iv: Buffer, input: Buffer, piece: number, tag?: Buffer) {
  const c = tag
    ? createDecipheriv('aes-256-gcm', key, iv).setAuthTag(tag)
    : createCipheriv('aes-256-gcm', key, iv);
  let last: Buffer | undefined;
  for (let offset = 0; offset < input.length; offset += piece)
    last = c.update(input.subarray(offset, offset + piece));
  c.final();
  return last;
}

export interface FloorParts {
  /** Part name → the ways of doing it (the fastest counts). */
  parts: Record<string, Record<string, Job>>;
  /** The core's strictness checks alone (not in the floor), to show what they cost. */
  checks: Record<string, Job>;
}

/** Encrypt: UTF-8 encode, AES-GCM in pieces, base64. */
export function encryptFloor(text: string, key: Buffer): FloorParts {
  const iv = randomBytes(12);
  const plaintext = Buffer.from(text, 'utf8');
  const ciphertext = Buffer.from(plaintext); // AES-GCM is a stream cipher: same length
  const chars = 64 * 1024;
  const reused = Buffer.allocUnsafe(3 * chars);
  const parts: FloorParts['parts'] = {
    'UTF-8 encode': {
      'Buffer.from(text)': () => Buffer.from(text, 'utf8'),
      'TextEncoder.encode': () => new TextEncoder().encode(text),
      // Encoding 64 Ki characters at a time into one reused buffer touches no new memory.
      'write 64Ki chars into a reused buffer': () => {
        let n = 0;
        for (let i = 0; i < text.length; i += chars) n += reused.write(text.slice(i, i + chars));
        return n;
      },
    },
    'AES-GCM': Object.fromEntries(
      PIECE_SIZES.map((p) => [`update() in ${p / 1024} KiB pieces`, () => aesPieces(key, iv, plaintext, p)]),
    ),
    base64: {
      'toString(base64)': () => ciphertext.toString('base64'),
      'per 192 KiB piece, concatenated': () => {
        let out = '';
        for (let o = 0; o < ciphertext.length; o += 192 * 1024)
          out += ciphertext.toString('base64', o, o + 192 * 1024);
        return out;
      },
    },
  };
  return { parts, checks: {} };
}

/** Decrypt: base64 decode, AES-GCM in pieces (tag checked), UTF-8 decode. */
export function decryptFloor(text: string, key: Buffer): FloorParts {
  const iv = randomBytes(12);
  const plaintext = Buffer.from(text, 'utf8');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  // A flat string, as JSON.parse would hand it over.
  const base64 = JSON.parse(JSON.stringify(ciphertext.toString('base64'))) as string;
  const reused = Buffer.allocUnsafe(ciphertext.length);
  const parts: FloorParts['parts'] = {
    'base64 decode': {
      'Buffer.from(base64)': () => Buffer.from(base64, 'base64'),
      'write into a reused buffer': () => reused.write(base64, 'base64'),
    },
    'AES-GCM': Object.fromEntries(
      PIECE_SIZES.map((p) => [
        `update() in ${p / 1024} KiB pieces`,
        () => aesPieces(key, iv, ciphertext, p, tag),
      ]),
    ),
    'UTF-8 decode': {
      'toString(utf8)': () => plaintext.toString('utf8'),
      TextDecoder: () => new TextDecoder().decode(plaintext),
      'transcode to UTF-16 + toString': () => transcode(plaintext, 'utf8', 'utf16le').toString('utf16le'),
    },
  };
  const checks: FloorParts['checks'] = {
    // The core's strict decoder, decode included (compare with the floor's plain decode).
    'strict base64 decode (decodeBase64Strict)': () => decodeBase64Strict(base64, 'ciphertext'),
    'isUtf8 (strict UTF-8)': () => isUtf8(plaintext),
  };
  return { parts, checks };
}
