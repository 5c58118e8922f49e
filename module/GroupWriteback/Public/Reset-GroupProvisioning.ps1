function Reset-GroupProvisioning {
    <#
    .SYNOPSIS
    Clears the quarantine of the provisioning job, and optionally forgets the delta token (the next cycle is full)
    and the failed objects' retry counters.

    .DESCRIPTION
    After repeated totally failed cycles (bad credentials, a DC down, missing permissions) the job is quarantined
    and cycles stop. Fix the cause (Test-GroupWritebackConfiguration helps), then reset. -Full makes the next cycle
    read everything and reconcile AD, as after "Restart sync" in the Entra admin center.

    With -Full the reset is a high-impact change (a full cycle rewrites every group and reverts every change made
    by hand in AD): it asks for confirmation, like a ConfirmImpact High cmdlet, unless -Confirm:$false is given.
    Without -Full it asks only with -Confirm.

    .PARAMETER Full
    Forget the delta token: the next cycle is a full one.

    .PARAMETER ClearFailed
    Forget the failed objects' retry counters.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER PassThru
    Return the job status after the reset (GroupWriteback.Status).

    .EXAMPLE
    Reset-GroupProvisioning -Full

    Asks, then clears the quarantine and makes the next cycle full.

    .EXAMPLE
    Reset-GroupProvisioning -Full -Confirm:$false

    The same in a script, without asking.

    .EXAMPLE
    Reset-GroupProvisioning -ClearFailed -Confirm -PassThru | Select-Object State, NextCycle

    Asks first, also forgets the failed objects' retry counters, and shows the new state.

    .OUTPUTS
    None, or GroupWriteback.Status with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GroupWriteback.Status')]
    param(
        [switch]$Full,
        [switch]$ClearFailed,
        [string]$ConfigPath,
        [switch]$PassThru
    )
    # -Full is a high-impact change: ask at the default $ConfirmPreference (High), as ConfirmImpact High would.
    if ($Full -and -not $PSBoundParameters.ContainsKey('Confirm') -and $ConfirmPreference -ne 'None') { $ConfirmPreference = 'Medium' }
    $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
    $what = @('Clear the quarantine')
    if ($Full) { $what += 'forget the delta token (the next cycle is full)' }
    if ($ClearFailed) { $what += 'forget the failed objects' }
    if (-not $PSCmdlet.ShouldProcess($path, ($what -join ', '))) { return }
    $params = @{ configPath = $path }
    if ($Full) { $params.full = $true }
    if ($ClearFailed) { $params.clearFailed = $true }
    $status = Invoke-GwbOperation -Operation 'reset' -Parameters $params -Cmdlet $PSCmdlet
    if ($PassThru) { $status }
}
