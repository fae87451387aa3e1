/**
 * Key pair: algorithm, size or curve, name, folder and private-key format; Save as PEM Files runs
 * `keysmith.generateKeyPair`'s code on the host (as with an argument object; its errors are shown
 * here, on the name or folder they concern), with a progress bar while it works (RSA-4096 takes a
 * while). The public key comes back to be shown and copied; the private
 * key never leaves its file.
 */
import { DomId, EC_CURVES, fieldErrorId, RSA_KEY_SIZES, type KeyPairOptions } from '../protocol';
import { byId, format, showFieldsFor } from './dom';
import { FormRunner, type App, type FormController } from './form';

export function createKeyPairForm(app: App): FormController {
  const runner = new FormRunner(DomId.pairForm, ['pair']);
  const feedback = runner.feedback();
  const algorithmSelect = byId<HTMLSelectElement>(DomId.pairAlgorithm);
  const sizeSelect = byId<HTMLSelectElement>(DomId.pairSize);
  const curveSelect = byId<HTMLSelectElement>(DomId.pairCurve);
  const nameInput = byId<HTMLInputElement>(DomId.pairName);
  const folderInput = byId<HTMLInputElement>(DomId.pairFolder);
  const formatSelect = byId<HTMLSelectElement>(DomId.pairFormat);
  const result = byId(DomId.pairResult);
  const publicKey = byId<HTMLTextAreaElement>(DomId.pairPublic);

  const isRsa = () => algorithmSelect.value === 'RSA';

  function showFields(): void {
    showFieldsFor(runner.form, 'algorithm', isRsa() ? 'RSA' : 'EC');
    nameInput.placeholder = isRsa() ? 'id_rsa' : 'id_ec';
    folderInput.placeholder = app.defaults.keyPairFolder;
  }

  function readOptions(overwrite: boolean): KeyPairOptions {
    const name = nameInput.value.trim();
    const folder = folderInput.value.trim();
    const keySize = RSA_KEY_SIZES.find((size) => String(size) === sizeSelect.value);
    const curve = EC_CURVES.find((c) => c === curveSelect.value);
    return {
      ...(isRsa()
        ? { algorithm: 'RSA', ...(keySize !== undefined && { keySize }) }
        : { algorithm: 'EC', ...(curve !== undefined && { curve }) }),
      ...(name && { name }),
      ...(folder && { folder }),
      pkcs8: formatSelect.value === 'pkcs8',
      overwrite,
    };
  }

  async function save(overwrite: boolean): Promise<void> {
    const options = readOptions(overwrite);
    const spec = options.algorithm === 'RSA' ? `RSA-${sizeSelect.value}` : `EC ${curveSelect.value}`;
    const outcome = await runner.run({
      feedback,
      label: format(app.strings.generatingPair, spec),
      progress: true,
      send: () => app.client.send('generateKeyPair', { options }),
      fieldFor: (error) =>
        error.field === 'name' ? DomId.pairName : error.field === 'folder' ? DomId.pairFolder : undefined,
    });
    if (!outcome) return;
    if (outcome.ok) {
      publicKey.value = outcome.result.publicKey;
      result.hidden = false;
      feedback.say(outcome.result.message);
    } else if (outcome.error.code === 'FILE_EXISTS') {
      offerReplace();
    }
  }

  /** "… already exists." under the name, with a button that saves again, replacing the files. */
  function offerReplace(): void {
    const error = byId(fieldErrorId(DomId.pairName));
    if (error.hidden) return;
    const replace = document.createElement('button');
    replace.type = 'button';
    replace.className = 'secondary inline';
    replace.id = DomId.pairReplace;
    replace.textContent = app.strings.replace;
    replace.addEventListener('click', () => void save(true));
    error.append(' ', replace);
  }

  algorithmSelect.addEventListener('change', () => {
    showFields();
    app.saveState();
  });
  for (const control of [sizeSelect, curveSelect, nameInput, folderInput, formatSelect]) {
    control.addEventListener('change', () => app.saveState());
  }
  runner.form.addEventListener('submit', () => void save(false));
  byId(DomId.pairCopyPublic).addEventListener('click', () =>
    runner.act(feedback, () => app.client.send('copy', { text: publicKey.value })),
  );

  return {
    init: showFields,
    defaultsChanged: showFields,
    keyNamesChanged() {},
  };
}
