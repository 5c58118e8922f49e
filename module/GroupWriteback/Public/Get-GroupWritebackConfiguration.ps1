function Get-GroupWritebackConfiguration {
    <#
    .SYNOPSIS
    Shows a GroupWriteback configuration: the settings in effect (defaults filled in) and where its secrets come from.

    .DESCRIPTION
    Reads and validates the configuration file. Secrets are never shown, only their source: 'parameter' (passed at
    run time), 'env:NAME' or 'file:PATH'. The Document property holds the file's JSON as written.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .EXAMPLE
    Get-GroupWritebackConfiguration

    Shows the default configuration as a list.

    .EXAMPLE
    (Get-GroupWritebackConfiguration -ConfigPath ./contoso.json).GroupIds

    Lists the selected groups' object ids.

    .OUTPUTS
    GroupWriteback.Configuration
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.Configuration')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)][Alias('Path')][string]$ConfigPath
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        Invoke-GwbOperation -Operation 'config.get' -Parameters @{ configPath = $path } -Cmdlet $PSCmdlet
    }
}
