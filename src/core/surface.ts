/**
 * The words of the caller's surface. The same core serves the `gwb` command line and the PowerShell module (over
 * `gwb rpc`), and its messages and hints name what the reader can type: a cmdlet and its parameters in PowerShell,
 * a verb and its flags on the command line. `gwb rpc` switches the process to 'powershell' once at start.
 */
export type Surface = 'cli' | 'powershell';

let current: Surface = 'cli';

export function setSurface(s: Surface): void {
  current = s;
}

export function surface(): Surface {
  return current;
}

/** What to run for a task, in the caller's words. */
export const say = {
  configPath: () => (current === 'powershell' ? '-ConfigPath (or $env:GROUPWRITEBACK_CONFIG)' : '--config <file>'),
  status: () => (current === 'powershell' ? 'Get-GroupProvisioningStatus' : "'gwb status'"),
  run: () => (current === 'powershell' ? 'Start-GroupProvisioning' : "'gwb run'"),
  plan: () => (current === 'powershell' ? 'Get-GroupProvisioningPlan' : "'gwb plan'"),
  reset: (full = false) => (current === 'powershell' ? `Reset-GroupProvisioning${full ? ' -Full' : ''}` : `'gwb reset${full ? ' --full' : ''}'`),
  log: (filter: 'failures' | 'held' = 'failures', cycleId?: string) =>
    current === 'powershell'
      ? `Get-GroupProvisioningLog ${cycleId ? `-CycleId ${cycleId} ` : ''}${filter === 'held' ? '-Action Held' : '-Status Failure'}`
      : `'gwb log ${cycleId ? `--cycle ${cycleId} ` : ''}${filter === 'held' ? '--action held' : '--result failure'}'`,
  approve: (batchId?: string) =>
    current === 'powershell'
      ? `Approve-GroupProvisioningDeletion${batchId ? ` -BatchId ${batchId}` : ''}`
      : `'gwb approve-deletes${batchId ? ` --batch ${batchId}` : ''}'`,
  batchParam: () => (current === 'powershell' ? '-BatchId' : '--batch'),
  /** ' (…)' naming how to change target.container, or '' on the command line (the key says it). */
  configTarget: () => (current === 'powershell' ? ' (Set-GroupWritebackConfiguration -TargetContainer)' : " ('gwb config set')"),
  configTest: () => (current === 'powershell' ? 'Test-GroupWritebackConfiguration' : "'gwb config test'"),
  /** How the caller hands over a secret, by its hand-over key. */
  secretParam: (key: string) => {
    switch (key) {
      case 'tenant.clientSecret':
        return '-ClientSecret (a SecureString)';
      case 'tenant.certificatePassword':
        return '-CertificatePassword (a SecureString)';
      case 'directory.password':
        return '-Credential (a PSCredential)';
      case 'tenant.certificate':
        return '-CertificateThumbprint';
      default:
        return `the secret '${key}'`;
    }
  },
};
