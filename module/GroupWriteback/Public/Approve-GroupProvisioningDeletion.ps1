function Approve-GroupProvisioningDeletion {
    <#
    .SYNOPSIS
    Approves a batch of group deletes (or empties/conversions) that the accidental-delete threshold held, or of
    member removals that the member-removal guard held; the next cycle applies exactly those.

    .DESCRIPTION
    When a cycle would delete more groups than safety.deleteThreshold allows, none of those deletes is applied: they
    are kept as a held batch, the cycle ends with $LASTEXITCODE 4 and Get-GroupProvisioningStatus shows State Held.
    The same happens to a group's member removals when one cycle would remove more than
    safety.memberRemovalThreshold.percent of a large group's members (what a broken Graph read looks like); after
    approval the next cycle removes those held members that are still absent from the cloud group, and no others.
    Check the batch (Get-GroupProvisioningStatus, Get-GroupProvisioningLog -Action Held), then approve it. Without
    -BatchId, the one held batch is approved (an error says so when there are several).

    .PARAMETER BatchId
    The held batch to approve. Takes pipeline input by property name, e.g. from (Get-GroupProvisioningStatus).HeldBatches.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER PassThru
    Return the approved batch (GroupWriteback.HeldBatch) with its actions.

    .EXAMPLE
    Approve-GroupProvisioningDeletion

    Confirm
    Are you sure you want to perform this action?
    Performing the operation "Approve 612 held action(s): Delete threshold exceeded: ..." on target "batch 3f2c...".

    Asks before approving: like Remove-ADGroup, the cmdlet is ConfirmImpact High, so it asks even through the
    pipeline unless -Confirm:$false is given (or $ConfirmPreference is None).

    .EXAMPLE
    Get-GroupProvisioningPlan | Where-Object HeldIn | Export-Csv ./held-deletes.csv; Approve-GroupProvisioningDeletion -BatchId (Import-Csv ./held-deletes.csv)[0].HeldIn

    Keeps the list of held deletes for the change record, then approves that batch (the batch id a plan shows is
    the id of the batch the cycle holds).

    .EXAMPLE
    Approve-GroupProvisioningDeletion -BatchId 5f0c2a9e-8d41-5b7a-9c3e-1a2b3c4d5e6f -Confirm:$false

    In a runbook, after a person reviewed the batch: approves without asking.

    .EXAMPLE
    (Get-GroupProvisioningStatus).HeldBatches | Approve-GroupProvisioningDeletion -PassThru; Start-GroupProvisioning

    Approves the held batch and applies its deletes at once.

    .OUTPUTS
    None, or GroupWriteback.HeldBatch with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('GroupWriteback.HeldBatch')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)][string]$BatchId,
        [string]$ConfigPath,
        [switch]$PassThru
    )
    begin { $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath }
    process {
        # Name what is being approved in the prompt: the batch, how many actions and why they were held.
        $status = Invoke-GwbOperation -Operation 'status' -Parameters @{ configPath = $path } -Cmdlet $PSCmdlet
        $held = @($status.heldBatches | Where-Object { $_ -and $_.status -eq 'held' -and (-not $BatchId -or $_.batchId -eq $BatchId) })
        $target = if ($BatchId) { "batch $BatchId" } elseif ($held.Count -eq 1) { "batch $($held[0].batchId)" } else { 'the held batch' }
        $what = if ($held.Count -eq 1) { "Approve $($held[0].count) held action(s): $($held[0].reason)" } else { 'Approve the held deletes' }
        if (-not $PSCmdlet.ShouldProcess($target, $what)) { return }
        $params = @{ configPath = $path }
        if ($BatchId) { $params.batchId = $BatchId }
        $batch = Invoke-GwbOperation -Operation 'approve-deletes' -Parameters $params -Cmdlet $PSCmdlet
        if ($PassThru) { $batch }
    }
}
