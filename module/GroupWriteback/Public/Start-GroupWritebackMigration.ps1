function Start-GroupWritebackMigration {
    <#
    .SYNOPSIS
    Adopts the groups Entra Connect Sync group writeback v2 wrote, in place (same objectGUID and SID), or undoes
    that with -Undo.

    .DESCRIPTION
    Microsoft's migration step 1, done safely: for every eligible group below -SearchBase (see
    Get-GroupWritebackMigration) it copies adminDescription (Group_<objectId>) into msDS-ExternalDirectoryObjectId,
    so the next Start-GroupProvisioning matches the group and manages it where it is instead of creating a new one
    with a new SID. Microsoft 365 groups, conflicting pairs, groups whose cloud group is gone and groups outside the
    job's scope are never stamped.

    The stamps are written in batches and recorded in a journal (migration-journal.jsonl in the state folder)
    before and after each write, so a migration stopped at any point (even killed) is finished by running it again,
    and -Undo removes exactly the stamps migrations wrote. The job's configuration gets the Connect OU in
    target.managedContainers (the groups stay where they are) and, with -KeepCnFormat, a cn mapping that keeps
    Connect's names (Append("Group_",[objectId])). The next cycle is a full one.

    Writing to Connect's OU usually needs more rights than the job's account has (Microsoft: "needs domain admin"):
    pass -Credential for an account allowed to write there. Grant the job's account read/write on the groups of that
    OU before the first cycle (docs/migration.md). The Connect side (staging mode, sync rules, disabling writeback v2)
    is in docs/migration.md.

    Because it changes objects outside the job's own OU, this command asks for confirmation unless -Confirm:$false.

    .PARAMETER SearchBase
    The OU Entra Connect writes groups to, e.g. 'OU=Connect Groups,DC=contoso,DC=com'.

    .PARAMETER Credential
    An account allowed to write msDS-ExternalDirectoryObjectId on the groups of that OU (e.g. a domain admin).
    Default: the job's directory account.

    .PARAMETER KeepCnFormat
    Keep Connect's CN format so no group is renamed: writes the cn mapping Append("Group_",[objectId]) into the
    configuration when the groups use Connect's default CN (only for new groups when both formats are found).

    .PARAMETER BatchSize
    Groups per batch (default 100): progress is reported and cancellation honoured between batches.

    .PARAMETER Undo
    Remove exactly the stamps migrations wrote (per the journal; a value changed since is left alone) and restore the
    configuration keys they changed.

    .PARAMETER PassThru
    Return the result (GroupWriteback.MigrationResult, or GroupWriteback.MigrationUndo with -Undo).

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Start-GroupWritebackMigration -SearchBase 'OU=Connect Groups,DC=contoso,DC=com' -Credential (Get-Credential CONTOSO\admin) -KeepCnFormat -WhatIf

    What if: Stamp msDS-ExternalDirectoryObjectId=Group_678c2aa7-… on CN=Group_678c2aa7-…,OU=Connect Groups,DC=contoso,DC=com (Finance)
    What if: Set target.managedContainers in C:\GroupWriteback\contoso.json: adopted groups stay in OU=Connect Groups,…

    .EXAMPLE
    Start-GroupWritebackMigration -SearchBase $ou -Credential $admin -KeepCnFormat -PassThru; Start-GroupProvisioning; Test-GroupWritebackMigration -SearchBase $ou

    Adopts the groups, runs the first (full) cycle, then checks that every eligible group is stamped.

    .EXAMPLE
    Start-GroupWritebackMigration -Undo -Credential $admin -Confirm:$false

    Removes the stamps again (before disabling writeback v2 in Connect, this returns to the starting point).

    .OUTPUTS
    None, or GroupWriteback.MigrationResult / GroupWriteback.MigrationUndo with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Apply')]
    [OutputType('GroupWriteback.MigrationResult', 'GroupWriteback.MigrationUndo')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Apply')][string]$SearchBase,
        [System.Management.Automation.PSCredential]$Credential,
        [Parameter(ParameterSetName = 'Apply')][switch]$KeepCnFormat,
        [Parameter(ParameterSetName = 'Apply')][ValidateRange(1, 5000)][int]$BatchSize,
        [Parameter(Mandatory, ParameterSetName = 'Undo')][switch]$Undo,
        [switch]$PassThru,
        [string]$ConfigPath,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    $call = New-GwbMigrationCall -ConfigPath $ConfigPath -SearchBase $SearchBase -Credential $Credential -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    $params = $call.Parameters
    $path = $params.configPath

    if ($Undo) {
        if ($WhatIfPreference) {
            $params.whatIf = $true
            $r = Invoke-GwbOperation -Operation 'migrate-undo' -Parameters $params -Secrets $call.Secrets -Cmdlet $PSCmdlet
            foreach ($u in @($r.unstamped)) {
                $line = "Remove msDS-ExternalDirectoryObjectId=$($u.removed) from $($u.dn)"
                [void]$PSCmdlet.ShouldProcess($line, $line, 'Start-GroupWritebackMigration')
            }
            foreach ($c in @($r.configRestored)) {
                $line = "Restore $($c.key) in $path"
                [void]$PSCmdlet.ShouldProcess($line, $line, 'Start-GroupWritebackMigration')
            }
            return
        }
        if (-not $PSCmdlet.ShouldProcess($path, 'Remove the msDS-ExternalDirectoryObjectId stamps migrations wrote, and restore the configuration they changed')) { return }
        $r = Invoke-GwbOperation -Operation 'migrate-undo' -Parameters $params -Secrets $call.Secrets -Cmdlet $PSCmdlet
        if ($PassThru) { $r }
        return
    }

    if ($KeepCnFormat) { $params.keepCnFormat = $true }
    if ($WhatIfPreference) {
        $params.includeConfig = $true
        Invoke-GwbOperation -Operation 'migrate-plan' -Parameters $params -Secrets $call.Secrets -Cmdlet $PSCmdlet | ForEach-Object {
            if ($_.PSObject.TypeNames -contains 'GroupWriteback.MigrationConfigChange') {
                $line = "Set $($_.key) in $($_.configPath): $($_.reason)"
                [void]$PSCmdlet.ShouldProcess($line, $line, 'Start-GroupWritebackMigration')
            }
            elseif ($_.action -eq 'adopt') {
                $line = "Stamp msDS-ExternalDirectoryObjectId=Group_$($_.cloudId) on $($_.dn) ($($_.cloudDisplayName))"
                [void]$PSCmdlet.ShouldProcess($line, $line, 'Start-GroupWritebackMigration')
            }
            else { Write-Verbose "Left: $($_.dn) [$($_.action)] $($_.reason)" }
        }
        return
    }
    if ($BatchSize) { $params.batchSize = $BatchSize }
    if (-not $PSCmdlet.ShouldProcess($SearchBase, 'Stamp msDS-ExternalDirectoryObjectId on the eligible Connect-written groups and point the job at them')) { return }
    $r = Invoke-GwbOperation -Operation 'migrate-apply' -Parameters $params -Secrets $call.Secrets -Cmdlet $PSCmdlet
    if ($PassThru) { $r }
}
