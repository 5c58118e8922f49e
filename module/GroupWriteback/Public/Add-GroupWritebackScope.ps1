function Add-GroupWritebackScope {
    <#
    .SYNOPSIS
    Selects groups for provisioning: adds their object ids to the scope of a configuration in "selected" mode.

    .DESCRIPTION
    Takes group object ids from -GroupId or from the pipeline: strings, or any object with an Id (or GroupId)
    property, such as the output of Microsoft.Graph's Get-MgGroup or of Get-GroupWritebackScope. The configuration
    file is written once, atomically, after all input is read. One row per group says what changed (Added or AlreadySelected).
    The groups are provisioned by the next Start-GroupProvisioning (or at once with Invoke-GroupProvisioningOnDemand).

    The ids are then checked against Entra ID: an id that is not a group (or a deleted one), and a group that is
    never provisioned (Microsoft 365, mail-enabled, not security-enabled, synced from AD), gets a warning — it is
    selected, but nothing will be provisioned for it. The check signs in like the other cmdlets (managed identity,
    or the secret given with -ClientSecret / -CertificatePassword / -CertificateThumbprint); when it cannot, one
    warning says the ids were not checked.

    .PARAMETER GroupId
    Object ids of Entra ID groups. Alias: Id.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString (to check the ids against Entra ID).

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .EXAMPLE
    Add-GroupWritebackScope -GroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957

    .EXAMPLE
    Add-GroupWritebackScope -GroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957, 0b1c7a52-6f0e-4d8e-a3a1-2c9f5d7e8b10 -ClientSecret $secret

    WARNING: Group 0b1c7a52-6f0e-4d8e-a3a1-2c9f5d7e8b10 ('Marketing 365') is not eligible for provisioning: Microsoft 365 group (only security groups are provisioned). It is selected, but it will not be provisioned.

    .EXAMPLE
    Get-MgGroup -Filter "startswith(displayName,'Sales')" | Add-GroupWritebackScope

    Selects every group whose name starts with Sales (Microsoft.Graph output has an Id property).

    .OUTPUTS
    GroupWriteback.ScopeChange
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GroupWriteback.ScopeChange')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('Id')]
        [string[]]$GroupId,
        [string]$ConfigPath,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    begin {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $ids = [System.Collections.Generic.List[string]]::new()
    }
    process {
        foreach ($id in $GroupId) {
            if ($PSCmdlet.ShouldProcess($id, 'Add to the provisioning scope')) { $ids.Add($id) }
        }
    }
    end {
        if ($ids.Count -eq 0) { return }
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        Invoke-GwbOperation -Operation 'config.scope' -Parameters @{ configPath = $path; add = $ids.ToArray() } -Secrets $secrets -Cmdlet $PSCmdlet
    }
}
