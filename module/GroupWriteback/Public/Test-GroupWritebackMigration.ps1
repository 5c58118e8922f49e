function Test-GroupWritebackMigration {
    <#
    .SYNOPSIS
    Microsoft's migration check: lists every Connect-written group whose msDS-ExternalDirectoryObjectId differs from
    its adminDescription, and whether that is expected.

    .DESCRIPTION
    After Start-GroupWritebackMigration every eligible group carries msDS-ExternalDirectoryObjectId equal to its
    adminDescription. This lists the groups below -SearchBase where the two differ. Each record says whether the
    difference is expected (Microsoft 365 groups, groups whose cloud group is gone, conflicts and groups outside the
    job's scope are left on purpose, with the reason) or not (an eligible group not stamped yet).
    With -FailOnDifference, $LASTEXITCODE is 3 when an unexpected difference is found (for Pester and runbooks).

    .PARAMETER SearchBase
    The OU Entra Connect writes groups to.

    .PARAMETER Credential
    An account to read AD with instead of the job's directory account.

    .PARAMETER All
    Also list the groups whose values agree.

    .PARAMETER FailOnDifference
    Set $LASTEXITCODE to 3 when an eligible group is not stamped.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Test-GroupWritebackMigration -SearchBase 'OU=Connect Groups,DC=contoso,DC=com' | Where-Object { -not $_.expected }

    Nothing returned: every eligible group is stamped.

    .EXAMPLE
    Test-GroupWritebackMigration -SearchBase $ou | Format-Table action, expected, dn -AutoSize

    Shows the groups left on purpose (leaveM365, conflictDuplicate, …).

    .OUTPUTS
    GroupWriteback.MigrationCheck
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.MigrationCheck')]
    param(
        [Parameter(Mandatory)][string]$SearchBase,
        [System.Management.Automation.PSCredential]$Credential,
        [switch]$All,
        [switch]$FailOnDifference,
        [string]$ConfigPath,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    $call = New-GwbMigrationCall -ConfigPath $ConfigPath -SearchBase $SearchBase -Credential $Credential -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    if ($All) { $call.Parameters.all = $true }
    if ($FailOnDifference) { $call.Parameters.failOnDifference = $true }
    Invoke-GwbOperation -Operation 'migrate-verify' -Parameters $call.Parameters -Secrets $call.Secrets -Cmdlet $PSCmdlet
}
