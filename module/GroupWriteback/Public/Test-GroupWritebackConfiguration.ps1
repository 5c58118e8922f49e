function Test-GroupWritebackConfiguration {
    <#
    .SYNOPSIS
    Checks every prerequisite of a GroupWriteback configuration and reports one row per check, with the fix for
    each one that does not pass.

    .DESCRIPTION
    Checks, in order: the file is valid and its secrets are provided; Microsoft Graph is reachable over trusted
    HTTPS, the credential gets a token, the token carries Group.Read.All + User.Read.All (or Directory.Read.All),
    and listing groups works; each domain controller is reachable, presents a trusted TLS certificate naming it
    (LDAPS, or StartTLS on ldap://), and accepts the bind; the schema has msDS-ExternalDirectoryObjectId; the
    target OUs exist; and the account can create, modify and delete groups in the target OU — proven with a probe
    group that is deleted again at once (use -SkipWriteProbe to leave the directory untouched).

    A check that cannot run because an earlier one failed is reported as Skipped, with the reason.
    $LASTEXITCODE is 0 when no check failed, else 1.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Credential
    The directory account's credential; the core binds as its user name (a DN, user@domain or DOMAIN\user), not directory.bindDn. Accepts pipeline input, e.g. from Get-AutomationPSCredential.

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .PARAMETER SkipWriteProbe
    Do not create, modify and delete a probe group; the rights check is then skipped.

    .PARAMETER TimeoutSec
    Seconds each network check may take (default 10).

    .PARAMETER Quiet
    Return only $true (every check passed or warned) or $false.

    .EXAMPLE
    Test-GroupWritebackConfiguration -ConfigPath /etc/groupwriteback/contoso.json

    With directory.auth kerberos no credential is needed: the rows directory.kerberos.keytab, .ticket, .clock and .spn say whether the keytab holds the principal, the KDC issues a ticket, the clock is within 5 minutes, and the SPN ldap/<DC> exists, each with its fix; directory.bind then binds signed and sealed.

    .EXAMPLE
    Test-GroupWritebackConfiguration -Credential (Get-Credential CONTOSO\svc-gwb) -ClientSecret (Read-Host -AsSecureString 'Client secret')

    Status  Area          Check                       Target                        Message
    ------  ----          -----                       ------                        -------
    Passed  Configuration Configuration file          /home/admin/.config/Group...  Valid: tenant contoso...
    Failed  Graph         Graph permissions           app 6f1c1c4e-...              The token carries Group.Read.All; missing User.Read.All ...

    .EXAMPLE
    Get-AutomationPSCredential -Name 'GroupWriteback LDAP' | Test-GroupWritebackConfiguration -Quiet

    In a runbook: $true when every prerequisite holds.

    .EXAMPLE
    Test-GroupWritebackConfiguration -SkipWriteProbe | Where-Object Status -eq 'Failed' | Format-List Check, Target, Message, Fix

    Shows only what needs fixing, with the fix.

    .OUTPUTS
    GroupWriteback.ConfigurationCheck, or System.Boolean with -Quiet.
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.ConfigurationCheck', [bool])]
    param(
        [string]$ConfigPath,
        [Parameter(ValueFromPipeline)][System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint,
        [switch]$SkipWriteProbe,
        [ValidateRange(1, 600)][int]$TimeoutSec = 10,
        [switch]$Quiet
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $params = @{ configPath = $path; timeoutMs = $TimeoutSec * 1000 }
        if ($SkipWriteProbe) { $params.skipWriteProbe = $true }
        if ($Quiet) {
            $WarningPreference = 'SilentlyContinue'
            $rows = @(Invoke-GwbOperation -Operation 'config.test' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet)
            return (@($rows | Where-Object { $_.status -eq 'Failed' }).Count -eq 0 -and $rows.Count -gt 0)
        }
        Invoke-GwbOperation -Operation 'config.test' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet
    }
}
