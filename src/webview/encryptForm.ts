/**
 * Encrypt: with a stored key, a typed key or a password (typed twice), either the editor's
 * selections (the code of `keysmith.encryptSelection` on the host; its errors are shown here, not
 * as notifications) or text typed here, whose envelope can be copied or inserted. The typed key
 * and password are cleared when the request is answered.
 */
import { byId } from './dom';
import { FormRunner, type App, type FormController } from './form';
import { KeySourceFields } from './keySource';

export function createEncryptForm(app: App, saved: { kind?: string; name?: string }): FormController {
  const runner = new FormRunner('enc-form', ['enc-sel', 'enc-txt']);
  const source = new KeySourceFields('enc', runner.form, app);
  const plaintext = byId<HTMLTextAreaElement>('enc-plaintext');
  const result = byId('enc-result');
  const envelope = byId<HTMLTextAreaElement>('enc-envelope');
  const fieldFor = (error: { field?: string }) =>
    source.controlFor(error.field) ?? (error.field === 'plaintext' ? plaintext.id : undefined);
  const label = () => (source.kind === 'password' ? app.strings.derivingKey : app.strings.working);

  async function encryptSelection(): Promise<void> {
    const feedback = runner.feedback(0);
    if (runner.isBusy) return;
    const outcome = await source.run(runner, {
      feedback,
      label: label(),
      send: (chosen) => app.client.send('encryptSelection', { source: chosen }),
      fieldFor,
    });
    if (outcome?.ok) feedback.say(outcome.result.message);
  }

  async function encryptText(): Promise<void> {
    const feedback = runner.feedback(1);
    if (runner.isBusy) return;
    if (plaintext.value.length === 0)
      return runner.invalid(feedback, plaintext.id, app.strings.needPlaintext);
    result.hidden = true;
    envelope.value = '';
    const text = plaintext.value;
    const outcome = await source.run(runner, {
      feedback,
      label: label(),
      send: (chosen) => app.client.send('encryptText', { plaintext: text, source: chosen }),
      fieldFor,
    });
    if (outcome?.ok) {
      envelope.value = outcome.result.envelope;
      result.hidden = false;
    }
  }

  async function useEnvelope(type: 'insertText' | 'copy'): Promise<void> {
    const text = envelope.value;
    if (!text) return;
    await runner.act(runner.feedback(1), () => app.client.send(type, { text }));
  }

  byId('enc-selection').addEventListener('click', () => void encryptSelection());
  byId('enc-text').addEventListener('click', () => void encryptText());
  byId('enc-insert').addEventListener('click', () => void useEnvelope('insertText'));
  byId('enc-copy').addEventListener('click', () => void useEnvelope('copy'));

  return {
    init: () => source.init(saved),
    defaultsChanged() {},
    keyNamesChanged: () => source.keyNamesChanged(),
  };
}
