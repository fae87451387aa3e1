/**
 * Key pair: algorithm, size or curve, name, folder, format (PEM, PKCS#8, OpenSSH, JWK), an optional
 * passphrase typed twice (not for JWK; cleared when the reply comes, never in the saved state) and
 * the OpenSSH comment; Save Key Pair runs
 * `keysmith.generateKeyPair`'s code on the host (as with an argument object; its errors are shown
 * here, on the name or folder they concern), with a progress bar while it works (RSA-4096 takes a
 * while). The public key comes back to be shown and copied; the private
 * key never leaves its file.
 */
import {
  DomId,
  EC_CURVES,
  fieldErrorId,
  KEY_PAIR_FORMATS,
  RSA_KEY_SIZES,
  type KeyPairAlgorithm,
  type KeyPairOptions,
} from '../protocol';
import { byId, format, showFieldError, showFieldsFor } from './dom';
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
  const passphraseInput = byId<HTMLInputElement>(DomId.pairPassphrase);
  const confirmInput = byId<HTMLInputElement>(DomId.pairConfirm);
  const commentInput = byId<HTMLInputElement>(DomId.pairComment);
  const result = byId(DomId.pairResult);
  const publicKey = byId<HTMLTextAreaElement>(DomId.pairPublic);

  const algorithm = (): KeyPairAlgorithm =>
    algorithmSelect.value === 'RSA' ? 'RSA' : algorithmSelect.value === 'Ed25519' ? 'Ed25519' : 'EC';
  const chosenFormat = () => KEY_PAIR_FORMATS.find((f) => f === formatSelect.value) ?? 'pem';
  const DEFAULT_NAMES = { RSA: 'id_rsa', EC: 'id_ec', Ed25519: 'id_ed25519' } as const;

  function showFields(): void {
    showFieldsFor(runner.form, 'algorithm', algorithm());
    showFieldsFor(runner.form, 'format', chosenFormat());
    nameInput.placeholder = DEFAULT_NAMES[algorithm()];
    folderInput.placeholder = app.defaults.keyPairFolder;
  }

  function readOptions(overwrite: boolean): KeyPairOptions {
    const name = nameInput.value.trim();
    const folder = folderInput.value.trim();
    const keySize = RSA_KEY_SIZES.find((size) => String(size) === sizeSelect.value);
    const curve = EC_CURVES.find((c) => c === curveSelect.value);
    const outputFormat = chosenFormat();
    const passphrase = outputFormat === 'jwk' ? '' : passphraseInput.value;
    const comment = outputFormat === 'openssh' ? commentInput.value.trim() : '';
    const chosen = algorithm();
    return {
      ...(chosen === 'RSA'
        ? { algorithm: 'RSA', ...(keySize !== undefined && { keySize }) }
        : chosen === 'EC'
          ? { algorithm: 'EC', ...(curve !== undefined && { curve }) }
          : { algorithm: 'Ed25519' }),
      ...(name && { name }),
      ...(folder && { folder }),
      format: outputFormat,
      ...(passphrase && { passphrase }),
      ...(comment && { comment }),
      overwrite,
    };
  }

  function clearPassphrase(): void {
    passphraseInput.value = '';
    confirmInput.value = '';
  }

  /** The two passphrase fields must agree (both empty: no passphrase). */
  function passphrasesAgree(): boolean {
    if (chosenFormat() === 'jwk' || passphraseInput.value === confirmInput.value) return true;
    showFieldError(DomId.pairConfirm, app.strings.passwordsDiffer);
    confirmInput.focus();
    return false;
  }

  async function save(overwrite: boolean): Promise<void> {
    if (!passphrasesAgree()) return;
    const options = readOptions(overwrite);
    const spec =
      options.algorithm === 'RSA'
        ? `RSA-${sizeSelect.value}`
        : options.algorithm === 'EC'
          ? `EC ${curveSelect.value}`
          : 'Ed25519';
    const outcome = await runner.run({
      feedback,
      label: format(app.strings.generatingPair, spec),
      progress: true,
      send: () => app.client.send('generateKeyPair', { options }),
      fieldFor: (error) =>
        error.field === 'name'
          ? DomId.pairName
          : error.field === 'folder'
            ? DomId.pairFolder
            : error.field === 'passphrase'
              ? DomId.pairPassphrase
              : error.field === 'comment'
                ? DomId.pairComment
                : undefined,
    });
    if (!outcome) return;
    // The passphrase stays only as long as a Replace could still need it.
    if (outcome.ok) clearPassphrase();
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

  for (const select of [algorithmSelect, formatSelect]) {
    select.addEventListener('change', () => {
      showFields();
      app.saveState();
    });
  }
  for (const control of [sizeSelect, curveSelect, nameInput, folderInput]) {
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
