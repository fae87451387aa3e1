/**
 * The parsers users' apps run, as judges of what Keysmith writes into files: JSON.parse, the `yaml`
 * package (YAML 1.2), `dotenv` (npm), and Debian's python3 PyYAML (YAML 1.1, `yaml.safe_load`) and
 * python3-dotenv (`dotenv_values`, with interpolate=False and the default True). The Python ones
 * run as one child process per batch of documents; their modules are installed with apt-get on
 * first use (pythonCryptography.ts).
 */
import { spawnSync } from 'node:child_process';
import { PYTHON, ensurePythonModule } from './pythonCryptography';

const SCRIPT = String.raw`
import io, json, sys
kind = sys.argv[1]
docs = json.loads(sys.stdin.read())
out = []
if kind == "yaml":
    import yaml
    for doc in docs:
        try:
            value = yaml.safe_load(doc)
            out.append({"ok": json.loads(json.dumps(value, default=lambda o: {"notJson": repr(o)}))})
        except Exception as e:
            out.append({"error": type(e).__name__ + ": " + str(e)[:300]})
else:
    import dotenv
    from dotenv.parser import parse_stream
    for doc in docs:
        errors = [b.original.line for b in parse_stream(io.StringIO(doc)) if b.error]
        out.append({
            "plain": dotenv.dotenv_values(stream=io.StringIO(doc), interpolate=False),
            "interpolated": dotenv.dotenv_values(stream=io.StringIO(doc)),
            "errors": errors,
        })
sys.stdout.write(json.dumps(out))
`;

function runPython<T>(kind: 'yaml' | 'dotenv', docs: readonly string[]): T[] {
  ensurePythonModule('yaml', 'python3-yaml');
  if (kind === 'dotenv') ensurePythonModule('dotenv', 'python3-dotenv');
  // A clean environment: python-dotenv's interpolation reads os.environ.
  const run = spawnSync(PYTHON, ['-c', SCRIPT, kind], {
    input: JSON.stringify(docs),
    env: { PATH: '/usr/bin:/bin', PYTHONIOENCODING: 'utf-8', LANG: 'C.UTF-8' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python ${kind} judge failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T[];
}

export type PyYamlResult = { ok: unknown } | { error: string };

/** PyYAML's `safe_load` of each document (values that are not JSON come as {notJson: repr}). */
export function pyYamlLoad(docs: readonly string[]): PyYamlResult[] {
  return runPython<PyYamlResult>('yaml', docs);
}

export interface PyDotenvResult {
  plain: Record<string, string | null>;
  interpolated: Record<string, string | null>;
  /** Lines where python-dotenv could not parse a statement (it warns and skips them). */
  errors: number[];
}

/** python-dotenv's `dotenv_values` of each text, without and with interpolation. */
export function pyDotenv(texts: readonly string[]): PyDotenvResult[] {
  return runPython<PyDotenvResult>('dotenv', texts);
}
