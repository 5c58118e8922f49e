function Start-GroupProvisioning {
    <#
    .SYNOPSIS
    Runs one provisioning cycle: makes Active Directory match the cloud security groups in scope.

    .DESCRIPTION
    Reads the changes since the last cycle from Microsoft Graph (delta), or everything on the first run, with -Full,
    after the delta token expired or after the scope, target or mappings changed, and writes them to AD: creates,
    updates, renames and moves groups, adds and removes members, and applies the lifecycle rules to deleted groups
    and groups that left scope. Deletes beyond safety.deleteThreshold are held until approved
    (Approve-GroupProvisioningDeletion). A full cycle also reverts changes made by hand in AD.

    Progress is shown per phase with counts (Write-Progress). A group that fails is reported as a non-terminating
    error as it happens and retried next cycle; it never cuts the cycle short, whatever $ErrorActionPreference is.
    When groups failed, the cycle ends with ONE summary error (GroupWriteback.CyclePartiallyFailed) after every group
    was processed: under $ErrorActionPreference = 'Stop' that summary is what stops the script, with
    $LASTEXITCODE already set (see the runbook example).

    Before the first write the cycle checks what every write depends on: the target OU(s) exist, the account may
    create groups there, and the schema has msDS-ExternalDirectoryObjectId. A miss is one terminating error
    (GroupWriteback.TargetContainerNotFound, ...AccessDenied, SchemaAttributeMissing), nothing is written, and the
    failed cycle counts toward quarantine.

    Held deletes, failed groups and quarantine are announced with Write-Warning naming the cmdlet to run next, with
    or without -PassThru.

    $LASTEXITCODE is 0 on success, 3 when some groups failed, 4 when deletes are held, 2 when the configuration or
    a prerequisite is wrong, 1 when the cycle failed, 130 when cancelled — end a runbook with `exit $LASTEXITCODE`.

    With -WhatIf nothing is written: the cycle is planned against the live directory and each planned change is
    printed as a "What if:" line. Get-GroupProvisioningPlan returns the same plan as objects.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Full
    Read every group and member and reconcile everything, reverting changes made by hand in AD.

    .PARAMETER Watch
    Keep running: one long-lived core runs a delta cycle every -Interval seconds, so changes reach AD within
    seconds. It rides out DC and Graph outages (exponential backoff up to 5 minutes, honouring Graph's
    Retry-After) and never stops on a failed cycle. Cycles that changed something are returned as
    GroupWriteback.RunSummary objects; quiet ones are Verbose lines. Stop it with Ctrl+C, Stop-Job, or by
    stopping the service or scheduled task. With the directory state store (state.store "directory") one worker
    of a hybrid worker group holds the job's lease and watches; the others stand by and take over within the
    lease duration if it stops. With -WhatIf, one cycle is planned.

    .PARAMETER Interval
    With -Watch: seconds between delta cycles (default 5, at least 1). Five seconds keeps an idle tenant's Graph
    cost at 0.2 resource units per second, far below Graph's throttling limits.

    .PARAMETER PassThru
    Return the run summary (GroupWriteback.RunSummary). With -Watch, summaries are always returned.

    .PARAMETER Credential
    The directory account's credential. The cycle binds as its user name (a DN, user@domain or DOMAIN\user), as the
    ActiveDirectory module does with -Credential; directory.bindDn is used only when the password comes from the
    configuration. Accepts pipeline input, e.g. from Get-AutomationPSCredential.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Start-GroupProvisioning -WhatIf

    What if: Create group 'Sales Team' as CN=Sales Team_a8d1f2c3b4e5,OU=Cloud Groups,DC=contoso,DC=com [cn, description, displayName, ...]
    What if: Add 2 member(s) to group 'Sales Team' CN=Sales Team_a8d1f2c3b4e5,OU=Cloud Groups,DC=contoso,DC=com: CN=Alice Adams,...; CN=Bob Berg,...

    .EXAMPLE
    Start-GroupProvisioning -Credential (Get-Credential CONTOSO\svc-gwb) -ClientSecret $secret -PassThru

    Runs a cycle and returns its summary: counts of groups created, updated, deleted, members added and removed.

    .EXAMPLE
    Start-GroupProvisioning -Watch -Interval 5 -Verbose

    Watches Entra ID and applies each change within seconds until Ctrl+C. Quiet cycles show as Verbose lines.

    .EXAMPLE
    $job = Start-ThreadJob { Start-GroupProvisioning -ConfigPath C:\GroupWriteback\contoso.json -Watch }; Stop-Job $job

    Watches in the background; Stop-Job ends it cleanly (the core finishes its write, releases the lease, exits).

    .EXAMPLE
    $ErrorActionPreference = 'Stop'
    try {
        Get-AutomationPSCredential -Name 'GroupWriteback LDAP' | Start-GroupProvisioning -ConfigPath C:\GroupWriteback\contoso.json
    }
    catch { Write-Output "Cycle ended with: $($_.Exception.Message)" }
    exit $LASTEXITCODE

    In an Azure Automation runbook on a hybrid worker (managed identity sign-in; the LDAP password from a credential
    asset). Failed groups are written as errors while the cycle goes on; the catch receives the one summary error
    (or a configuration error), and the job ends with the cycle's exit code: 0, 2, 3 or 4.

    .OUTPUTS
    None, or GroupWriteback.RunSummary with -PassThru (with -Watch: one per cycle that changed something).
    With the directory state store, every provisioning log entry is also written to the output stream as a
    GroupWriteback.LogEntry (a runbook's job output keeps the log of whichever worker ran the cycle).
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Once')]
    [OutputType('GroupWriteback.RunSummary', 'GroupWriteback.LogEntry')]
    param(
        [string]$ConfigPath,
        [Parameter(ParameterSetName = 'Once')][switch]$Full,
        [Parameter(ParameterSetName = 'Watch', Mandatory)][switch]$Watch,
        [Parameter(ParameterSetName = 'Watch')][ValidateRange(1, 3600)][double]$Interval = 5,
        [switch]$PassThru,
        [Parameter(ValueFromPipeline)][System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $params = @{ configPath = $path; streamLog = 'auto' }
        if ($Full) { $params.full = $true }

        if ($WhatIfPreference) {
            $params.noSkips = $true
            Invoke-GwbOperation -Operation 'plan' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet | ForEach-Object {
                $line = Format-GwbPlanAction -Action $_
                if ($line) { [void]$PSCmdlet.ShouldProcess($line, $line, 'Start-GroupProvisioning') }
                else { Write-Verbose "Planned: $($_.action) $($_.groupId) $($_.reason)" }
            }
            return
        }
        if ($Watch) {
            if (-not $PSCmdlet.ShouldProcess($path, "Watch Entra ID and provision every $Interval s until stopped")) { return }
            Invoke-GwbOperation -Operation 'watch' -Parameters @{ configPath = $path; intervalSeconds = $Interval; streamLog = 'auto' } -Secrets $secrets -Cmdlet $PSCmdlet
            return
        }
        $kind = if ($Full) { 'a full provisioning cycle' } else { 'a provisioning cycle' }
        if (-not $PSCmdlet.ShouldProcess($path, "Run $kind")) { return }
        # Log entries (directory state store) always go to the output stream; the summary only with -PassThru.
        Invoke-GwbOperation -Operation 'run' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet | Where-Object {
            $PassThru -or $_.PSObject.TypeNames -contains 'GroupWriteback.LogEntry'
        }
    }
}
