function Set-GroupWritebackConfiguration {
    <#
    .SYNOPSIS
    Changes settings of a GroupWriteback configuration file.

    .DESCRIPTION
    Applies the given settings, validates the whole file against the schema and writes it atomically. Nothing is
    written when the result would be invalid. Changing the sign-in method (-AuthenticationType, -CertificatePath,
    -CertificateThumbprint, -ManagedIdentity) drops the settings of the previous one. A setting given as $null in -Setting is removed (its
    default applies again).

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .PARAMETER AuthenticationType
    ClientSecret, Certificate (with -CertificatePath) or ManagedIdentity.

    .PARAMETER Setting
    Any settings by dotted key, e.g. @{ 'safety.deleteThreshold' = 50; 'lifecycle.onScopeExit' = 'delete' }.

    .PARAMETER SecretReference
    Where the core finds secrets when none is passed: @{ 'directory.password' = 'file:/etc/groupwriteback/ldap-password' }; $null or '' removes a reference.

    .PARAMETER PassThru
    Return the configuration after the change.

    .PARAMETER TenantId
    The Directory (tenant) ID, or a verified domain name.

    .PARAMETER ClientId
    Application (client) ID of the app registration; with managed identity, the client ID of a user-assigned identity.

    .PARAMETER CertificatePath
    Sign in with a certificate: a PFX or PEM file (certificate + private key). Its password is passed at run time with -CertificatePassword. Replaces a configured certificate thumbprint.

    .PARAMETER CertificateThumbprint
    (Windows) Sign in with a certificate from the Windows certificate store, named by its thumbprint; run the commands with -CertificateThumbprint. Replaces a configured certificate file and its password reference.

    .PARAMETER SendCertificateChain
    Send the certificate chain (x5c) when signing in, for subject name/issuer authentication.

    .PARAMETER ManagedIdentity
    Sign in with the machine's managed identity (Azure Arc-enabled server or Azure VM, e.g. an Automation hybrid worker).

    .PARAMETER Server
    Domain controllers, tried in order: ldaps://dc1.contoso.com, ldap://dc2.contoso.com (StartTLS), or a bare name (LDAPS).

    .PARAMETER TargetContainer
    DN of the OU new groups are created in.

    .PARAMETER BaseDn
    DN of the domain, e.g. DC=contoso,DC=com. Default: the DC= part of -TargetContainer.

    .PARAMETER BindDn
    The directory account: a DN, UPN or DOMAIN\name. Default: the user name of -Credential.

    .PARAMETER DirectoryAuthentication
    How the core binds to the DCs: Simple (default; -BindDn/-Credential, password over LDAPS or StartTLS) or Kerberos (no password at all: Negotiate, signed and sealed on ldap:// 389, or LDAPS; Windows: the identity the process runs as, e.g. a gMSA or the machine account; Linux: -Keytab or the caller's ticket cache). Kerberos drops directory.bindDn and the password reference.

    .PARAMETER Keytab
    Linux, Kerberos: the keytab of the service principal (mode 0600), e.g. /etc/groupwriteback/gwb-svc.keytab. Without it the caller's ticket cache (kinit) is used.

    .PARAMETER KerberosPrincipal
    Linux, Kerberos: the principal to log on as from the keytab, e.g. gwb-svc@CONTOSO.COM.

    .PARAMETER Krb5Config
    Linux, Kerberos: a krb5.conf to use instead of /etc/krb5.conf.

    .PARAMETER Credential
    The directory account; its user name (a DN, UPN or DOMAIN\name) becomes directory.bindDn unless -BindDn is given. The password is not stored.

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
    Set-GroupWritebackConfiguration -Server ldap://dc1.contoso.com -DirectoryAuthentication Kerberos

    Switches to Kerberos as the identity the process runs as (Windows: a gMSA or Local System's machine account); the bind account and password reference are removed.

    .EXAMPLE
    Set-GroupWritebackConfiguration -DeleteThreshold 50 -WhatIf

    What if: Performing the operation "Set safety.deleteThreshold = 50 (was 500)" on target "/home/admin/.config/GroupWriteback/groupwriteback.json".

    .EXAMPLE
    Set-GroupWritebackConfiguration -Server ldaps://dc1.contoso.com, ldaps://dc2.contoso.com -Setting @{ 'lifecycle.onScopeExit' = 'delete' } -PassThru

    Adds a second domain controller and deletes groups that leave scope; returns the new configuration.

    .OUTPUTS
    None, or GroupWriteback.Configuration with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GroupWriteback.Configuration')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)][Alias('Path')][string]$ConfigPath,
        [string]$TenantId,
        [string]$ClientId,
        [ValidateSet('ClientSecret', 'Certificate', 'ManagedIdentity')][string]$AuthenticationType,
        [string]$CertificatePath,
        [string]$CertificateThumbprint,
        [switch]$SendCertificateChain,
        [switch]$ManagedIdentity,
        [Alias('Url')][string[]]$Server,
        [string]$TargetContainer,
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
        [switch]$PassThru
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $params = @{ configPath = $path; settings = (ConvertTo-GwbSetting -BoundParameters $PSBoundParameters) }
        if ($PSBoundParameters.ContainsKey('SecretReference')) { $params.secretRefs = $SecretReference }

        $preview = @{} + $params
        $preview.dryRun = $true
        $changes = @(Invoke-GwbOperation -Operation 'config.set' -Parameters $preview -Cmdlet $PSCmdlet)
        if ($changes.Count -eq 0) {
            Write-Verbose "No setting of $path changes."
        }
        else {
            $what = ($changes | ForEach-Object {
                    if ($null -eq $_.newValue) { "Remove $($_.setting) (was $($_.oldValue))" }
                    elseif ($null -eq $_.oldValue) { "Set $($_.setting) = $($_.newValue)" }
                    else { "Set $($_.setting) = $($_.newValue) (was $($_.oldValue))" }
                }) -join '; '
            if ($PSCmdlet.ShouldProcess($path, $what)) {
                $null = Invoke-GwbOperation -Operation 'config.set' -Parameters $params -Cmdlet $PSCmdlet
            }
            else { return }
        }
        if ($PassThru) {
            Invoke-GwbOperation -Operation 'config.get' -Parameters @{ configPath = $path } -Cmdlet $PSCmdlet
        }
    }
}
