/** An error meant for the user: one line on stderr, exit code 2 (usage error or malformed input). */
export class CliError extends Error {}

/**
 * A file or stream could not be read or written (EPIPE, ENOSPC, EACCES, a folder as input, a
 * missing file): one line on stderr naming the file or stream, exit code 3.
 */
export class IoError extends CliError {}
