/**
 * Encrypt: with a stored key, a typed key or a password (typed twice), either the editor's
 * selections (the code of `keysmith.encryptSelection` on the host; its errors are shown here, not
 * as notifications) or text typed here, whose envelope can be copied or inserted. The typed key
 * and password are cleared when the request is answered.
 */
import { DomId, KEY_SOURCE_IDS, type FieldId } from '../protocol';
import { byId } from './dom';
import { FormRunner, type App, type FormController } from './form';
import { KeySourceFields } from './keySource';

export function createEncryptForm(app: App, saved: { kind?: string; name?: string }): FormController {
  const runner = new FormRunner(DomId.encForm, ['enc-sel', 'enc-txt']);
  const source = new KeySourceFields(KEY_SOURCE_IDS.enc, runner.form, app);
  const plaintext = byId<HTMLTextAreaElement>(DomId.encPlaintext);
  const result = byId(DomId.encResult);
  const envelope = byId<HTMLTextAreaElement>(DomId.encEnvelope);
  const fieldFor = (error: { field?: string }): FieldId | undefined =>
    source.controlFor(error.field) ?? (error.field === 'plaintext' ? DomId.encPlaintext : undefined);
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
      return runner.invalid(feedback, DomId.encPlaintext, app.strings.needPlaintext);
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

  byId(DomId.encSelection).addEventListener('click', () => void encryptSelection());
  byId(DomId.encText).addEventListener('click', () => void encryptText());
  byId(DomId.encInsert).addEventListener('click', () => void useEnvelope('insertText'));
  byId(DomId.encCopy).addEventListener('click', () => void useEnvelope('copy'));

  return {
    init: () => source.init(saved),
    defaultsChanged() {},
    keyNamesChanged: () => source.keyNamesChanged(),
  };
}
