function New-GwbMigrationCall {
    <#
    .SYNOPSIS
    The parameters and secrets of a migrate-* core operation: the configuration, the search base and, with
    -Credential, the account allowed to write the Connect OU (its user name as bindDn, its password handed over as
    the 'migration.password' secret, never on a command line). Tenant secrets come from Get-GwbSecret.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [string]$ConfigPath,
        [string]$SearchBase,
        [System.Management.Automation.PSCredential]$Credential,
        [Parameter(Mandatory)][System.Collections.IDictionary]$BoundParameters,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $tenantOnly = @{}
    foreach ($k in 'ClientSecret', 'CertificatePassword', 'CertificateThumbprint') {
        if ($BoundParameters.ContainsKey($k)) { $tenantOnly[$k] = $BoundParameters[$k] }
    }
    $secrets = Get-GwbSecret -BoundParameters $tenantOnly -Cmdlet $Cmdlet
    $params = @{ configPath = (Resolve-GwbConfigPath -ConfigPath $ConfigPath) }
    if ($SearchBase) { $params.searchBase = $SearchBase }
    if ($Credential) {
        $params.bindDn = $Credential.UserName
        $secrets['migration.password'] = $Credential
    }
    @{ Parameters = $params; Secrets = $secrets }
}
