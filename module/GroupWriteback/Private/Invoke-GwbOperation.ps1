function Invoke-GwbOperation {
    <#
    .SYNOPSIS
    Runs a core operation through the bridge (Invoke-GwbCore) and, like a native command, leaves the core's exit
    code in $LASTEXITCODE (0 success, 1 failed, 2 usage/configuration, 3 some objects failed, 4 deletes held,
    130 cancelled), so a runbook run with `pwsh -File` can end with `exit $LASTEXITCODE`.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Operation,
        [hashtable]$Parameters = @{},
        [hashtable]$Secrets = @{},
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $script:GwbLastExitCode = $null
    try {
        Invoke-GwbCore -Operation $Operation -Parameters $Parameters -Secrets $Secrets -Cmdlet $Cmdlet
    }
    finally {
        $global:LASTEXITCODE = if ($null -ne $script:GwbLastExitCode) { $script:GwbLastExitCode } else { 1 }
    }
}
