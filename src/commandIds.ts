/** Every command Keysmith contributes, in one table (package.json `contributes.commands` matches it). */
export const CommandId = {
  insertKey: 'keysmith.insertKey',
  insertApiKey: 'keysmith.insertApiKey',
  insertUuid: 'keysmith.insertUuid',
  insertNanoid: 'keysmith.insertNanoid',
  insertSecret: 'keysmith.insertSecret',
  generateKeyPair: 'keysmith.generateKeyPair',
  encryptSelection: 'keysmith.encryptSelection',
  decryptSelection: 'keysmith.decryptSelection',
  storeKey: 'keysmith.storeKey',
  removeKey: 'keysmith.removeKey',
  copyStoredKey: 'keysmith.copyStoredKey',
  encryptSelectionWithStoredKey: 'keysmith.encryptSelectionWithStoredKey',
  peekEnvelope: 'keysmith.peekEnvelope',
  editEnvelope: 'keysmith.editEnvelope',
  // Ctrl+S in a plaintext editor: its text written back as a fresh envelope.
  saveEnvelope: 'keysmith.saveEnvelope',
  reencryptEnvelopes: 'keysmith.reencryptEnvelopes',
  // What a CodeLens, hover or Quick Fix runs on one envelope (hidden from the Command Palette).
  envelopeAction: 'keysmith.envelopeAction',
  // What the key hover's Copy as… links run (hidden from the Command Palette).
  copyKeyAs: 'keysmith.copyKeyAs',
  // Inspect Key: the selection, the key at the cursor or the file (also the hover's Inspect…).
  inspectKey: 'keysmith.inspectKey',
  // The title-bar buttons of the sidebar's views (hidden from the Command Palette).
  regenerateKeyInView: 'keysmith.view.regenerateKey',
  insertKeyFromView: 'keysmith.view.insertKey',
  copyKeyFromView: 'keysmith.view.copyKey',
  saveKeyPairFromView: 'keysmith.view.saveKeyPair',
  encryptSelectionFromView: 'keysmith.view.encryptSelection',
  decryptSelectionFromView: 'keysmith.view.decryptSelection',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];
