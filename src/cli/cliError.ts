/** An error meant for the user: one line on stderr, exit code 2 (usage error or malformed input). */
export class CliError extends Error {}
