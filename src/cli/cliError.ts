/**
 * An error meant for the user: one line on stderr, never a stack trace. `exitCode` is the
 * process's exit code: 2 (usage error, malformed input, a plaintext that cannot be placed) unless
 * a subclass says otherwise.
 */
export class CliError extends Error {
  readonly exitCode: number = 2;
}

/**
 * A file or stream could not be read or written (EPIPE, ENOSPC, EACCES, a folder as input, a
 * missing file): one line on stderr naming the file or stream, exit code 3.
 */
export class IoError extends CliError {
  override readonly exitCode: number = 3;
}

/**
 * An envelope did not open (wrong key or password, or it was modified), said with the file and
 * line it is on but as opaquely as the core says it: exit code 1, nothing written.
 */
export class DecryptFailedError extends CliError {
  override readonly exitCode: number = 1;
}

/** `keysmith run`: COMMAND could not be started; 127 when it is not found, 126 otherwise (as shells do). */
export class CommandNotStartedError extends CliError {
  constructor(
    message: string,
    override readonly exitCode: 126 | 127,
  ) {
    super(message);
  }
}
