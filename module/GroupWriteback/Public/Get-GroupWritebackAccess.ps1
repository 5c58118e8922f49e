function Get-GroupWritebackAccess {
    <#
    .SYNOPSIS
    Shows where one user's access to each provisioned group stands: Entra ID, Active Directory, and the user's Kerberos ticket.

    .DESCRIPTION
    For each in-scope group (or only the groups given with -Group) returns one GroupWriteback.AccessEntry:

    - Entra ID: whether the user is a member, and how (Via 'accessPackage' with the assignment's end date in
      AccessPackages, or 'direct'). Access packages need the app permission EntitlementManagement.Read.All;
      without it AccessPackagesKnown is $false and a warning says so.
    - Active Directory: whether the user's account is a member of the provisioned group (read over LDAP now).
    - WrittenAt / RemovedAt: when this tool wrote or removed the membership (the provisioning log).
    - TokenHasGroup: whether the user's current Kerberos ticket can carry the group. A ticket carries the groups
      of the moment it was issued: a ticket from before the write does not have the group (the user must sign
      out and in, or purge the tickets with klist purge), and a ticket from before a removal still has it until
      it expires. The ticket time comes from -CredentialCache (the user's FILE: ccache on Linux) or else from the
      user's lastLogon at the domain controller (TicketSource says which); without either it is 'unknown'.
      Status and Action say the rest in words.

    Reads only: nothing is written to Entra ID or AD.

    .PARAMETER User
    The user: userPrincipalName or object id.

    .PARAMETER Group
    Only these groups: object ids or display names.

    .PARAMETER CredentialCache
    The user's Kerberos credential cache file (for example /tmp/krb5cc_1000): the issue time of its ticket-granting
    ticket decides TokenHasGroup exactly.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER Credential
    The directory service account (its password is sent to the core over stdin only).

    .PARAMETER ClientSecret
    The app registration's client secret, as a SecureString.

    .PARAMETER CertificatePassword
    The password of the PFX (or encrypted PEM key) configured for certificate sign-in.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with this certificate from the CurrentUser or LocalMachine 'My' store.

    .EXAMPLE
    Get-GroupWritebackAccess -User dana@contoso.com -Credential $cred -ClientSecret $secret

    DisplayName          Via           InAD  Token   Action
    -----------          ---           ----  -----   ------
    App Users            accessPackage True  no      sign out and in (or purge the tickets:
                                                     klist purge) to get a ticket with the
                                                     current groups

    .EXAMPLE
    Get-GroupWritebackAccess -User dana@contoso.com -Group 'App Users' -CredentialCache /tmp/krb5cc_1000 | Format-List

    The whole record for one group, judged against the ticket in the user's credential cache.

    .EXAMPLE
    Get-GroupWritebackAccess -User dana@contoso.com | Where-Object TokenHasGroup -eq 'no'

    The groups the user has in AD but not yet in the logon ticket.

    .OUTPUTS
    GroupWriteback.AccessEntry
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.AccessEntry')]
    param(
        [Parameter(Mandatory, Position = 0)][ValidateNotNullOrEmpty()][string]$User,
        [string[]]$Group,
        [string]$CredentialCache,
        [string]$ConfigPath,
        [Parameter(ValueFromPipeline)][System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $params = @{ configPath = $path; user = $User }
        if ($Group) { $params.groups = @($Group) }
        if ($CredentialCache) { $params.ccache = (Resolve-Path -LiteralPath ($CredentialCache -replace '^FILE:', '')).ProviderPath }
        Invoke-GwbOperation -Operation 'access' -Parameters $params -Secrets $secrets -Cmdlet $PSCmdlet
    }
}
