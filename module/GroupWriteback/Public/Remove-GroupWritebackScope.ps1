function Remove-GroupWritebackScope {
    <#
    .SYNOPSIS
    Unselects groups: removes their object ids from the scope of a configuration in "selected" mode.

    .DESCRIPTION
    Takes group object ids from -GroupId or from the pipeline: strings, or any object with an Id (or GroupId)
    property, such as the output of Microsoft.Graph's Get-MgGroup or of Get-GroupWritebackScope. The configuration
    file is written once, atomically, after all input is read. One row per group says what changed (Removed or NotSelected).
    What happens to the AD group at the next cycle follows lifecycle.onScopeExit (default: leave it as it is).

    .PARAMETER GroupId
    Object ids of Entra ID groups. Alias: Id.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .EXAMPLE
    Remove-GroupWritebackScope -GroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957

    .EXAMPLE
    Get-GroupWritebackScope | Where-Object DisplayName -like 'Test*' | Remove-GroupWritebackScope -WhatIf

    Shows which test groups would leave the scope.

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
            if ($PSCmdlet.ShouldProcess($id, 'Remove from the provisioning scope')) { $ids.Add($id) }
        }
    }
    end {
        if ($ids.Count -eq 0) { return }
        Invoke-GwbOperation -Operation 'config.scope' -Parameters @{ configPath = $path; remove = $ids.ToArray() } -Cmdlet $PSCmdlet
    }
}
