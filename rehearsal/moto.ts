import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const VENV_BIN = path.join(ROOT, '.venv', 'bin', 'moto_server');

/** An executable named `name` in a PATH directory (looked up, not run: `moto_server --help` takes a second to import moto). */
function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Finds moto_server: on PATH, or in the project's .venv; installs it there as a last resort. */
export function motoCommand(): string {
  if (onPath('moto_server')) return 'moto_server';
  if (fs.existsSync(VENV_BIN)) return VENV_BIN;
  const venv = spawnSync('python3', ['-m', 'venv', path.join(ROOT, '.venv')], { stdio: 'inherit' });
  const pip = venv.status === 0 ? spawnSync(path.join(ROOT, '.venv', 'bin', 'pip'), ['install', '--quiet', 'moto[server]>=5.2,<6'], { stdio: 'inherit' }) : venv;
  if (pip.status !== 0 || !fs.existsSync(VENV_BIN)) {
    throw new Error('moto_server is not installed and could not be installed into .venv. Install it with: python3 -m pip install "moto[server]>=5.2,<6"');
  }
  return VENV_BIN;
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

/** A moto server on a free loopback port; it stops by itself after `maxSeconds` even if nobody stops it. */
export class Moto {
  private constructor(
    readonly endpoint: string,
    private readonly proc: ChildProcess,
  ) {}

  static async start(maxSeconds = 900): Promise<Moto> {
    const port = await freePort();
    const proc = spawn('timeout', [String(maxSeconds), motoCommand(), '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
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

  /** Forgets every resource. */
  async reset(): Promise<void> {
    const r = await fetch(`${this.endpoint}/moto-api/reset`, { method: 'POST' });
    if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}
