/**
 * `render` and `rekey` of 1,000 password envelopes sharing one salt (issue 11, "Speed": ≤ 1.2× one
 * derivation plus the AES work). The envelopes come from encryptBatch (one salt, 600,000
 * iterations), one per line of a `.env` text.
 *
 * Baselines, the least any implementation must do: raw `crypto.pbkdf2` at the same iterations
 * (once to open; once more when the new secret is a password) plus, per envelope, base64-decoding
 * its iv, tag and ciphertext and AES-256-GCM over it (and, for rekey, sealing it again under a
 * fresh IV and base64-encoding the result) — with the envelopes handed over already parsed, so
 * the baseline does none of the finding, checking and placing the core does.
 *
 * In-process rows time the core functions (renderText, rekeyTexts); the whole-process rows time
 * `node dist/cli.js render|rekey` against a `node -e` script doing the baseline's work on the
 * same file (read it, JSON.parse each line's envelope, derive, decrypt, write).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  encryptBatch,
  readDotenv,
  rekeyTexts,
  renderText,
  serializeEnvelope,
  type Envelope,
} from '../../src/core';
import { median, ms, ratioRow, timeGroup } from './harness';

const COUNT = 1000;
const ITERATIONS = 600_000;
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new password for the rotation';
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function pbkdf2Raw(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(Buffer.from(password.normalize('NFC'), 'utf8'), salt, ITERATIONS, 32, 'sha256', (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** AES-256-GCM open of one parsed envelope: base64 decoding and the cipher, nothing else. */
function open(key: Buffer, envelope: Envelope): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const data = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
  return data.toString('utf8');
}

/** AES-256-GCM seal under a fresh IV, base64 out. */
function seal(key: Buffer, plaintext: string): { iv: string; tag: string; ciphertext: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** The whole-process baseline: `node -e` doing the raw work on the file (argv: file, mode). */
const RAW_SCRIPT = String.raw`
const crypto = require('node:crypto'), fs = require('node:fs');
const [file, mode] = process.argv.slice(1);
const lines = fs.readFileSync(file, 'utf8').split('\n');
const envelopes = lines.filter(Boolean).map((line) => JSON.parse(line.slice(line.indexOf('=') + 1)));
const pw = (p) => Buffer.from(p.normalize('NFC'), 'utf8');
const first = envelopes[0];
const key = crypto.pbkdf2Sync(pw(process.env.P), Buffer.from(first.salt, 'base64'), first.iterations, 32, 'sha256');
const plain = envelopes.map((e) => {
  const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(e.iv, 'base64'));
  d.setAuthTag(Buffer.from(e.tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(e.ciphertext, 'base64')), d.final()]).toString('utf8');
});
if (mode === 'render') {
  fs.writeFileSync(1, plain.map((p, i) => 'V' + i + '=' + JSON.stringify(p)).join('\n') + '\n');
} else {
  const salt = crypto.randomBytes(16);
  const next = crypto.pbkdf2Sync(pw(process.env.Q), salt, first.iterations, 32, 'sha256');
  const out = plain.map((p, i) => {
    const iv = crypto.randomBytes(12), c = crypto.createCipheriv('aes-256-gcm', next, iv);
    const ct = Buffer.concat([c.update(p, 'utf8'), c.final()]);
    return 'V' + i + '=' + JSON.stringify({ v: 1, algorithm: 'AES-256-GCM', kdf: 'PBKDF2-SHA256', iterations: first.iterations,
      salt: salt.toString('base64'), iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ct.toString('base64') });
  });
  fs.writeFileSync(file + '.tmp', out.join('\n') + '\n');
  fs.renameSync(file + '.tmp', file);
}
`;

export async function renderRekeySection(rounds: number, log: (message: string) => void): Promise<void> {
  // Secrets as they are in .env files: tokens and URLs of 20–120 characters.
  const plaintexts = Array.from(
    { length: COUNT },
    (_, i) =>
      `postgres://user${i}:${randomBytes(8 + (i % 40)).toString('base64url')}@db-${i}.internal:5432/app`,
  );
  const envelopes = await encryptBatch({ plaintexts, password: PASSWORD, iterations: ITERATIONS });
  assert.equal(new Set(envelopes.map((e) => e.salt)).size, 1, 'encryptBatch: one salt');
  const text = `${envelopes.map((e, i) => `V${i}=${serializeEnvelope(e)}`).join('\n')}\n`;
  const salt = Buffer.from(envelopes[0]!.salt!, 'base64');
  const newKey = randomBytes(32).toString('hex');
  log(
    `render/rekey: ${COUNT} password envelopes, one salt, ${ITERATIONS.toLocaleString('en')} iterations, ${(text.length / 1024).toFixed(0)} KiB of .env`,
  );

  // Sanity: what render gives is what was sealed, read back as a .env file.
  const rendered = await renderText(text, 'dotenv', { password: PASSWORD });
  assert.deepEqual(
    readDotenv(rendered).map((entry) => entry.value),
    plaintexts,
    'render does not give back the plaintexts',
  );

  const openAll = async () => {
    const key = await pbkdf2Raw(PASSWORD, salt);
    return envelopes.map((e) => open(key, e));
  };
  const t = await timeGroup(
    {
      'core renderText': () => renderText(text, 'dotenv', { password: PASSWORD }),
      'core rekeyTexts → password': () =>
        rekeyTexts([{ text, format: 'dotenv' }], { password: PASSWORD }, { password: NEW_PASSWORD }),
      'core rekeyTexts → key': () =>
        rekeyTexts([{ text, format: 'dotenv' }], { password: PASSWORD }, { key: newKey }),
      'raw: 1 derivation + open': openAll,
      'raw: 2 derivations + open + seal': async () => {
        const plain = await openAll();
        const next = await pbkdf2Raw(NEW_PASSWORD, randomBytes(16));
        return plain.map((p) => seal(next, p));
      },
      'raw: 1 derivation + open + seal': async () => {
        const plain = await openAll();
        const next = Buffer.from(newKey, 'hex');
        return plain.map((p) => seal(next, p));
      },
    },
    { rounds, warmup: 1 },
  );
  for (const [name, value] of Object.entries(t)) log(`  ${name.padEnd(36)} ${ms(value)}`);
  const oneDerivation = t['raw: 1 derivation + open']!;
  ratioRow(
    `render: ${COUNT} password envelopes, one salt (renderText)`,
    ms(t['core renderText']!),
    `1 pbkdf2 + AES open, ${ms(oneDerivation)}`,
    [{ label: '', value: t['core renderText']! / oneDerivation, limit: 1.2 }],
  );
  const toPassword = t['raw: 2 derivations + open + seal']!;
  ratioRow(
    `rekey → new password: ${COUNT} envelopes (rekeyTexts)`,
    ms(t['core rekeyTexts → password']!),
    `2 pbkdf2 (old, new) + AES open + seal, ${ms(toPassword)}`,
    [{ label: '', value: t['core rekeyTexts → password']! / toPassword, limit: 1.2 }],
  );
  const toKey = t['raw: 1 derivation + open + seal']!;
  ratioRow(
    `rekey → key: ${COUNT} envelopes (rekeyTexts)`,
    ms(t['core rekeyTexts → key']!),
    `1 pbkdf2 + AES open + seal, ${ms(toKey)}`,
    [{ label: '', value: t['core rekeyTexts → key']! / toKey, limit: 1.2 }],
  );

  processRows(text, Math.max(3, Math.ceil(rounds / 2)), log);
}

/** `node dist/cli.js render|rekey` against the raw script, each a whole process, alternating. */
function processRows(text: string, rounds: number, log: (message: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'keysmith-bench-render-'));
  try {
    const source = path.join(dir, 'source.env');
    const work = path.join(dir, 'app.env');
    writeFileSync(source, text);
    const env = { PATH: process.env.PATH ?? '', P: PASSWORD, Q: NEW_PASSWORD };
    const jobs: Record<string, string[]> = {
      'keysmith render': [CLI, 'render', work, '--password-env', 'P'],
      'raw render': ['-e', RAW_SCRIPT, work, 'render'],
      'keysmith rekey': [CLI, 'rekey', work, '--password-env', 'P', '--to-password-env', 'Q'],
      'raw rekey': ['-e', RAW_SCRIPT, work, 'rekey'],
    };
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(jobs).map((n) => [n, []]));
    for (let round = 0; round < rounds + 1; round++) {
      const names = round % 2 === 0 ? Object.keys(jobs) : Object.keys(jobs).reverse();
      for (const name of names) {
        copyFileSync(source, work); // rekey rewrites it: every run starts from the same file
        const start = performance.now();
        const result = spawnSync(process.execPath, jobs[name]!, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        const elapsed = performance.now() - start;
        if (result.status !== 0)
          throw new Error(`${name} exited ${result.status}: ${result.stderr.toString()}`);
        if (round > 0) samples[name]!.push(elapsed); // round 0 warms the page cache
      }
    }
    const m = Object.fromEntries(Object.entries(samples).map(([n, s]) => [n, median(s)]));
    for (const [name, value] of Object.entries(m)) log(`  process: ${name.padEnd(18)} ${ms(value)}`);
    for (const op of ['render', 'rekey'] as const) {
      ratioRow(
        `whole process: keysmith ${op} of the ${COUNT} envelopes (${op === 'rekey' ? 'to a new password' : 'to /dev/null'})`,
        ms(m[`keysmith ${op}`]!),
        `node -e raw script ${ms(m[`raw ${op}`]!)}`,
        [{ label: '', value: m[`keysmith ${op}`]! / m[`raw ${op}`]!, limit: 1.2 }],
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
