function New-GroupWritebackConfiguration {
    <#
    .SYNOPSIS
    Creates a GroupWriteback configuration file: the tenant, how to sign in, the domain controllers, the target OU
    and the scope.

    .DESCRIPTION
    Writes a JSON configuration file (validated against docs/groupwriteback.schema.json) to -ConfigPath, by default
    $env:GROUPWRITEBACK_CONFIG or groupwriteback.json in your per-user GroupWriteback folder. Secret values are never
    written: pass them at run time (-Credential, -ClientSecret, -CertificatePassword; they travel to the core over
    stdin), or reference them with -SecretReference ('env:NAME' or 'file:PATH') for unattended use.

    The directory's base DN is derived from -TargetContainer when not given; a bare server name in -Server means
    LDAPS (ldaps://name:636). -Credential only sets the bind account (its user name); its password is not stored.

    .PARAMETER ConfigPath
    Where to write the file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER TenantId
    The Directory (tenant) ID, or a verified domain name.

    .PARAMETER ClientId
    Application (client) ID of the app registration; with -ManagedIdentity, the client ID of a user-assigned identity.

    .PARAMETER CertificatePath
    Sign in with a certificate: a PFX or PEM file (certificate + private key). Its password is passed at run time with -CertificatePassword.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with a certificate from the Windows certificate store (Cert:\CurrentUser\My or Cert:\LocalMachine\My), named by its thumbprint. Only the thumbprint is written; run the commands with -CertificateThumbprint so the module reads the certificate and its private key and hands it to the engine over stdin.

    .PARAMETER ManagedIdentity
    Sign in with the machine's managed identity (Azure Arc-enabled server or Azure VM, e.g. an Automation hybrid worker).

    .PARAMETER Server
    Domain controllers, tried in order: ldaps://dc1.contoso.com, ldap://dc2.contoso.com (StartTLS), or a bare name (LDAPS).

    .PARAMETER TargetContainer
    DN of the OU new groups are created in.

    .PARAMETER DirectoryAuthentication
    How the core binds to the DCs: Simple (default; -BindDn/-Credential, password over LDAPS or StartTLS) or Kerberos (no password at all: Negotiate, signed and sealed on ldap:// 389, or LDAPS; Windows: the identity the process runs as, e.g. a gMSA or the machine account; Linux: -Keytab or the caller's ticket cache). Kerberos drops directory.bindDn and the password reference.

    .PARAMETER Keytab
    Linux, Kerberos: the keytab of the service principal (mode 0600), e.g. /etc/groupwriteback/gwb-svc.keytab. Without it the caller's ticket cache (kinit) is used.

    .PARAMETER KerberosPrincipal
    Linux, Kerberos: the principal to log on as from the keytab, e.g. gwb-svc@CONTOSO.COM.

    .PARAMETER Krb5Config
    Linux, Kerberos: a krb5.conf to use instead of /etc/krb5.conf.

    .PARAMETER Credential
    The directory account; its user name (a DN, UPN or DOMAIN\name) becomes directory.bindDn. The password is not stored.

    .PARAMETER SecretReference
    Where the core finds secrets when none is passed: @{ 'directory.password' = 'file:/etc/groupwriteback/ldap-password'; 'tenant.clientSecret' = 'env:GWB_CLIENT_SECRET' }.

    .PARAMETER Setting
    Any further settings by dotted key, e.g. @{ 'lifecycle.onScopeExit' = 'delete'; 'membership.keepUnmanagedMembers' = $true }.

    .PARAMETER Force
    Overwrite an existing file.

    .PARAMETER SendCertificateChain
    Send the certificate chain (x5c) when signing in, for subject name/issuer authentication.

    .PARAMETER BaseDn
    DN of the domain, e.g. DC=contoso,DC=com. Default: the DC= part of -TargetContainer.

    .PARAMETER BindDn
    The directory account: a DN, UPN or DOMAIN\name. Default: the user name of -Credential.

    .PARAMETER DirectoryCaFile
    PEM file of the CA that issued the domain controllers' certificates (when it is not in the system trust store).

    .PARAMETER Cloud
    The national cloud: Public (default), USGov, USGovDoD or China.

    .PARAMETER AuthorityHost
    Overrides the cloud's login endpoint (https://host[:port]), e.g. a test emulator.

    .PARAMETER GraphBaseUrl
    Overrides the cloud's Graph endpoint (https://host[:port]), e.g. a test emulator.

    .PARAMETER TenantCaFile
    PEM file of extra CAs to trust for sign-in and Graph (a TLS-inspecting proxy, a test CA).

    .PARAMETER ScopeMode
    Selected (only the groups selected by id; the default) or All (every eligible cloud security group, narrowed by scope filters).

    .PARAMETER SelectedGroupId
    Object ids of the groups in scope (mode Selected). Add-/Remove-GroupWritebackScope change the list one group at a time.

    .PARAMETER Name
    A name for the configuration, shown in status and logs. Default: the file name.

    .PARAMETER StatePath
    Folder of the state store and provisioning log. Default: 'state' next to the configuration file.

    .PARAMETER DeleteThreshold
    Most group deletes a cycle may apply before all of them are held for approval (default 500; 0 turns the check off).

    .EXAMPLE
    New-GroupWritebackConfiguration -TenantId $tenantId -ClientId $appId -CertificatePath /etc/groupwriteback/app.pfx -Server ldap://dc1.contoso.com -DirectoryAuthentication Kerberos -Keytab /etc/groupwriteback/gwb-svc.keytab -KerberosPrincipal gwb-svc@CONTOSO.COM -TargetContainer 'OU=Cloud Groups,DC=contoso,DC=com'

    Binds with Kerberos from a keytab, signed and sealed on port 389: no directory password anywhere.

    .EXAMPLE
    New-GroupWritebackConfiguration -TenantId contoso.onmicrosoft.com -ClientId 6f1c1c4e-2b0a-4d5e-9a53-5a1f0c0d7e21 -Server dc1.contoso.com -Credential (Get-Credential CONTOSO\svc-gwb) -TargetContainer 'OU=Cloud Groups,DC=contoso,DC=com' -SelectedGroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957

    Creates the default configuration: client-secret sign-in (the secret is passed at run time), LDAPS to dc1, one selected group.

    .EXAMPLE
    New-GroupWritebackConfiguration -ConfigPath /etc/groupwriteback/contoso.json -TenantId $tenantId -ClientId $appId -CertificatePath /etc/groupwriteback/app.pfx -Server ldaps://dc1.contoso.com -BindDn 'CN=svc-gwb,OU=Service Accounts,DC=contoso,DC=com' -TargetContainer 'OU=Cloud Groups,DC=contoso,DC=com' -ScopeMode All -SecretReference @{ 'directory.password' = 'file:/etc/groupwriteback/ldap-password'; 'tenant.certificatePassword' = 'env:GWB_PFX_PASSWORD' } -WhatIf

    Shows what would be written for an unattended Linux host, without writing it.

    .EXAMPLE
    New-GroupWritebackConfiguration -TenantId $tenantId -ClientId $appId -CertificateThumbprint 3B5E2C9A0F1D4E6B8A7C9D0E1F2A3B4C5D6E7F80 -Server dc1.contoso.com -BindDn 'CONTOSO\svc-gwb' -TargetContainer 'OU=Cloud Groups,DC=contoso,DC=com'

    Signs in with a certificate installed in the Windows store; later commands pass -CertificateThumbprint with the same thumbprint.

    .OUTPUTS
    GroupWriteback.Configuration
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'ClientSecret')]
    [OutputType('GroupWriteback.Configuration')]
    param(
        [string]$ConfigPath,
        [Parameter(Mandatory)][string]$TenantId,
        [Parameter(Mandatory, ParameterSetName = 'ClientSecret')]
        [Parameter(Mandatory, ParameterSetName = 'Certificate')]
        [Parameter(Mandatory, ParameterSetName = 'CertificateStore')]
        [Parameter(ParameterSetName = 'ManagedIdentity')]
        [string]$ClientId,
        [Parameter(Mandatory, ParameterSetName = 'Certificate')][string]$CertificatePath,
        [Parameter(Mandatory, ParameterSetName = 'CertificateStore')][string]$CertificateThumbprint,
        [Parameter(ParameterSetName = 'Certificate')]
        [Parameter(ParameterSetName = 'CertificateStore')]
        [switch]$SendCertificateChain,
        [Parameter(Mandatory, ParameterSetName = 'ManagedIdentity')][switch]$ManagedIdentity,
        [Parameter(Mandatory)][Alias('Url')][string[]]$Server,
        [Parameter(Mandatory)][string]$TargetContainer,
        [string]$BaseDn,
        [string]$BindDn,
        [System.Management.Automation.PSCredential]$Credential,
        [ValidateSet('Simple', 'Kerberos')][string]$DirectoryAuthentication,
        [string]$Keytab,
        [string]$KerberosPrincipal,
        [string]$Krb5Config,
        [string]$DirectoryCaFile,
        [ValidateSet('Public', 'USGov', 'USGovDoD', 'China')][string]$Cloud,
        [string]$AuthorityHost,
        [string]$GraphBaseUrl,
        [string]$TenantCaFile,
        [ValidateSet('Selected', 'All')][string]$ScopeMode,
        [string[]]$SelectedGroupId,
        [string]$Name,
        [string]$StatePath,
        [ValidateRange(0, [int]::MaxValue)][int]$DeleteThreshold,
        [hashtable]$SecretReference,
        [hashtable]$Setting,
        [switch]$Force
    )

    $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
    $settings = ConvertTo-GwbSetting -BoundParameters $PSBoundParameters
    if ($PSCmdlet.ParameterSetName -eq 'ClientSecret' -and -not $settings.Contains('tenant.auth.type')) { $settings['tenant.auth.type'] = 'clientSecret' }
    $params = @{ path = $path; settings = $settings; force = [bool]$Force }
    if ($SecretReference) { $params.secretRefs = $SecretReference }

    $action = if ((Test-Path -LiteralPath $path) -and $Force) { 'Overwrite GroupWriteback configuration' } else { 'Create GroupWriteback configuration' }
    if ($PSCmdlet.ShouldProcess($path, $action)) {
        Invoke-GwbOperation -Operation 'config.new' -Parameters $params -Cmdlet $PSCmdlet
    }
    elseif ($WhatIfPreference) {
        # Validate without writing, so -WhatIf also reports an invalid setting.
        $params.dryRun = $true
        $null = Invoke-GwbOperation -Operation 'config.new' -Parameters $params -Cmdlet $PSCmdlet
    }
}
