/**
 * The speed goal for envelopes in files: a 5 MiB file with 5,000 envelopes, finding them
 * all (what the CodeLens and the diagnostics need) ≤ 2× a plain regular-expression scan of the same
 * text, /\{"v":1[^}]*\}/g, measured in the same run, interleaved.
 *
 * Two texts, both 5 MiB with 5,000 envelopes: "config" is YAML-like (a line of ~45 characters, some
 * with braces, ~22 lines per envelope, secrets of 8 to 400 bytes, key with kid and password mode);
 * "envelope-heavy" is mostly envelopes (plaintexts of ~400 to 1,000 bytes, one per ~1,100 characters).
 * Reported beside each: finding them and reading every `line` too (lines are counted on demand).
 */
import { strict as assert } from 'node:assert';
import { encrypt, findEnvelopes, serializeEnvelope } from '../../src/core';
import { ms, ratioRow, rows, timeGroup, x } from './harness';

const MiB = 1024 * 1024;
const KEY = '3d'.repeat(32);
const FILLER = [
  '  name: web-server',
  '  replicas: 3',
  '  image: registry.example.com/app:1.2.3',
  '# comment about the config {with braces}',
  '  env: production',
  '  port: 8080',
  '  labels: { app: web, tier: frontend }',
  '  description: "some text here for the config"',
];

async function configText(): Promise<string> {
  const envelopes: string[] = [];
  for (let i = 0; i < 50; i++) {
    envelopes.push(
      serializeEnvelope(await encrypt({ plaintext: 's'.repeat(8 + i * 8), key: KEY, kid: 'prod-config' })),
    );
    envelopes.push(
      serializeEnvelope(
        await encrypt({ plaintext: 'p'.repeat(8 + i * 8), password: 'bench', iterations: 1000 }),
      ),
    );
  }
  const per = (5 * MiB) / 5000;
  const parts: string[] = [];
  let k = 0;
  for (let e = 0; e < 5000; e++) {
    const line = `  SECRET_${e}: '${envelopes[e % envelopes.length]}'\n`;
    let chunk = '';
    while (chunk.length + line.length < per) chunk += `${FILLER[k++ % FILLER.length]}\n`;
    parts.push(chunk, line);
  }
  return parts.join('');
}

async function heavyText(): Promise<string> {
  const envelopes: string[] = [];
  for (let i = 0; i < 50; i++) {
    envelopes.push(serializeEnvelope(await encrypt({ plaintext: 'secret value '.repeat(30 + i), key: KEY })));
  }
  const parts: string[] = [];
  for (let i = 0; i < 5000; i++) {
    parts.push(
      `# some config line with words and = signs {not an envelope}\nname: value\n`.slice(
        0,
        200 + (i % 7) * 20,
      ),
    );
    parts.push(`SECRET_${i}=${envelopes[i % envelopes.length]}\n`);
  }
  let text = parts.join('');
  while (text.length < 5 * MiB) text += 'filler line of text\n';
  return text;
}

export async function findEnvelopesSection(rounds: number, log: (message: string) => void): Promise<void> {
  for (const [name, text] of [
    ['config', await configText()],
    ['envelope-heavy', await heavyText()],
  ] as const) {
    const found = findEnvelopes(text);
    assert.equal(found.length, 5000);
    assert.ok(found.every((f) => f.envelope && !f.error));
    const share = found.reduce((sum, f) => sum + f.end - f.start, 0) / text.length;
    log(
      `findEnvelopes, ${name}: ${(text.length / MiB).toFixed(2)} Mi characters, ${text.split('\n').length.toLocaleString('en')} lines, envelopes ${(100 * share).toFixed(0)} % of the text`,
    );
    const t = await timeGroup(
      {
        regex: () => {
          let n = 0;
          const scan = /\{"v":1[^}]*\}/g;
          while (scan.exec(text)) n++;
          return n;
        },
        findEnvelopes: () => findEnvelopes(text).length,
        'findEnvelopes + every line': () => {
          let sum = 0;
          for (const f of findEnvelopes(text)) sum += f.line;
          return sum;
        },
      },
      { rounds, warmup: 2 },
    );
    const ratio = t.findEnvelopes! / t.regex!;
    ratioRow(
      `findEnvelopes, 5 MiB, 5,000 envelopes (${name})`,
      ms(t.findEnvelopes!),
      `regex /\\{"v":1[^}]*\\}/g ${ms(t.regex!)}`,
      [{ label: '', value: ratio, limit: 2 }],
    );
    rows.push({
      row: `findEnvelopes and reading every line (${name})`,
      measured: ms(t['findEnvelopes + every line']!),
      baseline: `regex ${ms(t.regex!)}`,
      ratio: x(t['findEnvelopes + every line']! / t.regex!),
      goal: 'report only',
      result: 'info',
    });
  }
}
