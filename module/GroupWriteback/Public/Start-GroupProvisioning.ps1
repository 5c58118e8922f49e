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

    Progress is shown per phase with counts (Write-Progress). Groups that fail are reported as non-terminating
    errors and retried next cycle. $LASTEXITCODE is 0 on success, 3 when some objects failed, 4 when deletes were
    held, 1 when the cycle failed, 130 when cancelled — end a runbook with `exit $LASTEXITCODE`.

    With -WhatIf nothing is written: the cycle is planned against the live directory and each planned change is
    printed as a "What if:" line.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Full
    Read every group and member and reconcile everything, reverting changes made by hand in AD.

    .PARAMETER PassThru
    Return the run summary (GroupWriteback.RunSummary).

    .PARAMETER Credential
    The directory account's credential (its password is used; the account is directory.bindDn). Accepts pipeline input, e.g. from Get-AutomationPSCredential.

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
    Get-AutomationPSCredential -Name 'GroupWriteback LDAP' | Start-GroupProvisioning -ConfigPath C:\GroupWriteback\contoso.json; exit $LASTEXITCODE

    In an Azure Automation runbook on a hybrid worker (managed identity sign-in; the LDAP password from a credential asset).

    .OUTPUTS
    None, or GroupWriteback.RunSummary with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GroupWriteback.RunSummary')]
    param(
        [string]$ConfigPath,
        [switch]$Full,
        [switch]$PassThru,
        [Parameter(ValueFromPipeline)][System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $params = @{ configPath = $path }
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
        $kind = if ($Full) { 'a full provisioning cycle' } else { 'a provisioning cycle' }
        if (-not $PSCmdlet.ShouldProcess($path, "Run $kind")) { return }
        $summary = Invoke-GwbOperation -Operation 'run' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet
        if ($PassThru) { $summary }
    }
}
