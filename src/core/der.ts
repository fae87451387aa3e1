/**
 * Just enough DER (X.690) to name the algorithm of a key before node:crypto parses it: OpenSSL 3
 * answers "DECODER routines::unsupported" both for a damaged key and for a key type it has no
 * decoder for, so the difference between MALFORMED_KEY and UNSUPPORTED_KEY is read here from the
 * AlgorithmIdentifier (SPKI, PKCS#8) or the SEC1 curve parameters. Nothing here is secret-bearing
 * beyond reading lengths and tags; no values are copied out except object identifiers.
 */

export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the last content byte. */
  end: number;
}

/** The TLV at `offset`, or undefined when its header or length runs past `limit`. */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Indefinite lengths (0x80) are BER, not DER; more than 4 length bytes is no key of ours.
    if (count === 0 || count > 4 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

/** Whether `der` is exactly one SEQUENCE (nothing missing, nothing after it). */
export function isOneSequence(der: Uint8Array): boolean {
  const outer = readTlv(der, 0);
  return outer !== undefined && outer.tag === 0x30 && outer.end === der.length;
}

/** Dotted form of an OBJECT IDENTIFIER's content bytes. */
export function oidText(content: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

/** The algorithm OID and, when it is an OID, the parameters (an EC key's curve). */
export interface AlgorithmId {
  algorithm: string;
  /** The parameters' OID; undefined when absent or NULL; 'explicit' for any other value. */
  parameters: string | undefined;
}

function algorithmIdAt(der: Uint8Array, tlv: Tlv | undefined): AlgorithmId | undefined {
  if (tlv?.tag !== 0x30) return undefined;
  const oid = readTlv(der, tlv.start, tlv.end);
  if (oid?.tag !== 0x06) return undefined;
  const algorithm = oidText(der.subarray(oid.start, oid.end));
  const params = readTlv(der, oid.end, tlv.end);
  if (params === undefined || params.tag === 0x05) return { algorithm, parameters: undefined };
  if (params.tag === 0x06) return { algorithm, parameters: oidText(der.subarray(params.start, params.end)) };
  return { algorithm, parameters: 'explicit' };
}

/** SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }. */
export function spkiAlgorithm(der: Uint8Array): AlgorithmId | undefined {
  const outer = readTlv(der, 0);
  if (outer?.tag !== 0x30) return undefined;
  return algorithmIdAt(der, readTlv(der, outer.start, outer.end));
}

/** PrivateKeyInfo ::= SEQUENCE { INTEGER version, AlgorithmIdentifier, OCTET STRING, ... }. */
export function pkcs8Algorithm(der: Uint8Array): AlgorithmId | undefined {
  const outer = readTlv(der, 0);
  if (outer?.tag !== 0x30) return undefined;
  const version = readTlv(der, outer.start, outer.end);
  if (version?.tag !== 0x02) return undefined;
  return algorithmIdAt(der, readTlv(der, version.end, outer.end));
}

/**
 * ECPrivateKey (SEC1) ::= SEQUENCE { INTEGER 1, OCTET STRING, [0] parameters OPTIONAL, [1] ... }:
 * the curve OID, 'explicit' for explicit parameters, undefined when absent or unreadable.
 */
export function sec1Curve(der: Uint8Array): string | undefined {
  const outer = readTlv(der, 0);
  if (outer?.tag !== 0x30) return undefined;
  const version = readTlv(der, outer.start, outer.end);
  const secret = version && readTlv(der, version.end, outer.end);
  const tagged = secret && readTlv(der, secret.end, outer.end);
  if (tagged?.tag !== 0xa0) return undefined;
  const params = readTlv(der, tagged.start, tagged.end);
  if (params?.tag === 0x06) return oidText(der.subarray(params.start, params.end));
  return params ? 'explicit' : undefined;
}
