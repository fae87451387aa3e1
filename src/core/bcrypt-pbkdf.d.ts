/** The part of bcrypt-pbkdf (a 1:1 port of OpenBSD's bcrypt_pbkdf.c, no types package) used here. */
declare module 'bcrypt-pbkdf' {
  /** OpenBSD's bcrypt_hash: 64-byte SHA-512 digests of the passphrase and salt in, 32 bytes out. */
  export function hash(sha2pass: Uint8Array, sha2salt: Uint8Array, out: Uint8Array): void;
  /** The whole KDF in one blocking call; 0 on success, -1 on bad arguments. */
  export function pbkdf(
    pass: Uint8Array,
    passlen: number,
    salt: Uint8Array,
    saltlen: number,
    key: Uint8Array,
    keylen: number,
    rounds: number,
  ): number;
}
