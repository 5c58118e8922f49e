#Requires -Version 7.4
# (No '#Requires -Modules GroupWriteback': with it, pwsh -File loses the script's exit code. Import-Module below.)
<#
.SYNOPSIS
Azure Automation runbook for a hybrid runbook worker: runs one GroupWriteback provisioning cycle.

.DESCRIPTION
Runs on a domain-joined (or AD-reachable) hybrid runbook worker with PowerShell 7.4+, Node.js 20+ and the
GroupWriteback module installed, and a configuration file created once with New-GroupWritebackConfiguration
(see docs/runbook.md). Microsoft Graph is reached with the worker's managed identity (Azure Arc) or an app
registration; the directory password comes from an Automation credential asset and travels to the engine over
stdin only.

The job ends with a meaningful exit code (also when run as `pwsh -File Sync-GroupWriteback.ps1` by a scheduled
task or systemd):
  0  the cycle succeeded
  1  the cycle failed (or the job is quarantined): see the error
  2  usage or configuration error
  3  the cycle finished, but some groups failed; they are retried next cycle
  4  deletes were held by the accidental-delete threshold: review, then Approve-GroupProvisioningDeletion
In Azure Automation (where $PSPrivateMetadata is set) any code but 0 and 3 also throws, so the job is marked
Failed and an alert on failed jobs fires.

.PARAMETER ConfigPath
The configuration file on the worker. Default: $env:GROUPWRITEBACK_CONFIG, else the per-user default of the
account the worker runs as.

.PARAMETER DirectoryCredentialName
Name of the Automation credential asset holding the AD service account (user name and password).

.PARAMETER ClientSecretCredentialName
Name of an Automation credential asset whose password is the app registration's client secret. Leave empty with
managed identity or certificate sign-in.

.PARAMETER CertificateThumbprint
(Windows worker) Thumbprint of the app registration's certificate in the worker's certificate store
(Cert:\LocalMachine\My or the job account's Cert:\CurrentUser\My), when the configuration signs in with
tenant.auth.certificateThumbprint. Leave empty otherwise.

.PARAMETER Full
Run a full cycle (re-read everything, revert changes made by hand in AD), e.g. in a nightly schedule.

.EXAMPLE
pwsh -NoProfile -File Sync-GroupWriteback.ps1 -ConfigPath /etc/groupwriteback/contoso.json -Full:$true
#>
param(
    [string]$ConfigPath,
    [string]$DirectoryCredentialName = 'GroupWriteback-LDAP',
    [string]$ClientSecretCredentialName,
    [string]$CertificateThumbprint,
    # Automation passes runbook parameters as values: a [bool] rather than a [switch].
    [bool]$Full = $false
)

$ErrorActionPreference = 'Stop'
Import-Module GroupWriteback
$inAutomation = $null -ne (Get-Variable -Name PSPrivateMetadata -ValueOnly -ErrorAction Ignore)

function Complete([int]$Code, [string]$Why) {
    if ($inAutomation -and $Code -notin 0, 3) { throw "GroupWriteback: $Why (exit code $Code)." }
    exit $Code
}

$common = @{}
if ($ConfigPath) { $common.ConfigPath = $ConfigPath }

# A quarantined job needs a person: say so plainly instead of failing again.
$status = Get-GroupProvisioningStatus @common
if ($status.State -eq 'Quarantined') {
    Write-Error -ErrorAction Continue -Message ("GroupWriteback is quarantined since $($status.Quarantine.Since): $($status.Quarantine.Reason) " +
        'Fix the cause (Test-GroupWritebackConfiguration shows every prerequisite), then run Reset-GroupProvisioning.')
    Complete 1 'the job is quarantined'
}

$run = @{} + $common
if ($Full) { $run.Full = $true }
if ($ClientSecretCredentialName) { $run.ClientSecret = (Get-AutomationPSCredential -Name $ClientSecretCredentialName).Password }
if ($CertificateThumbprint) { $run.CertificateThumbprint = $CertificateThumbprint }

# The pattern that works under $ErrorActionPreference = 'Stop': groups that fail are written as errors while the
# cycle goes on (they never stop it); the cycle then ends with ONE summary error, which lands in this catch with
# $LASTEXITCODE already set (3). A configuration error (2) or a failed cycle (1) lands here too. Held deletes,
# failed groups and quarantine are also announced as warnings that name the cmdlet to run next.
try {
    Get-AutomationPSCredential -Name $DirectoryCredentialName | Start-GroupProvisioning @run -PassThru -OutVariable summary | Out-Null
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    if ($LASTEXITCODE -ne 3) { Complete $(if ($LASTEXITCODE) { $LASTEXITCODE } else { 1 }) 'the cycle failed' }
}
$code = $LASTEXITCODE
$summary = $summary | Select-Object -First 1

$summary | Format-List | Out-String -Width 200 | Write-Output
Complete $code $(if ($code -eq 4) { 'deletes are held for approval' } else { "the cycle ended with status $($summary.Status)" })
