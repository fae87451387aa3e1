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
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];
