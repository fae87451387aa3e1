/** Pieces of the hovers' Markdown, shared by the envelope hover and the key hover. */

/**
 * Text for Markdown: the characters that would format inline are escaped (CommonMark's
 * backslash), `#` too, so a line never becomes a heading.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>&|~#]/g, '\\$&');
}

/**
 * A `command:` link for a trusted hover (its MarkdownString must enable `command`). The argument
 * is JSON in the URI: it must never hold a secret (callers pass positions, never key text).
 */
export function commandLink(label: string, command: string, args: object): string {
  const query = encodeURIComponent(JSON.stringify([args]));
  return `[${label}](command:${command}?${query} "${label}")`;
}
