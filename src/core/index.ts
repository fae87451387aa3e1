/**
 * The Keysmith core: the reference API's four operations on node:crypto, plus envelope v1.
 * No `vscode` import: the extension and the CLI both stand on this.
 */
export { generateKey, keyGenerator, KEY_TYPES, NANOID_URL_ALPHABET } from './generateKey';
export type { GenerateKeyOptions, GeneratedKey, KeyGenerator, KeyType } from './generateKey';
export { generateKeyPair, RSA_KEY_SIZES, EC_CURVES } from './generateKeyPair';
export type {
  GenerateKeyPairOptions,
  GeneratedKeyPair,
  KeyPairOutputOptions,
  RsaKeySize,
  EcCurve,
} from './generateKeyPair';
export { readKey, inspectKey, convertKey, fingerprintsOf, publicJwkOf } from './keyFormats';
export type {
  KeyAlgorithm,
  KeyPairFormat,
  KeyFormat,
  Fingerprints,
  Jwk,
  KeyInfo,
  ReadKeyOptions,
  ReadKey,
  ConvertKeyOptions,
} from './keyFormats';
export { encrypt, encryptBatch } from './encrypt';
export type { EncryptOptions, EncryptBatchOptions } from './encrypt';
export { decrypt, decryptBatch, decryptBytes, decryptBatchBytes } from './decrypt';
export type { DecryptOptions, DecryptBatchOptions, DecryptResult, DecryptBytesResult } from './decrypt';
export { parseEnvelope, serializeEnvelope, envelopeWarnings } from './envelope';
export { findEnvelopeAround } from './findEnvelope';
export type { Envelope } from './envelope';
export { KeysmithError, isKeysmithError, DECRYPT_FAILED_MESSAGE } from './errors';
export type { KeysmithErrorCode } from './errors';
export * as limits from './limits';
export {
  findEnvelopes,
  envelopeAt,
  formatForFileName,
  formatForLanguageId,
  plaintextChange,
  selectionForEncryption,
  envelopeChange,
  applyChanges,
  readDotenv,
  renderText,
  rekeyTexts,
} from './envelopesInText';
export type {
  EnvelopeForm,
  FoundEnvelope,
  TextFormat,
  TextChange,
  DotenvEntry,
  OpenSecret,
} from './envelopesInText';
