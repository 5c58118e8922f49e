function Get-GroupWritebackMigration {
    <#
    .SYNOPSIS
    Discovers the groups Entra Connect Sync group writeback v2 wrote under an OU, and what a migration would do
    with each.

    .DESCRIPTION
    Lists every AD group below -SearchBase that Entra Connect marked as written back (adminDescription =
    Group_<objectId>), with its cloud group, whether it is eligible for adoption by this job (a security group whose
    cloud group exists, is not mail-enabled and is in this job's scope, one AD object per cloud group, no other
    msDS-ExternalDirectoryObjectId on it) and the planned action with its reason:

      adopt                      stamp msDS-ExternalDirectoryObjectId; the job then manages it in place (same SID)
      alreadyAnchored            already stamped: managed in place
      leaveM365                  a Microsoft 365 group: stays with group writeback v1, never touched
      leaveCloudGroupGone        the cloud group was deleted
      leaveNotEligible           mail-enabled, not security, out of this job's scope, or not Universal
      conflictDuplicate          two AD objects carry the same adminDescription: keep one first
      conflictAnchoredElsewhere  it already carries another msDS-ExternalDirectoryObjectId

    Nothing is written. The output objects can be filtered and exported (Export-Csv) for review. See
    docs/migration.md for the whole procedure, including the Connect side.

    .PARAMETER SearchBase
    The OU Entra Connect writes groups to (its "writeback OU"), e.g. 'OU=Connect Groups,DC=contoso,DC=com'.

    .PARAMETER Credential
    An account to read AD with instead of the job's directory account (any account that can read the OU).

    .PARAMETER Eligible
    Only the eligible groups (adopt and alreadyAnchored).

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Get-GroupWritebackMigration -SearchBase 'OU=Connect Groups,DC=contoso,DC=com'

    Action          Eligible CloudDisplayName     DistinguishedName
    ------          -------- ----------------     -----------------
    adopt           True     Finance              CN=Group_678c2aa7-…,OU=Connect Groups,DC=contoso,DC=com
    leaveM365       False    Team Site            CN=Group_c0c8dfbd-…,OU=Connect Groups,DC=contoso,DC=com

    .EXAMPLE
    Get-GroupWritebackMigration -SearchBase $ou | Where-Object { -not $_.eligible } | Select-Object dn, action, reason | Export-Csv ./not-migrated.csv

    Exports every group the migration leaves alone, with the reason, for review.

    .OUTPUTS
    GroupWriteback.MigrationGroup
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.MigrationGroup')]
    param(
        [Parameter(Mandatory)][string]$SearchBase,
        [System.Management.Automation.PSCredential]$Credential,
        [switch]$Eligible,
        [string]$ConfigPath,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    $call = New-GwbMigrationCall -ConfigPath $ConfigPath -SearchBase $SearchBase -Credential $Credential -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    if ($Eligible) { $call.Parameters.eligibleOnly = $true }
    Invoke-GwbOperation -Operation 'migrate-plan' -Parameters $call.Parameters -Secrets $call.Secrets -Cmdlet $PSCmdlet
}
