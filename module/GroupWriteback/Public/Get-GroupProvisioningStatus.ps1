function Get-GroupProvisioningStatus {
    <#
    .SYNOPSIS
    Shows the state of the provisioning job: the last cycle and its counts, the next cycle's kind, held deletes,
    failed objects and quarantine.

    .DESCRIPTION
    Reads the state store of the configuration (no connection to Graph or AD, no secret needed). State is one of
    Healthy, NeverRun, Running, Failing, Held (deletes wait for Approve-GroupProvisioningDeletion) or Quarantined
    (cycles stopped after repeated total failures; fix the cause, then Reset-GroupProvisioning).

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .EXAMPLE
    Get-GroupProvisioningStatus

    Shows the state, the last cycle, managed groups, held batches and quarantine as a list.

    .EXAMPLE
    (Get-GroupProvisioningStatus).HeldBatches | Approve-GroupProvisioningDeletion

    Approves the held batch of deletes.

    .OUTPUTS
    GroupWriteback.Status
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.Status')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)][string]$ConfigPath
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        Invoke-GwbOperation -Operation 'status' -Parameters @{ configPath = $path } -Cmdlet $PSCmdlet
    }
}
