function Add-GroupWritebackScope {
    <#
    .SYNOPSIS
    Selects groups for provisioning: adds their object ids to the scope of a configuration in "selected" mode.

    .DESCRIPTION
    Takes group object ids from -GroupId or from the pipeline: strings, or any object with an Id (or GroupId)
    property, such as the output of Microsoft.Graph's Get-MgGroup or of Get-GroupWritebackScope. The configuration
    file is written once, atomically, after all input is read. One row per group says what changed (Added or AlreadySelected).
    The groups are provisioned by the next Start-GroupProvisioning (or at once with Invoke-GroupProvisioningOnDemand).

    .PARAMETER GroupId
    Object ids of Entra ID groups. Alias: Id.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .EXAMPLE
    Add-GroupWritebackScope -GroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957

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
        [string]$ConfigPath
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
        Invoke-GwbOperation -Operation 'config.scope' -Parameters @{ configPath = $path; add = $ids.ToArray() } -Cmdlet $PSCmdlet
    }
}
