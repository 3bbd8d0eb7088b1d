import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { processSlot } from './process-slot';

const ROOT = path.join(__dirname, '..');
const VENV_BIN = path.join(ROOT, '.venv', 'bin', 'moto_server');
/** Runs moto_server with its folder listing read once instead of on every request (see the file). */
const LAUNCHER = path.join(__dirname, 'moto-server.py');

/** The executable named `name` in a PATH directory, if any (looked up, not run: `moto_server --help` takes a second to import moto). */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return path.join(dir, name);
    } catch {
      // not in this one
    }
  }
  return undefined;
}

/** Finds moto_server's script: on PATH, or in the project's .venv; installs it there as a last resort. */
export function motoCommand(): string {
  const found = onPath('moto_server');
  if (found) return found;
  if (fs.existsSync(VENV_BIN)) return VENV_BIN;
  const venv = spawnSync('python3', ['-m', 'venv', path.join(ROOT, '.venv')], { stdio: 'inherit' });
  const pip = venv.status === 0 ? spawnSync(path.join(ROOT, '.venv', 'bin', 'pip'), ['install', '--quiet', 'moto[server]>=5.2,<6'], { stdio: 'inherit' }) : venv;
  if (pip.status !== 0 || !fs.existsSync(VENV_BIN)) {
    throw new Error('moto_server is not installed and could not be installed into .venv. Install it with: python3 -m pip install "moto[server]>=5.2,<6"');
  }
  return VENV_BIN;
}

/**
 * The command that starts moto: the launcher beside this file, run by the Python that moto_server's own script
 * names (a pip-installed script starts with it), or python3 when it names none (a version manager's shim). The
 * launcher falls back to moto_server itself where that Python has no moto.
 */
export function motoLaunch(): string[] {
  const shebang = /^#!\s*(\S*python[\d.]*)\s*$/.exec(fs.readFileSync(motoCommand(), 'utf8').split('\n', 1)[0]);
  return [shebang ? shebang[1] : 'python3', LAUNCHER];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs moto_server under a shell that stops it when the process that started it is gone (checked every second) or
 * the shell is stopped, and `timeout` stops all of it after `maxSeconds` whatever happens.
 */
const WATCHED = [
  // Its own process group (setsid, where there is one), so one kill reaches whatever the moto_server launcher started.
  'm="$1"; shift; s=; command -v setsid >/dev/null && s=setsid; $s "$m" "$@" & pid=$!',
  // And waits for it, so no zombie is left for an init that does not reap.
  'stop() { kill -TERM -$pid 2>/dev/null || kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; }',
  "trap 'stop; exit 0' TERM INT",
  'while kill -0 "$OWNER" 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 1; done',
  'stop',
].join('\n');

/**
 * moto's settings, unless the environment sets them. Its EC2 backend loads some thousands of default AMIs
 * (and a volume for each) whenever it starts or is reset: a seventh of moto's time in a drill, for images
 * nothing here reads.
 */
const MOTO_ENV = { MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' };

/** A moto server on a free loopback port; it stops by itself when this process ends or after `maxSeconds`, even if nobody stops it. */
export class Moto {
  private constructor(
    readonly endpoint: string,
    private readonly proc: ChildProcess,
  ) {}

  /**
   * The moto server of this process (a jest worker), started on first use and shared by the test files the worker
   * runs one after another; each resets it before use. It stops when the worker ends. Saves each file the start
   * and moto's first call to each service (seconds: moto imports a service's code on first use).
   */
  static async forThisProcess(): Promise<Moto> {
    const slot = processSlot('moto', () => ({ server: undefined as Promise<Moto> | undefined }));
    const running = await slot.server?.catch(() => undefined);
    if (running && running.proc.exitCode === null && running.proc.signalCode === null) return running;
    const started = Moto.start(3600).then((m) => {
      // Nothing waits for it: the worker may exit whenever it is done, and the server follows it.
      m.proc.unref();
      return m;
    });
    slot.server = started;
    return started;
  }

  static async start(maxSeconds = 900): Promise<Moto> {
    const port = await freePort();
    const proc = spawn('timeout', [String(maxSeconds), 'sh', '-c', WATCHED, 'moto', ...motoLaunch(), '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env: { ...MOTO_ENV, ...process.env, OWNER: String(process.pid) } });
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await fetch(`${endpoint}/moto-api/`);
        if (r.ok) break;
      } catch {
        // not up yet
      }
      if (proc.exitCode !== null) throw new Error(`moto_server exited with ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error('moto_server did not start within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    return new Moto(endpoint, proc);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}

/** Forgets every resource of the moto server at `endpoint`. */
export async function resetEmulator(endpoint: string): Promise<void> {
  const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
}

/**
 * Snapshots of a moto server's whole state, each kept in the server under a key with a record of the caller's
 * (moto-server.py). Which keys were saved is remembered per server for this process (a jest worker's files
 * share its server), so a build asks for a restore only where one was saved.
 */
export class Snapshots {
  /** The snapshots of the server at `endpoint`. */
  static of(endpoint: string): Snapshots {
    const all = processSlot('moto-snapshots', () => new Map<string, Snapshots>());
    if (!all.has(endpoint)) all.set(endpoint, new Snapshots(endpoint));
    return all.get(endpoint)!;
  }

  private readonly saved = new Set<string>();
  /** Why this server keeps no snapshots, once one could not be saved (another moto_server, a state deepcopy cannot copy). */
  unavailable?: string;

  private constructor(private readonly endpoint: string) {}

  private url(key: string, action = ''): string {
    if (!/^[\w-]+$/.test(key)) throw new Error(`a snapshot key is letters, digits, _ and -, not ${JSON.stringify(key)}`);
    return `${this.endpoint}/_switchyard/snapshots/${key}${action}`;
  }

  /** Puts the server in the state saved under `key` (every other resource gone) and returns the record saved with it; undefined when none was saved. */
  async restore<T>(key: string): Promise<T | undefined> {
    if (!this.saved.has(key)) return undefined;
    const r = await fetch(this.url(key, '/restore'), { method: 'POST' });
    if (r.status === 404) {
      this.saved.delete(key);
      return undefined;
    }
    if (!r.ok) throw new Error(`moto snapshot restore failed: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  }

  /** Saves the server's state under `key` with `record`; where the server keeps no snapshots, says why once and saves nothing. */
  async save(key: string, record: unknown): Promise<void> {
    if (this.unavailable !== undefined) return;
    const r = await fetch(this.url(key), { method: 'POST', body: JSON.stringify(record), headers: { 'content-type': 'application/json' } });
    if (r.status === 204) {
      this.saved.add(key);
      return;
    }
    this.unavailable = `${r.status} ${(await r.text()).slice(0, 300)}`;
    process.emitWarning(`moto at ${this.endpoint} keeps no snapshots (${this.unavailable}): each rehearsal world is built through the AWS API`, { code: 'SWITCHYARD_NO_SNAPSHOTS' });
  }
}
