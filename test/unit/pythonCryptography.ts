/**
 * Python's `cryptography` (Debian's python3-cryptography) as a second, independent AES-GCM and
 * PBKDF2 implementation for the CLI's tests (and the bench), and other Debian Python modules the
 * tests use as judges (PyYAML, python-dotenv): installed with apt-get when missing and running as
 * root, as test/host/install.ts does for the host's packages — otherwise a clear error saying what
 * to install, never a skip.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

const importable = new Set<string>();

/** Makes sure `import cryptography` works in {@link PYTHON}, installing it once if need be. */
export function ensurePythonCryptography(): void {
  ensurePythonModule('cryptography', 'python3-cryptography');
}

/**
 * Makes sure `import <module>` works in {@link PYTHON}, installing Debian's `debianPackage` with
 * apt-get once if need be (as root; otherwise a clear error saying what to install, never a skip).
 */
export function ensurePythonModule(module: string, debianPackage: string): void {
  if (importable.has(module)) return;
  const imports = () => spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
  ensureDebianPackage(imports, `${PYTHON} cannot import ${module}`, debianPackage);
  importable.add(module);
}

const runnable = new Set<string>();

/**
 * Makes sure the program `command` (e.g. `ssh-keygen` of Debian's openssh-client, `openssl`) runs,
 * installing `debianPackage` with apt-get once if need be, as {@link ensurePythonModule} does.
 * Returns the command, to call it with.
 */
export function ensureTool(command: string, debianPackage: string): string {
  if (runnable.has(command)) return command;
  const runs = () => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  ensureDebianPackage(runs, `${command} is not installed`, debianPackage);
  runnable.add(command);
  return command;
}

function ensureDebianPackage(present: () => boolean, missing: string, debianPackage: string): void {
  if (present()) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${missing}, and installing it needs root.` +
        ` Run: sudo apt-get install -y ${debianPackage}, then the tests again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '-q', '--no-install-recommends', debianPackage];
  // The package lists are refreshed only if the package is not found in them as they are.
  let run = spawnSync('apt-get', install, { env, encoding: 'utf8' });
  if (run.status !== 0) {
    const update = spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8' });
    if (update.status !== 0) throw new Error(`apt-get update failed: ${update.stderr.slice(-2000)}`);
    run = spawnSync('apt-get', install, { env, encoding: 'utf8' });
  }
  if (run.status !== 0) throw new Error(`apt-get ${install.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  if (!present()) throw new Error(`${missing} even after apt-get install ${debianPackage}`);
}

/**
 * `encrypt`: stdin's bytes → an envelope v1 on stdout; `decrypt`: an envelope on stdin → its exact
 * bytes on stdout. The key (hex) or password comes from PY_KEY or PY_PASSWORD, as the README's
 * Python example reads envelopes: AES-256-GCM, no AAD, PBKDF2-HMAC-SHA256 of the NFC password.
 */
export const PYTHON_ENVELOPE_SCRIPT = String.raw`
import base64, json, os, sys, unicodedata
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives import hashes

def derive(password, salt, iterations):
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(unicodedata.normalize("NFC", password).encode("utf-8"))

b64 = lambda b: base64.b64encode(b).decode("ascii")
mode = sys.argv[1]
password = os.environ.get("PY_PASSWORD")
if mode == "encrypt":
    data = sys.stdin.buffer.read()
    iv = os.urandom(12)
    env = {"v": 1, "algorithm": "AES-256-GCM"}
    if password is not None:
        iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 600000
        salt = os.urandom(16)
        key = derive(password, salt, iterations)
        env.update({"kdf": "PBKDF2-SHA256", "iterations": iterations, "salt": b64(salt)})
    else:
        key = bytes.fromhex(os.environ["PY_KEY"])
    sealed = AESGCM(key).encrypt(iv, data, None)
    env.update({"iv": b64(iv), "tag": b64(sealed[-16:]), "ciphertext": b64(sealed[:-16])})
    sys.stdout.write(json.dumps(env, separators=(",", ":")) + "\n")
else:
    env = json.loads(sys.stdin.buffer.read())
    if "kdf" in env:
        key = derive(password, base64.b64decode(env["salt"]), env["iterations"])
    else:
        key = bytes.fromhex(os.environ["PY_KEY"])
    data = base64.b64decode(env["ciphertext"]) + base64.b64decode(env["tag"])
    sys.stdout.buffer.write(AESGCM(key).decrypt(base64.b64decode(env["iv"]), data, None))
`;

/** Runs {@link PYTHON_ENVELOPE_SCRIPT}; throws with Python's stderr if it fails. */
export function python(
  mode: 'encrypt' | 'decrypt',
  input: Buffer | string,
  secret: { key: string } | { password: string; iterations?: number },
): Buffer {
  ensurePythonCryptography();
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  const args = ['-c', PYTHON_ENVELOPE_SCRIPT, mode];
  if ('key' in secret) env.PY_KEY = secret.key;
  else {
    env.PY_PASSWORD = secret.password;
    if (secret.iterations !== undefined) args.push(String(secret.iterations));
  }
  const run = spawnSync(PYTHON, args, { input, env, maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python ${mode} failed: ${run.stderr.toString('utf8')}`);
  return run.stdout;
}
