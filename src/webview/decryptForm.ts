/**
 * Decrypt: the editor's selections (the code of `keysmith.decryptSelection` on the host; its errors
 * are shown here, not as notifications), or an envelope pasted here, whose plaintext is shown
 * masked until revealed and can be copied. The plaintext lives in this closure only — never in the
 * DOM while masked, never in the saved state — and is dropped by Clear, by the next request, and
 * with the page when the view is hidden.
 */
import { DomId, KEY_SOURCE_IDS, type FieldId, type ReplyError } from '../protocol';
import { byId } from './dom';
import { FormRunner, type App, type FormController } from './form';
import { KeySourceFields } from './keySource';

/** Errors about the envelope itself (rather than what unlocks it). */
const ENVELOPE_ERRORS = new Set([
  'MALFORMED_ENVELOPE',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_ALGORITHM',
  'ENVELOPE_TOO_LARGE',
  'NO_ENVELOPE',
]);

export function createDecryptForm(app: App, saved: { kind?: string; name?: string }): FormController {
  const runner = new FormRunner(DomId.decForm, ['dec-sel', 'dec-txt']);
  const source = new KeySourceFields(KEY_SOURCE_IDS.dec, runner.form, app);
  const envelope = byId<HTMLTextAreaElement>(DomId.decEnvelope);
  const result = byId(DomId.decResult);
  const shown = byId(DomId.decPlaintext);
  const reveal = byId<HTMLButtonElement>(DomId.decReveal);
  const warnings = byId(DomId.decWarnings);
  let plaintext: string | undefined;
  let revealed = false;

  const label = () => (source.kind === 'password' ? app.strings.derivingKey : app.strings.working);

  function fieldFor(error: ReplyError, pasted: boolean): FieldId | undefined {
    // "Could not decrypt" is about what unlocks it; a key-vs-password mismatch about the choice.
    if (error.code === 'DECRYPT_FAILED') return source.secretControl();
    if (error.code === 'KEY_OR_PASSWORD') return source.kindControl;
    if (ENVELOPE_ERRORS.has(error.code)) return pasted ? DomId.decEnvelope : undefined;
    return source.controlFor(error.field);
  }

  function render(): void {
    result.hidden = plaintext === undefined;
    shown.classList.toggle('masked', !revealed);
    shown.textContent = plaintext === undefined ? '' : revealed ? plaintext : app.strings.masked;
    reveal.textContent = revealed ? app.strings.hide : app.strings.reveal;
    reveal.setAttribute('aria-pressed', String(revealed));
  }

  function forget(): void {
    plaintext = undefined;
    revealed = false;
    warnings.replaceChildren();
    render();
  }

  async function decryptSelection(): Promise<void> {
    const feedback = runner.feedback(0);
    if (runner.isBusy) return;
    const outcome = await source.run(runner, {
      feedback,
      label: label(),
      send: (chosen) => app.client.send('decryptSelection', { source: chosen }),
      fieldFor: (error) => fieldFor(error, false),
    });
    if (outcome?.ok) feedback.say(outcome.result.message);
  }

  async function decryptText(): Promise<void> {
    const feedback = runner.feedback(1);
    if (runner.isBusy) return;
    if (!envelope.value.trim()) return runner.invalid(feedback, DomId.decEnvelope, app.strings.needEnvelope);
    forget();
    const text = envelope.value;
    const outcome = await source.run(runner, {
      feedback,
      label: label(),
      send: (chosen) => app.client.send('decryptText', { envelope: text, source: chosen }),
      fieldFor: (error) => fieldFor(error, true),
    });
    if (!outcome?.ok) return;
    plaintext = outcome.result.plaintext;
    warnings.replaceChildren(
      ...outcome.result.warnings.map((warning) => {
        const item = document.createElement('li');
        item.textContent = warning;
        return item;
      }),
    );
    render();
  }

  /** A pasted envelope says how it was made: its kid names a stored key, or it has a kdf (password). */
  function suggestSource(): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(envelope.value);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const { kid, kdf } = parsed as Record<string, unknown>;
    if (kdf !== undefined) source.choose('password');
    else if (typeof kid === 'string') source.choose('stored', kid);
  }

  byId(DomId.decSelection).addEventListener('click', () => void decryptSelection());
  byId(DomId.decText).addEventListener('click', () => void decryptText());
  envelope.addEventListener('input', suggestSource);
  reveal.addEventListener('click', () => {
    revealed = !revealed;
    render();
  });
  byId(DomId.decClear).addEventListener('click', () => {
    forget();
    runner.clearAll();
  });
  byId(DomId.decCopy).addEventListener('click', async () => {
    if (plaintext === undefined) return;
    const text = plaintext;
    await runner.act(runner.feedback(1), () => app.client.send('copy', { text }));
  });

  return {
    init() {
      source.init(saved);
      render();
    },
    defaultsChanged() {},
    keyNamesChanged: () => source.keyNamesChanged(),
  };
}
