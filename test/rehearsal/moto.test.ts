import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { motoLaunch } from '../../rehearsal/moto';

const LAUNCHER = path.join(__dirname, '..', '..', 'rehearsal', 'moto-server.py');

describe('the moto launcher', () => {
  it('runs the launcher beside moto.ts with a Python interpreter', () => {
    const [python, script] = motoLaunch();
    expect(script).toBe(LAUNCHER);
    expect(fs.existsSync(script)).toBe(true);
    expect(path.basename(python)).toMatch(/^python/);
  });

  it('is moto_server with the folder listing and the action names read once, and the same lists', () => {
    const [python] = motoLaunch();
    const probe = [
      'import runpy, sys, moto.backends as b',
      'before = list(b.list_of_moto_modules())',
      "sys.argv = ['moto-server.py', '--help']",
      'try:',
      `    runpy.run_path(${JSON.stringify(LAUNCHER)}, run_name='__main__')`,
      'except SystemExit:',
      '    pass',
      "print('PATCHED', b.list_of_moto_modules.__name__ == '<lambda>', list(b.list_of_moto_modules()) == before, 'ecs' in before)",
      // The action names of a response class, worked out once: the same names as moto's own function gives.
      'import inspect, moto.core.responses as r, moto.core.utils as u',
      'from moto.ssm.responses import SimpleSystemManagerResponse as S',
      "print('ACTIONS', hasattr(r.method_names_from_class, 'cache_info'), r.method_names_from_class(S) == u.method_names_from_class(S), 'put_parameter' in r.method_names_from_class(S), r.method_names_from_class(S) is r.method_names_from_class(S))",
    ].join('\n');
    const r = spawnSync(python, ['-c', probe], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // moto_server's own usage line: the launcher ran moto's main with its arguments.
    expect(r.stdout).toMatch(/usage: moto_server/);
    expect(r.stdout).toMatch(/PATCHED True True True/);
    expect(r.stdout).toMatch(/ACTIONS True True True True/);
  });
});
