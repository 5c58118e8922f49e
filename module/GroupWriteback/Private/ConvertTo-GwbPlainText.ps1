function ConvertTo-GwbPlainText {
    <#
    .SYNOPSIS
    Returns the clear text of a SecureString, PSCredential or string, for the bridge's stdin only.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][AllowNull()][object]$Value)

    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Management.Automation.PSCredential]) { return $Value.GetNetworkCredential().Password }
    if ($Value -is [System.Security.SecureString]) { return [System.Net.NetworkCredential]::new('', $Value).Password }
    return [string]$Value
}
