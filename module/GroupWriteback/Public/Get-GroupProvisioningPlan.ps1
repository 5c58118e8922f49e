function Get-GroupProvisioningPlan {
    <#
    .SYNOPSIS
    Returns what the next provisioning cycle would change, as objects: the plan Start-GroupProvisioning -WhatIf
    prints, to filter, count and export before anything is written or approved.

    .DESCRIPTION
    Plans the cycle against the live directory and Microsoft Graph exactly as Start-GroupProvisioning -WhatIf does
    (the same core operation) and writes nothing. Each planned change is one GroupWriteback.PlanAction with the same
    properties every time: Action (create, update, rename, move, renameAndMove, memberAdd, memberRemove, delete,
    empty, convertToDistribution, leave, skip, error), GroupId, DisplayName, Dn, NewDn, Count, Members, Changes,
    Reason, Cause, HeldIn (the batch a delete is held in when it exceeds safety.deleteThreshold — the same id the
    cycle then holds and Approve-GroupProvisioningDeletion takes), SourceId, SourceType, ErrorCode, Hint and
    Description (the -WhatIf line).

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Full
    Plan a full cycle (every group and member; reverts changes made by hand in AD).

    .PARAMETER IncludeSkipped
    Also return the skip records: groups out of scope and members that cannot be provisioned, with the reason.

    .PARAMETER Credential
    The directory account's credential; the cycle binds as its user (a DN, user@domain or DOMAIN\user).

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Get-GroupProvisioningPlan -Credential $cred -ClientSecret $secret | Group-Object Action -NoElement

    Count Name
    ----- ----
       12 create
      340 memberAdd
      600 delete

    .EXAMPLE
    Get-GroupProvisioningPlan | Where-Object Action -in 'delete', 'empty' | Export-Csv ./planned-deletes.csv

    Keeps the 600 planned deletes for review before approving the held batch (see the HeldIn column).

    .EXAMPLE
    Get-GroupProvisioningPlan -IncludeSkipped | Where-Object Action -eq 'skip' | Format-List DisplayName, SourceId, Reason

    Why groups and members are not provisioned.

    .OUTPUTS
    GroupWriteback.PlanAction
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.PlanAction')]
    param(
        [string]$ConfigPath,
        [switch]$Full,
        [switch]$IncludeSkipped,
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
        if (-not $IncludeSkipped) { $params.noSkips = $true }
        Invoke-GwbOperation -Operation 'plan' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet | ForEach-Object { ConvertTo-GwbPlanRecord -Action $_ }
    }
}
