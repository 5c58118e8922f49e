function Get-GroupWritebackScope {
    <#
    .SYNOPSIS
    Lists the cloud groups in provisioning scope — and, with -IncludeExcluded, every other group with the reason it is out.

    .DESCRIPTION
    Reads the groups from Microsoft Graph (only the tenant's sign-in secret is needed, not the directory
    password) and evaluates the configured scope for each: the base rule (security-enabled, not mail-enabled, not
    synced from on-premises AD, not a Microsoft 365 group), then the selected groups or the attribute filters. Each group is a GroupWriteback.ScopeEntry with GroupId, DisplayName, InScope and
    Reason; the output pipes into Remove-GroupWritebackScope and Invoke-GroupProvisioningOnDemand.

    .PARAMETER IncludeExcluded
    Also list the groups that are out of scope, with the reason.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Credential
    Not needed: the scope is read from Microsoft Graph only, so no directory password is asked for. Accepted (also from the pipeline, e.g. Get-AutomationPSCredential) so scripts can pass the same parameters to every cmdlet.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Get-GroupWritebackScope

    GroupId                              DisplayName   InScope Reason
    -------                              -----------   ------- ------
    f4f34e9e-5544-4b88-a7c0-374dd68712ab Sales Team       True all security groups

    .EXAMPLE
    Get-GroupWritebackScope -IncludeExcluded | Where-Object InScope -eq $false

    Shows why each other group is not provisioned (mail-enabled, synced from AD, Microsoft 365 group, not selected…).

    .OUTPUTS
    GroupWriteback.ScopeEntry
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.ScopeEntry')]
    param(
        [switch]$IncludeExcluded,
        [string]$ConfigPath,
        [Parameter(ValueFromPipeline)][System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $params = @{ configPath = $path }
        if (-not $IncludeExcluded) { $params.inScopeOnly = $true }
        Invoke-GwbOperation -Operation 'scope' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet
    }
}
