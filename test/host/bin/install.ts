/**
 * `npm run host:install`: installs the real VS Code host ahead of time (npm test and npm start do
 * it on first use). An entry point: nothing imports it.
 */
import { HostInstallError, installHost } from '../install';

installHost().catch((error: unknown) => {
  console.error(`[host] ${error instanceof HostInstallError ? error.message : String(error)}`);
  process.exit(1);
});
