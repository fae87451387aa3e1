/**
 * Realistic text for the envelope benchmark: prose and config-like lines, mostly ASCII with a
 * sprinkle of multi-byte characters (2-, 3- and 4-byte UTF-8), deterministic so every run encrypts
 * the same text. The PRNG is xorshift32: the text has to be repeatable, not secret.
 */

const ASCII_WORDS = [
  'the',
  'key',
  'value',
  'envelope',
  'encrypt',
  'decrypt',
  'config',
  'secret',
  'token',
  'user',
  'id',
  'data',
  'request',
  'response',
  'error',
  'return',
  'function',
  'const',
  'import',
  'export',
  'string',
  'number',
  'true',
  'false',
  'null',
  'server',
  'client',
  'port',
  '8080',
  'https://example.com/api',
  'password',
  'salt',
  'iv',
  'tag',
  'a',
  'of',
  'to',
  'and',
  'in',
  'is',
  'for',
  'with',
  'on',
  'that',
  '{',
  '}',
  '=',
  ':',
  '//',
  '"name":',
  '"enabled":',
  '42',
  '3.14',
  'TODO',
  'README.md',
  'src/core',
];
const MULTIBYTE_WORDS = [
  'café',
  'naïve',
  'Straße',
  'über',
  'déjà',
  'señor',
  '—',
  '“quoted”',
  '€42',
  '±0.5',
  '→',
  '日本語',
  '中文',
  'Привет',
  'Ελληνικά',
  'עברית',
  '✓',
  '🔑',
  '🚀',
  '👍🏽',
];

function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

/** About `bytes` bytes of UTF-8 (exactly `bytes`: the end is padded with ASCII). */
export function realisticText(bytes: number, seed = 0x5eed): string {
  const random = xorshift32(seed);
  const blocks: string[] = [];
  let total = 0;
  // Built in blocks of about 256 KiB so the word arrays stay small.
  while (total < bytes) {
    const words: string[] = [];
    let blockBytes = 0;
    const blockTarget = Math.min(256 * 1024, bytes - total);
    while (blockBytes < blockTarget) {
      // About 3 % of the words are multi-byte: roughly one non-ASCII character per 200 bytes.
      const multi = random() < 0.03;
      const list = multi ? MULTIBYTE_WORDS : ASCII_WORDS;
      const word = list[Math.floor(random() * list.length)]!;
      const sep = random() < 0.08 ? '\n' : ' ';
      const piece = word + sep;
      const pieceBytes = Buffer.byteLength(piece);
      if (blockBytes + pieceBytes > blockTarget) break;
      words.push(piece);
      blockBytes += pieceBytes;
    }
    blocks.push(words.join('') + 'x'.repeat(blockTarget - blockBytes));
    total += blockTarget;
  }
  // join() gives one flat string, as text read from an editor document would be.
  return blocks.join('');
}

/** Share of the UTF-8 bytes that are ASCII, for the table's header. */
export function asciiShare(text: string): number {
  let ascii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x80) ascii++;
  return ascii / Buffer.byteLength(text);
}
