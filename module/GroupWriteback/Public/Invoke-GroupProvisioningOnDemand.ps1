function Invoke-GroupProvisioningOnDemand {
    <#
    .SYNOPSIS
    Provisions one group now — and, optionally, up to five of its members — and reports each step.

    .DESCRIPTION
    Like "Provision on demand" in the Entra admin center: imports the group from Microsoft Graph, checks its scope,
    matches it in AD, maps its attributes, creates or updates the AD group, and adds (or removes) the named members.
    Other members are not touched; the next cycle reconciles them. Deleted groups cannot be provisioned on demand.

    Each step is returned as a GroupWriteback.OnDemandStep (Import, Scope, Match, Map, Action, Member) with its
    status (Success, Skipped, Failed) and details. With -WhatIf nothing is written and the planned action and
    member steps are printed as "What if:" lines.

    .PARAMETER GroupId
    Object id of the Entra ID group. Takes pipeline input by property name (Id or GroupId), e.g. from Get-MgGroup or Get-GroupWritebackScope.

    .PARAMETER MemberId
    Object ids of up to five members (users or groups) to provision now.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Credential
    The directory account's credential; the core binds as its user name (a DN, user@domain or DOMAIN\user), not directory.bindDn.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Invoke-GroupProvisioningOnDemand -GroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957 -MemberId 84b80893-8749-40a3-97b7-68513b600544

    Index Step   Status  Description
    ----- ----   ------  -----------
        1 Import Success Read group 'Sales Team' from Entra ID.
        2 Scope  Success The group is in scope (selected).
        ...
        6 Member Success Added CN=Trevor Jones,OU=Users,DC=contoso,DC=com.

    .EXAMPLE
    Get-MgGroup -Filter "displayName eq 'Sales Team'" | Invoke-GroupProvisioningOnDemand -WhatIf

    Shows what provisioning the group would do, without writing.

    .OUTPUTS
    GroupWriteback.OnDemandStep
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GroupWriteback.OnDemandStep')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Id')]
        [string]$GroupId,
        [ValidateCount(1, 5)]
        [string[]]$MemberId,
        [string]$ConfigPath,
        [System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    begin {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    }
    process {
        $params = @{ configPath = $path; groupId = $GroupId }
        if ($MemberId) { $params.memberIds = @($MemberId) }
        if ($WhatIfPreference) {
            $params.whatIf = $true
            Invoke-GwbOperation -Operation 'on-demand' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet | ForEach-Object {
                if ($_.step -in 'Action', 'Member' -and $_.status -eq 'Success') {
                    [void]$PSCmdlet.ShouldProcess($_.description, $_.description, 'Invoke-GroupProvisioningOnDemand')
                }
                else { Write-Verbose "$($_.step): $($_.status): $($_.description)" }
            }
            return
        }
        if ($PSCmdlet.ShouldProcess($GroupId, 'Provision the group on demand')) {
            Invoke-GwbOperation -Operation 'on-demand' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet
        }
    }
}
