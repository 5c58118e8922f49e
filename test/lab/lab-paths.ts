/** Where the lab keeps its files: everything under <repo>/.lab (gitignored). */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <repo>/test/lab). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

export interface LabPaths {
  root: string;
  labDir: string;
  /** Test CA + server certs; `caFile` is stable so NODE_EXTRA_CA_CERTS can point at it before Node starts. */
  pkiDir: string;
  caFile: string;
  /** Golden DCs, one sub-directory per build-script hash. */
  goldenDir: string;
  /** Running DC clones, one sub-directory per loopback IP. */
  dcDir: string;
  /**
   * Where `lab up` keeps its instance files (lab.json, config.json, secrets/, state/, daemon log): <repo>/.lab,
   * or $GWB_LAB_INSTANCE_DIR (tests use it to run the CLI beside a developer's own lab).
   */
  instanceDir: string;
  secretsDir: string;
  /** Written by `lab up` (daemon): pids and endpoints. */
  labJson: string;
  /** GroupWriteback config for the running lab. */
  configJson: string;
  stateDir: string;
  daemonLog: string;
}

export function labPaths(root: string = REPO_ROOT, instanceDir: string | undefined = process.env.GWB_LAB_INSTANCE_DIR): LabPaths {
  const labDir = join(root, '.lab');
  const pkiDir = join(labDir, 'pki');
  const inst = instanceDir ? resolve(instanceDir) : labDir;
  return {
    root,
    labDir,
    pkiDir,
    caFile: join(pkiDir, 'ca.pem'),
    goldenDir: join(labDir, 'golden'),
    dcDir: join(labDir, 'dc'),
    instanceDir: inst,
    secretsDir: join(inst, 'secrets'),
    labJson: join(inst, 'lab.json'),
    configJson: join(inst, 'config.json'),
    stateDir: join(inst, 'state'),
    daemonLog: join(inst, 'lab-daemon.log'),
  };
}
