import * as vscode from 'vscode';
import { showFailure } from '../editor/errors';
import {
  generateKeyPairFromArgs,
  generateKeyPairInteractively,
  targetWorkspaceFolder,
  type WrittenPair,
} from '../editor/keyPairs';

/**
 * `keysmith.generateKeyPair`: an RSA or EC key pair as PEM files in the workspace. Without an
 * argument (or with the Uri a menu passes) it asks for everything; with an argument object
 * (`{algorithm, keySize?, curve?, name?, folder?, pkcs8?, overwrite?}`) it asks nothing.
 * Returns `[privateKeyUri, publicKeyUri]`, or undefined when nothing was written (cancelled,
 * refused, or failed — failures are shown, cancellations are not).
 */
export async function generateKeyPairCommand(args?: unknown): Promise<WrittenPair | undefined> {
  try {
    return args === undefined || args instanceof vscode.Uri
      ? await generateKeyPairInteractively(targetWorkspaceFolder())
      : await generateKeyPairFromArgs(args);
  } catch (error) {
    showFailure(error);
    return undefined;
  }
}
