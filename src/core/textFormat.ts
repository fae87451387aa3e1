/** Which writing rules a file gets, from its name or its VS Code language id. */
import type { TextFormat } from './envelopesInText';

const BY_EXTENSION: Record<string, TextFormat> = {
  json: 'json',
  jsonc: 'json',
  yml: 'yaml',
  yaml: 'yaml',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'javascript',
  mts: 'javascript',
  cts: 'javascript',
  tsx: 'javascript',
  env: 'dotenv',
};

/** @see envelopesInText.formatForFileName */
export function formatForFileName(fileName: string): TextFormat {
  const base = (fileName.split(/[\\/]/).pop() ?? '').toLowerCase();
  // `.env`, `.env.local`, `.env.production`: dotenv files are named by their first part.
  if (base === '.env' || base.startsWith('.env.')) return 'dotenv';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return 'text';
  const extension = base.slice(dot + 1);
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension]! : 'text';
}

const BY_LANGUAGE: Record<string, TextFormat> = {
  json: 'json',
  jsonc: 'json',
  javascript: 'javascript',
  javascriptreact: 'javascript',
  typescript: 'javascript',
  typescriptreact: 'javascript',
  yaml: 'yaml',
  dockercompose: 'yaml',
  dotenv: 'dotenv',
  env: 'dotenv',
};

/** @see envelopesInText.formatForLanguageId */
export function formatForLanguageId(languageId: string): TextFormat {
  return Object.hasOwn(BY_LANGUAGE, languageId) ? BY_LANGUAGE[languageId]! : 'text';
}
