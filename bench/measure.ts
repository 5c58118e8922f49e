/** Run the bundled core as a child process and measure it: wall time, peak RSS (VmHWM), its JSON result. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  code: number | null;
  wallMs: number;
  /** Peak RSS seen in /proc (MiB); the child's own maxRSS is in its summary. */
  peakRssMb: number;
  json: any;
  stderr: string;
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Async (never spawnSync): the Graph emulator lives in this process and must keep serving. */
export function runCore(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, vmHwmMb(child.pid!))), 100);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, wallMs: Date.now() - t0, peakRssMb: peak, json, stderr });
    });
  });
}

/** Time any command (the floor: ldapadd). */
export function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; wallMs: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, wallMs: Date.now() - t0, stderr }));
  });
}
