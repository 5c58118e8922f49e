#Requires -Version 7.4
#Requires -RunAsAdministrator
<#
.SYNOPSIS
Registers a Windows scheduled task that runs GroupWriteback in watch mode from boot, as a service would.

.DESCRIPTION
The task starts at system start-up under a (group) managed service account, runs
`Start-GroupProvisioning -Watch` in pwsh, restarts every minute if it ever ends with an error, and has no
execution time limit. Stopping the task (Stop-ScheduledTask, or the Task Scheduler UI) ends pwsh, whose bridge
tells the core to stop: the cycle stops at a safe point, the state is saved and the lease released.

With state.store "directory", register the same task on two or more hybrid workers: one holds the job's lease
and watches, the others stand by and take over within state.leaseSeconds (docs/hybrid-workers.md).

The LDAP password and the Graph credential are referenced from the configuration ({"env": …}/{"file": …}) or the
app signs in with a certificate from the machine store (tenant.auth.certificateThumbprint): nothing secret is put
in the task's command line.

.PARAMETER ConfigPath
The job's configuration file.

.PARAMETER Account
The account the task runs as: a gMSA (DOMAIN\gmsa-gwb$) is recommended; it needs the AD delegation described in
docs/hybrid-workers.md and read access to the configuration and its secret files.

.PARAMETER Interval
Seconds between delta cycles (default 5).

.EXAMPLE
.\Register-GroupWritebackWatchTask.ps1 -ConfigPath C:\GroupWriteback\contoso.json -Account 'CONTOSO\gmsa-gwb$'

.EXAMPLE
Stop-ScheduledTask -TaskName 'GroupWriteback watch'; Start-ScheduledTask -TaskName 'GroupWriteback watch'
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)][string]$ConfigPath,
    [Parameter(Mandatory)][string]$Account,
    [ValidateRange(1, 3600)][int]$Interval = 5,
    [string]$TaskName = 'GroupWriteback watch'
)

$pwsh = Join-Path $PSHOME 'pwsh.exe'
$command = "Import-Module GroupWriteback; Start-GroupProvisioning -ConfigPath '$($ConfigPath.Replace("'", "''"))' -Watch -Interval $Interval -Confirm:`$false; exit `$LASTEXITCODE"
$action = New-ScheduledTaskAction -Execute $pwsh -Argument "-NoProfile -NonInteractive -Command `"$command`""
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -StartWhenAvailable -MultipleInstances IgnoreNew -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
$principal = if ($Account -like '*$') {
    New-ScheduledTaskPrincipal -UserId $Account -LogonType Password -RunLevel Limited   # gMSA: no password stored
} else {
    New-ScheduledTaskPrincipal -UserId $Account -LogonType S4U -RunLevel Limited
}
if ($PSCmdlet.ShouldProcess($TaskName, "Register a scheduled task running GroupWriteback watch as $Account")) {
    Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -Principal $principal -Force |
        Select-Object TaskName, State
}
