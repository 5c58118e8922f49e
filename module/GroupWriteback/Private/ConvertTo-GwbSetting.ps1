function ConvertTo-GwbSetting {
    <#
    .SYNOPSIS
    Translates the configuration cmdlets' parameters into settings by dotted key (the file's JSON paths), for the
    core's config-new / config-set operations. Paths are made absolute against the current location. No decisions:
    the core validates, derives and writes.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param([Parameter(Mandatory)][System.Collections.IDictionary]$BoundParameters)

    $s = [ordered]@{}
    $b = $BoundParameters
    $has = { param($name) $b.ContainsKey($name) }
    if (& $has 'Name') { $s['name'] = $b.Name }
    if (& $has 'TenantId') { $s['tenant.tenantId'] = $b.TenantId }
    if (& $has 'ClientId') {
        if ($b.ContainsKey('ManagedIdentity') -or ($b.ContainsKey('AuthenticationType') -and $b.AuthenticationType -eq 'ManagedIdentity')) {
            $s['tenant.auth.clientId'] = $b.ClientId
        }
        else { $s['tenant.clientId'] = $b.ClientId }
    }
    if (& $has 'Cloud') { $s['tenant.cloud'] = $b.Cloud }
    if (& $has 'AuthorityHost') { $s['tenant.authorityHost'] = $b.AuthorityHost }
    if (& $has 'GraphBaseUrl') { $s['tenant.graphBaseUrl'] = $b.GraphBaseUrl }
    if (& $has 'TenantCaFile') { $s['tenant.caFile'] = Resolve-GwbPath -Path $b.TenantCaFile }
    if (& $has 'AuthenticationType') {
        $s['tenant.auth.type'] = switch ($b.AuthenticationType) { 'ClientSecret' { 'clientSecret' } 'Certificate' { 'certificate' } 'ManagedIdentity' { 'managedIdentity' } }
    }
    if (& $has 'CertificatePath') {
        $s['tenant.auth.type'] = 'certificate'
        $s['tenant.auth.certificatePath'] = Resolve-GwbPath -Path $b.CertificatePath
    }
    if (& $has 'CertificateThumbprint') {
        $s['tenant.auth.type'] = 'certificate'
        $s['tenant.auth.certificateThumbprint'] = [string]$b.CertificateThumbprint
    }
    if (& $has 'SendCertificateChain') { $s['tenant.auth.sendCertificateChain'] = [bool]$b.SendCertificateChain }
    if ((& $has 'ManagedIdentity') -and $b.ManagedIdentity) { $s['tenant.auth.type'] = 'managedIdentity' }
    if (& $has 'Server') { $s['directory.urls'] = @($b.Server) }
    if (& $has 'BaseDn') { $s['directory.baseDn'] = $b.BaseDn }
    if (& $has 'BindDn') { $s['directory.bindDn'] = $b.BindDn }
    elseif ((& $has 'Credential') -and $b.Credential -and $b.Credential.UserName) { $s['directory.bindDn'] = $b.Credential.UserName }
    if (& $has 'DirectoryAuthentication') { $s['directory.auth.type'] = ([string]$b.DirectoryAuthentication).ToLowerInvariant() }
    if (& $has 'Keytab') { $s['directory.auth.type'] = 'kerberos'; $s['directory.auth.keytab'] = Resolve-GwbPath -Path $b.Keytab }
    if (& $has 'KerberosPrincipal') { $s['directory.auth.type'] = 'kerberos'; $s['directory.auth.principal'] = [string]$b.KerberosPrincipal }
    if (& $has 'Krb5Config') { $s['directory.auth.type'] = 'kerberos'; $s['directory.auth.krb5Config'] = Resolve-GwbPath -Path $b.Krb5Config }
    if (& $has 'DirectoryCaFile') { $s['directory.caFile'] = Resolve-GwbPath -Path $b.DirectoryCaFile }
    if (& $has 'TargetContainer') { $s['target.container'] = $b.TargetContainer }
    if (& $has 'ScopeMode') { $s['scope.mode'] = ([string]$b.ScopeMode).ToLowerInvariant() }
    if (& $has 'SelectedGroupId') { $s['scope.groupIds'] = @($b.SelectedGroupId | ForEach-Object { ([string]$_).ToLowerInvariant() }) }
    if (& $has 'StatePath') { $s['state.path'] = Resolve-GwbPath -Path $b.StatePath }
    if (& $has 'DeleteThreshold') { $s['safety.deleteThreshold'] = [int]$b.DeleteThreshold }
    if ((& $has 'Setting') -and $b.Setting) {
        foreach ($key in $b.Setting.Keys) { $s[[string]$key] = $b.Setting[$key] }
    }
    return $s
}
