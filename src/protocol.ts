/**
 * The one place where the messages between the extension host and the sidebar's webviews are typed
 * (one webview view per operation: Generate Key, Key Pair, Encrypt, Decrypt; one bundle for all).
 * Both sides import this file, so it imports nothing at run time: no 'vscode', no node modules
 * (the webview bundle runs in a browser). It holds types and the pure validators that each side
 * runs on every message it receives — anything that does not fit is ignored, never half-trusted.
 * It is longer than the other files on purpose: the contract between two bundles is one file, so
 * that each message, reply error code and shared id is defined exactly once.
 *
 * The conversation:
 *   webview → host   `ready` once its script runs (again after the view was hidden and shown);
 *   host → webview   `init` with the stored keys' names, the settings' defaults and the UI strings;
 *   webview → host   requests, each with a `requestId`;
 *   host → webview   for each request one `result` or one `error` with the same `requestId`;
 *   host → webview   `keyNames` / `defaults` whenever the key store or the settings change;
 *   host → webview   `runAction` when a button of the view's title bar is pressed: the page does
 *                    what its own button of that name does.
 *
 * Which form a page shows is written into its HTML by the host (`data-operation` on #app).
 *
 * Secrets: the host never sends a stored key. A password or hex key typed in the webview travels
 * in the one request that uses it; the host does not keep it, and the webview clears its field
 * when the reply comes.
 */

// ---------------------------------------------------------------------------------------------
// Shared vocabulary (mirrors src/core; the host checks at compile time that the two agree)

export const KEY_TYPES = ['api-key', 'uuid-v4', 'nanoid', 'secret'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];
export const EC_CURVES = ['P-256', 'P-384', 'P-521'] as const;
export type EcCurve = (typeof EC_CURVES)[number];
export const KEY_PAIR_ALGORITHMS = ['RSA', 'EC', 'Ed25519'] as const;
export type KeyPairAlgorithm = (typeof KEY_PAIR_ALGORITHMS)[number];
/** How a pair is written: pem (PKCS#1/SEC1; Ed25519 PKCS#8), pkcs8, openssh, jwk. */
export const KEY_PAIR_FORMATS = ['pem', 'pkcs8', 'openssh', 'jwk'] as const;
export type KeyPairFormat = (typeof KEY_PAIR_FORMATS)[number];

/** What generate-key takes; an option left out means "the setting's value". */
export interface KeyOptions {
  type: KeyType;
  prefix?: string;
  length?: number;
  alphabet?: string;
}

/** What unlocks (or locks) an envelope: a stored key by name, a typed 64-hex key, or a password. */
export type KeySource =
  { kind: 'stored'; name: string } | { kind: 'key'; key: string } | { kind: 'password'; password: string };
export type KeySourceKind = KeySource['kind'];
export const KEY_SOURCE_KINDS: readonly KeySourceKind[] = ['stored', 'key', 'password'];

export interface KeyPairOptions {
  algorithm: KeyPairAlgorithm;
  /** RSA only; default: the setting. */
  keySize?: RsaKeySize;
  /** EC only; default: the setting. */
  curve?: EcCurve;
  /** Default `id_rsa` / `id_ec`. */
  name?: string;
  /** Default: the setting keysmith.keyPair.folder. */
  folder?: string;
  pkcs8?: boolean;
  /** Default: pem (pkcs8 when the setting or `pkcs8` says so). */
  format?: KeyPairFormat;
  /**
   * Protects the private key (pem/pkcs8: encrypted PKCS#8; openssh: bcrypt + aes256-ctr); not for
   * jwk. Travels in the one request; the webview clears its fields when the reply comes.
   */
  passphrase?: string;
  /** The OpenSSH comment (openssh only). */
  comment?: string;
  /** Replace existing files (the webview asks first). */
  overwrite?: boolean;
}

/** The settings the forms show as defaults (never anything secret). */
export interface Defaults {
  apiKeyPrefix: string;
  nanoidLength: number;
  /** Empty means nanoid's URL-safe alphabet. */
  nanoidAlphabet: string;
  secretLength: number;
  keyPairFolder: string;
  rsaKeySize: RsaKeySize;
  curve: EcCurve;
  pkcs8: boolean;
}

/** Text the webview shows by itself (rendered by the host so it goes through vscode.l10n). */
export const WEBVIEW_STRING_KEYS = [
  'bitsOfEntropy',
  'reveal',
  'hide',
  'masked',
  'working',
  'generatingPair',
  'derivingKey',
  'passwordsDiffer',
  'needPassword',
  'needKey',
  'needPlaintext',
  'needEnvelope',
  'noStoredKeys',
  'replace',
] as const;
export type WebviewStrings = Record<(typeof WEBVIEW_STRING_KEYS)[number], string>;

// ---------------------------------------------------------------------------------------------
// The views: one webview view per operation, `keysmith.<operation>` in the Keysmith container.

export const OPERATIONS = ['generateKey', 'keyPair', 'encrypt', 'decrypt'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The actions of each view's title bar: each is also a button of its page (ACTION_BUTTONS). */
export const VIEW_ACTIONS = {
  generateKey: ['regenerate', 'insert', 'copy'],
  keyPair: ['save'],
  encrypt: ['encryptSelection'],
  decrypt: ['decryptSelection'],
} as const satisfies Record<Operation, readonly string[]>;
export type ViewAction = (typeof VIEW_ACTIONS)[Operation][number];
const ALL_VIEW_ACTIONS: readonly ViewAction[] = Object.values(VIEW_ACTIONS).flat();

// ---------------------------------------------------------------------------------------------
// Webview → host

export interface ReadyMessage {
  type: 'ready';
}

export interface GenerateKeyRequest {
  type: 'generateKey';
  requestId: number;
  options: KeyOptions;
}

/** Inserts `key` at the primary cursor and a fresh key of the same options at every other one. */
export interface InsertKeyRequest {
  type: 'insertKey';
  requestId: number;
  key: string;
  options: KeyOptions;
}

/** Inserts `text` (an envelope) at every cursor. */
export interface InsertTextRequest {
  type: 'insertText';
  requestId: number;
  text: string;
}

export interface CopyRequest {
  type: 'copy';
  requestId: number;
  text: string;
}

export interface GenerateKeyPairRequest {
  type: 'generateKeyPair';
  requestId: number;
  options: KeyPairOptions;
}

export interface EncryptSelectionRequest {
  type: 'encryptSelection';
  requestId: number;
  source: KeySource;
}

export interface EncryptTextRequest {
  type: 'encryptText';
  requestId: number;
  plaintext: string;
  source: KeySource;
}

export interface DecryptSelectionRequest {
  type: 'decryptSelection';
  requestId: number;
  source: KeySource;
}

export interface DecryptTextRequest {
  type: 'decryptText';
  requestId: number;
  envelope: string;
  source: KeySource;
}

export type RequestMessage =
  | GenerateKeyRequest
  | InsertKeyRequest
  | InsertTextRequest
  | CopyRequest
  | GenerateKeyPairRequest
  | EncryptSelectionRequest
  | EncryptTextRequest
  | DecryptSelectionRequest
  | DecryptTextRequest;
export type RequestType = RequestMessage['type'];
export type FromWebviewMessage = ReadyMessage | RequestMessage;

/** The requests each view's page sends; a view's host ignores any other (that page has no such form). */
export const OPERATION_REQUESTS = {
  generateKey: ['generateKey', 'insertKey', 'copy'],
  keyPair: ['generateKeyPair', 'copy'],
  encrypt: ['encryptSelection', 'encryptText', 'insertText', 'copy'],
  decrypt: ['decryptSelection', 'decryptText', 'copy'],
} as const satisfies Record<Operation, readonly RequestType[]>;

// ---------------------------------------------------------------------------------------------
// Host → webview

/** What each request answers when it succeeds. `message` is a short status for the panel. */
export interface Results {
  /** The reference API's generate-key response. */
  generateKey: { key: string; type: KeyType; entropy_bits: number };
  insertKey: { cursors: number; message: string };
  insertText: { cursors: number; message: string };
  copy: { message: string };
  /** Workspace-relative paths and the public key (the private key stays in its file). */
  generateKeyPair: { privateFile: string; publicFile: string; publicKey: string; message: string };
  encryptSelection: { count: number; message: string };
  encryptText: { envelope: string };
  decryptSelection: { message: string };
  decryptText: { plaintext: string; warnings: string[] };
}

/**
 * Every code an error reply can carry: the core's (src/core/errors.ts), the editor layer's
 * (src/editor/errors.ts; the host's types check that each of both is listed here), and INTERNAL
 * for anything else — a bug, said by its first line.
 */
export const REPLY_ERROR_CODES = [
  // the core's
  'INVALID_ARGUMENT',
  'INVALID_TYPE',
  'INVALID_LENGTH',
  'INVALID_PREFIX',
  'INVALID_ALPHABET',
  'INVALID_ALGORITHM',
  'INVALID_KEY_SIZE',
  'INVALID_CURVE',
  'KEY_OR_PASSWORD',
  'INVALID_KEY',
  'INVALID_PASSWORD',
  'INVALID_ITERATIONS',
  'INVALID_KID',
  'INVALID_PLAINTEXT',
  'PLAINTEXT_TOO_LARGE',
  'ENVELOPE_TOO_LARGE',
  'MALFORMED_ENVELOPE',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_ALGORITHM',
  'DECRYPT_FAILED',
  'NOT_TEXT',
  'CANNOT_PLACE',
  'MALFORMED_KEY',
  'UNSUPPORTED_KEY',
  'PASSPHRASE_REQUIRED',
  'WRONG_PASSPHRASE',
  'ABORTED',
  // the editor layer's (those not already above)
  'NO_EDITOR',
  'NO_SELECTION',
  'NO_ENVELOPE',
  'DOCUMENT_CHANGED',
  'READ_ONLY',
  'INVALID_NAME',
  'UNKNOWN_KEY',
  'KEY_EXISTS',
  'NO_WORKSPACE',
  'NOT_LOCAL',
  'OUTSIDE_WORKSPACE',
  'FILE_EXISTS',
  'WRITE_FAILED',
  'CANCELLED',
  // anything else
  'INTERNAL',
] as const;
export type ReplyErrorCode = (typeof REPLY_ERROR_CODES)[number];

/** `field` names the form field the error is about, as the core's KeysmithError does. */
export interface ReplyError {
  code: ReplyErrorCode;
  message: string;
  field?: string;
}

export interface InitMessage {
  type: 'init';
  keyNames: string[];
  defaults: Defaults;
  strings: WebviewStrings;
}

export interface KeyNamesMessage {
  type: 'keyNames';
  keyNames: string[];
}

export interface DefaultsMessage {
  type: 'defaults';
  defaults: Defaults;
}

export type ResultMessage = {
  [K in RequestType]: { type: 'result'; requestId: number; request: K; result: Results[K] };
}[RequestType];

export interface ErrorMessage {
  type: 'error';
  requestId: number;
  request: RequestType;
  error: ReplyError;
}

export type ReplyMessage = ResultMessage | ErrorMessage;

/** A title-bar button of the view was pressed: do what the page's button of that action does. */
export interface RunActionMessage {
  type: 'runAction';
  action: ViewAction;
}

export type ToWebviewMessage =
  InitMessage | KeyNamesMessage | DefaultsMessage | ReplyMessage | RunActionMessage;

// ---------------------------------------------------------------------------------------------
// Validators: one per direction. Each returns a fresh object holding only the known fields (so
// nothing unexpected rides along), or undefined for anything malformed.

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isRequestId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const oneOf = <T>(allowed: readonly T[], value: unknown): value is T => allowed.includes(value as T);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const TO_WEBVIEW_TYPES: readonly ToWebviewMessage['type'][] = [
  'init',
  'keyNames',
  'defaults',
  'result',
  'error',
  'runAction',
];
const REQUEST_TYPES: readonly RequestType[] = [
  'generateKey',
  'insertKey',
  'insertText',
  'copy',
  'generateKeyPair',
  'encryptSelection',
  'encryptText',
  'decryptSelection',
  'decryptText',
];

/** An optional field: absent or undefined is fine, otherwise it must pass `check`. */
function optional<T>(value: unknown, check: (value: unknown) => value is T): value is T | undefined {
  return value === undefined || check(value);
}

function parseKeyOptions(value: unknown): KeyOptions | undefined {
  if (!isObject(value) || !oneOf(KEY_TYPES, value.type)) return undefined;
  const { type, prefix, length, alphabet } = value;
  // Ranges and patterns are the core's to check: it answers with an error naming the field.
  if (!optional(prefix, isString) || !optional(length, isFiniteNumber) || !optional(alphabet, isString)) {
    return undefined;
  }
  return {
    type,
    ...(prefix !== undefined && { prefix }),
    ...(length !== undefined && { length }),
    ...(alphabet !== undefined && { alphabet }),
  };
}

function parseKeySource(value: unknown): KeySource | undefined {
  if (!isObject(value)) return undefined;
  switch (value.kind) {
    case 'stored':
      return isString(value.name) ? { kind: 'stored', name: value.name } : undefined;
    case 'key':
      return isString(value.key) ? { kind: 'key', key: value.key } : undefined;
    case 'password':
      return isString(value.password) ? { kind: 'password', password: value.password } : undefined;
    default:
      return undefined;
  }
}

function parseKeyPairOptions(value: unknown): KeyPairOptions | undefined {
  if (!isObject(value)) return undefined;
  const { algorithm, keySize, curve, name, folder, pkcs8, format, passphrase, comment, overwrite } = value;
  if (!oneOf(KEY_PAIR_ALGORITHMS, algorithm)) return undefined;
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  const isKeySize = (v: unknown): v is RsaKeySize => oneOf(RSA_KEY_SIZES, v);
  const isCurve = (v: unknown): v is EcCurve => oneOf(EC_CURVES, v);
  const isFormat = (v: unknown): v is KeyPairFormat => oneOf(KEY_PAIR_FORMATS, v);
  const isPassphrase = (v: unknown): v is string => isString(v) && v.length > 0;
  // A comment is one line: no control characters (it ends up after the key on a public-key line).
  const isComment = (v: unknown): v is string => isString(v) && !/\p{Cc}/u.test(v);
  if (
    !optional(keySize, isKeySize) ||
    !optional(curve, isCurve) ||
    (algorithm !== 'RSA' && keySize !== undefined) ||
    (algorithm !== 'EC' && curve !== undefined) ||
    !optional(name, isString) ||
    !optional(folder, isString) ||
    !optional(pkcs8, isBoolean) ||
    !optional(format, isFormat) ||
    !optional(passphrase, isPassphrase) ||
    !optional(comment, isComment) ||
    (format === 'jwk' && passphrase !== undefined) ||
    (comment !== undefined && format !== 'openssh') ||
    (pkcs8 === true && format !== undefined && format !== 'pkcs8') ||
    !optional(overwrite, isBoolean)
  ) {
    return undefined;
  }
  return {
    algorithm,
    ...(keySize !== undefined && { keySize }),
    ...(curve !== undefined && { curve }),
    ...(name !== undefined && { name }),
    ...(folder !== undefined && { folder }),
    ...(pkcs8 !== undefined && { pkcs8 }),
    ...(format !== undefined && { format }),
    ...(passphrase !== undefined && { passphrase }),
    ...(comment !== undefined && { comment }),
    ...(overwrite !== undefined && { overwrite }),
  };
}

/** The host's validator: a message as the webview may send it, or undefined to ignore it. */
export function parseFromWebview(data: unknown): FromWebviewMessage | undefined {
  if (!isObject(data) || !isString(data.type)) return undefined;
  const type = data.type;
  if (type === 'ready') return { type };
  if (!oneOf(REQUEST_TYPES, type) || !isRequestId(data.requestId)) return undefined;
  const requestId = data.requestId;
  switch (type) {
    case 'generateKey': {
      const options = parseKeyOptions(data.options);
      return options && { type, requestId, options };
    }
    case 'insertKey': {
      const options = parseKeyOptions(data.options);
      return options && isString(data.key) && data.key.length > 0
        ? { type, requestId, key: data.key, options }
        : undefined;
    }
    case 'insertText':
    case 'copy':
      return isString(data.text) ? { type, requestId, text: data.text } : undefined;
    case 'generateKeyPair': {
      const options = parseKeyPairOptions(data.options);
      return options && { type, requestId, options };
    }
    case 'encryptSelection':
    case 'decryptSelection': {
      const source = parseKeySource(data.source);
      return source && { type, requestId, source };
    }
    case 'encryptText': {
      const source = parseKeySource(data.source);
      return source && isString(data.plaintext)
        ? { type, requestId, plaintext: data.plaintext, source }
        : undefined;
    }
    case 'decryptText': {
      const source = parseKeySource(data.source);
      return source && isString(data.envelope)
        ? { type, requestId, envelope: data.envelope, source }
        : undefined;
    }
    default:
      return assertNever(type);
  }
}

function parseDefaults(value: unknown): Defaults | undefined {
  if (!isObject(value)) return undefined;
  const d = value;
  if (
    !isString(d.apiKeyPrefix) ||
    !isFiniteNumber(d.nanoidLength) ||
    !isString(d.nanoidAlphabet) ||
    !isFiniteNumber(d.secretLength) ||
    !isString(d.keyPairFolder) ||
    !oneOf(RSA_KEY_SIZES, d.rsaKeySize) ||
    !oneOf(EC_CURVES, d.curve) ||
    typeof d.pkcs8 !== 'boolean'
  ) {
    return undefined;
  }
  return {
    apiKeyPrefix: d.apiKeyPrefix,
    nanoidLength: d.nanoidLength,
    nanoidAlphabet: d.nanoidAlphabet,
    secretLength: d.secretLength,
    keyPairFolder: d.keyPairFolder,
    rsaKeySize: d.rsaKeySize,
    curve: d.curve,
    pkcs8: d.pkcs8,
  };
}

function parseStrings(value: unknown): WebviewStrings | undefined {
  if (!isObject(value)) return undefined;
  const strings = {} as WebviewStrings;
  for (const key of WEBVIEW_STRING_KEYS) {
    const text = value[key];
    if (!isString(text)) return undefined;
    strings[key] = text;
  }
  return strings;
}

/** Checks a result's shape for the request it answers (the webview's half of the contract). */
function parseResult(request: RequestType, value: unknown): Results[RequestType] | undefined {
  if (!isObject(value)) return undefined;
  const v = value;
  switch (request) {
    case 'generateKey':
      return isString(v.key) && oneOf(KEY_TYPES, v.type) && isFiniteNumber(v.entropy_bits)
        ? { key: v.key, type: v.type, entropy_bits: v.entropy_bits }
        : undefined;
    case 'insertKey':
    case 'insertText':
      return isFiniteNumber(v.cursors) && isString(v.message)
        ? { cursors: v.cursors, message: v.message }
        : undefined;
    case 'copy':
    case 'decryptSelection':
      return isString(v.message) ? { message: v.message } : undefined;
    case 'generateKeyPair':
      return isString(v.privateFile) && isString(v.publicFile) && isString(v.publicKey) && isString(v.message)
        ? { privateFile: v.privateFile, publicFile: v.publicFile, publicKey: v.publicKey, message: v.message }
        : undefined;
    case 'encryptSelection':
      return isFiniteNumber(v.count) && isString(v.message)
        ? { count: v.count, message: v.message }
        : undefined;
    case 'encryptText':
      return isString(v.envelope) ? { envelope: v.envelope } : undefined;
    case 'decryptText':
      return isString(v.plaintext) && isStringArray(v.warnings)
        ? { plaintext: v.plaintext, warnings: v.warnings }
        : undefined;
    default:
      return assertNever(request);
  }
}

/** The webview's validator: a message as the host may send it, or undefined to ignore it. */
export function parseToWebview(data: unknown): ToWebviewMessage | undefined {
  if (!isObject(data) || !oneOf(TO_WEBVIEW_TYPES, data.type)) return undefined;
  const type = data.type;
  switch (type) {
    case 'init': {
      const defaults = parseDefaults(data.defaults);
      const strings = parseStrings(data.strings);
      return defaults && strings && isStringArray(data.keyNames)
        ? { type, keyNames: [...data.keyNames], defaults, strings }
        : undefined;
    }
    case 'keyNames':
      return isStringArray(data.keyNames) ? { type, keyNames: [...data.keyNames] } : undefined;
    case 'defaults': {
      const defaults = parseDefaults(data.defaults);
      return defaults && { type, defaults };
    }
    case 'result': {
      if (!isRequestId(data.requestId) || !oneOf(REQUEST_TYPES, data.request)) return undefined;
      const result = parseResult(data.request, data.result);
      // The pairing of `request` and `result` is what parseResult just checked.
      return result && ({ type, requestId: data.requestId, request: data.request, result } as ResultMessage);
    }
    case 'error': {
      if (!isRequestId(data.requestId) || !oneOf(REQUEST_TYPES, data.request)) return undefined;
      const error = data.error;
      if (!isObject(error) || !oneOf(REPLY_ERROR_CODES, error.code) || !isString(error.message)) {
        return undefined;
      }
      if (!optional(error.field, isString)) return undefined;
      return {
        type,
        requestId: data.requestId,
        request: data.request,
        error: {
          code: error.code,
          message: error.message,
          ...(error.field !== undefined && { field: error.field }),
        },
      };
    }
    case 'runAction':
      return oneOf(ALL_VIEW_ACTIONS, data.action) ? { type, action: data.action } : undefined;
    default:
      return assertNever(type);
  }
}

/**
 * The end of an exhaustive switch: adding a message type is a compile error until every switch
 * handles it. Only values the validators let through reach a switch, so this never runs.
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected message part: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// DOM ids of the views' pages: src/sidebar/html.ts writes them, src/webview reads them. Every
// id on a page is listed here (the UI tests check both ways), so a mistyped id is a compile
// error on either side. Each view's page holds `app` and the ids of its form, which all start
// with its prefix (OPERATION_ID_PREFIX). Two families follow a naming rule, and the types below
// check it:
//   `<control>-error`   the inline error under a field (FieldId: the controls that have one);
//   `<action>-progress` / `-status` / `-error`  the feedback under a row of buttons (FeedbackId).

export const DomId = {
  app: 'app',

  // Generate Key
  keyForm: 'key-form',
  keyType: 'key-type',
  keyTypeError: 'key-type-error',
  keyPrefix: 'key-prefix',
  keyPrefixError: 'key-prefix-error',
  keyLength: 'key-length',
  keyLengthError: 'key-length-error',
  keyAlphabet: 'key-alphabet',
  keyAlphabetHint: 'key-alphabet-hint',
  keyAlphabetError: 'key-alphabet-error',
  keyResult: 'key-result',
  keyValueLabel: 'key-value-label',
  keyValue: 'key-value',
  keyEntropy: 'key-entropy',
  keyInsert: 'key-insert',
  keyCopy: 'key-copy',
  keyRegenerate: 'key-regenerate',
  keyCopyJson: 'key-copy-json',
  keyProgress: 'key-progress',
  keyStatus: 'key-status',
  keyError: 'key-error',

  // Key Pair
  pairForm: 'pair-form',
  pairAlgorithm: 'pair-algorithm',
  pairAlgorithmError: 'pair-algorithm-error',
  pairSize: 'pair-size',
  pairSizeError: 'pair-size-error',
  pairCurve: 'pair-curve',
  pairCurveError: 'pair-curve-error',
  pairName: 'pair-name',
  pairNameError: 'pair-name-error',
  pairFolder: 'pair-folder',
  pairFolderError: 'pair-folder-error',
  pairFormat: 'pair-format',
  pairFormatError: 'pair-format-error',
  pairPassphrase: 'pair-passphrase',
  pairPassphraseError: 'pair-passphrase-error',
  pairConfirm: 'pair-confirm',
  pairConfirmError: 'pair-confirm-error',
  pairComment: 'pair-comment',
  pairCommentError: 'pair-comment-error',
  pairSave: 'pair-save',
  pairProgress: 'pair-progress',
  pairStatus: 'pair-status',
  pairError: 'pair-error',
  /** Added by the webview next to a "… already exists." error. */
  pairReplace: 'pair-replace',
  pairResult: 'pair-result',
  pairPublic: 'pair-public',
  pairCopyPublic: 'pair-copy-public',

  // Encrypt
  encForm: 'enc-form',
  encSource: 'enc-source',
  encSourceError: 'enc-source-error',
  encKeyName: 'enc-keyName',
  encKeyNameError: 'enc-keyName-error',
  encKey: 'enc-key',
  encKeyError: 'enc-key-error',
  encPassword: 'enc-password',
  encPasswordError: 'enc-password-error',
  encConfirm: 'enc-confirm',
  encConfirmError: 'enc-confirm-error',
  encSelection: 'enc-selection',
  encSelProgress: 'enc-sel-progress',
  encSelStatus: 'enc-sel-status',
  encSelError: 'enc-sel-error',
  encPlaintext: 'enc-plaintext',
  encPlaintextError: 'enc-plaintext-error',
  encText: 'enc-text',
  encTxtProgress: 'enc-txt-progress',
  encTxtStatus: 'enc-txt-status',
  encTxtError: 'enc-txt-error',
  encResult: 'enc-result',
  encEnvelope: 'enc-envelope',
  encInsert: 'enc-insert',
  encCopy: 'enc-copy',

  // Decrypt
  decForm: 'dec-form',
  decSource: 'dec-source',
  decSourceError: 'dec-source-error',
  decKeyName: 'dec-keyName',
  decKeyNameError: 'dec-keyName-error',
  decKey: 'dec-key',
  decKeyError: 'dec-key-error',
  decPassword: 'dec-password',
  decPasswordError: 'dec-password-error',
  decSelection: 'dec-selection',
  decSelProgress: 'dec-sel-progress',
  decSelStatus: 'dec-sel-status',
  decSelError: 'dec-sel-error',
  decEnvelope: 'dec-envelope',
  decEnvelopeError: 'dec-envelope-error',
  decText: 'dec-text',
  decTxtProgress: 'dec-txt-progress',
  decTxtStatus: 'dec-txt-status',
  decTxtError: 'dec-txt-error',
  decResult: 'dec-result',
  decPlaintextLabel: 'dec-plaintext-label',
  decPlaintext: 'dec-plaintext',
  decWarnings: 'dec-warnings',
  decReveal: 'dec-reveal',
  decCopy: 'dec-copy',
  decClear: 'dec-clear',
} as const;
export type DomId = (typeof DomId)[keyof typeof DomId];

/** A form control with an inline error under it (`<id>-error` is a DomId too). */
export type FieldId = { [K in DomId]: `${K}-error` extends DomId ? K : never }[DomId];

/** The id of the error line under a field. */
export function fieldErrorId(id: FieldId): DomId {
  return `${id}-error`;
}

/** The prefix of a feedback block: `<prefix>-progress`, `-status` and `-error` are all DomIds. */
export type FeedbackId = {
  [K in DomId]: K extends `${infer P}-progress`
    ? `${P}-status` | `${P}-error` extends DomId
      ? P
      : never
    : never;
}[DomId];

/** The three lines of a feedback block. */
export function feedbackIds(prefix: FeedbackId): { progress: DomId; status: DomId; error: DomId } {
  return { progress: `${prefix}-progress`, status: `${prefix}-status`, error: `${prefix}-error` };
}

/** The controls of one "Encrypt with" / "Decrypt with" group (Decrypt asks for no confirmation). */
export interface KeySourceIds {
  kind: FieldId;
  keyName: FieldId;
  key: FieldId;
  password: FieldId;
  confirm?: FieldId;
}

export const KEY_SOURCE_IDS = {
  enc: {
    kind: DomId.encSource,
    keyName: DomId.encKeyName,
    key: DomId.encKey,
    password: DomId.encPassword,
    confirm: DomId.encConfirm,
  },
  dec: { kind: DomId.decSource, keyName: DomId.decKeyName, key: DomId.decKey, password: DomId.decPassword },
} as const satisfies Record<'enc' | 'dec', KeySourceIds>;

/** Every id of a view's page but `app` starts with its operation's prefix. */
export const OPERATION_ID_PREFIX = {
  generateKey: 'key-',
  keyPair: 'pair-',
  encrypt: 'enc-',
  decrypt: 'dec-',
} as const satisfies Record<Operation, string>;

/** The page's button that each title-bar action presses (the same code path as a click). */
export const ACTION_BUTTONS = {
  regenerate: DomId.keyRegenerate,
  insert: DomId.keyInsert,
  copy: DomId.keyCopy,
  save: DomId.pairSave,
  encryptSelection: DomId.encSelection,
  decryptSelection: DomId.decSelection,
} as const satisfies Record<ViewAction, DomId>;
