function Get-GwbSecret {
    <#
    .SYNOPSIS
    Collects the secrets a cmdlet was given into the hand-over map of the bridge (keys 'directory.password',
    'tenant.clientSecret', 'tenant.certificatePassword', 'tenant.certificate', and 'directory.user': the
    credential's user name, bound as instead of directory.bindDn). Values stay SecureString/PSCredential
    here; Invoke-GwbCore turns them into text only inside the request line written to the core's stdin.

    .DESCRIPTION
    -CertificateThumbprint reads the certificate from the Windows certificate store (CurrentUser\My, then
    LocalMachine\My) and hands it over as 'tenant.certificate' (base64 PKCS#12 without password); the core checks it
    against tenant.auth.certificateThumbprint when the configuration names one. Elsewhere it fails with a clear
    error: export the certificate as a PFX and configure its path.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)][System.Collections.IDictionary]$BoundParameters,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet
    )
    $secrets = @{}
    if ($BoundParameters.ContainsKey('Credential') -and $BoundParameters['Credential']) {
        $secrets['directory.password'] = $BoundParameters['Credential']
        # The credential's user is the account bound as (a DN, user@domain or DOMAIN\user), as with the
        # ActiveDirectory module's -Credential: the core binds as it instead of directory.bindDn.
        if ($BoundParameters['Credential'].UserName) { $secrets['directory.user'] = $BoundParameters['Credential'].UserName }
    }
    if ($BoundParameters.ContainsKey('ClientSecret') -and $BoundParameters['ClientSecret']) {
        $secrets['tenant.clientSecret'] = $BoundParameters['ClientSecret']
    }
    if ($BoundParameters.ContainsKey('CertificatePassword') -and $BoundParameters['CertificatePassword']) {
        $secrets['tenant.certificatePassword'] = $BoundParameters['CertificatePassword']
    }
    if ($BoundParameters.ContainsKey('CertificateThumbprint') -and $BoundParameters['CertificateThumbprint']) {
        # As copied from certmgr: spaces, colons and an invisible left-to-right mark around the hex digits.
        $thumbprint = ([string]$BoundParameters['CertificateThumbprint']) -replace '[\s:\u200E\u200F]', ''
        if (-not $IsWindows) {
            $ex = [System.PlatformNotSupportedException]::new("-CertificateThumbprint reads the Windows certificate store, which does not exist on this platform.")
            $record = [System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.CertificateStoreUnavailable', [System.Management.Automation.ErrorCategory]::NotImplemented, $thumbprint)
            $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($ex.Message)
            $record.ErrorDetails.RecommendedAction = 'Export the certificate with its private key as a PFX file, then: Set-GroupWritebackConfiguration -CertificatePath <file.pfx>, and pass -CertificatePassword at run time.'
            $Cmdlet.ThrowTerminatingError($record)
        }
        $secrets['tenant.certificate'] = Get-GwbStoreCertificate -Thumbprint $thumbprint -Cmdlet $Cmdlet
    }
    return $secrets
}

function Get-GwbStoreCertificate {
    <#
    .SYNOPSIS
    (Windows) The certificate with this thumbprint from CurrentUser\My or LocalMachine\My, with its private key, as a
    base64 PKCS#12 blob protected by nothing but the bridge's stdin: it is never written to disk.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][string]$Thumbprint, [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet)
    $cert = $null
    foreach ($location in 'CurrentUser', 'LocalMachine') {
        $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', $location)
        try {
            $store.Open('ReadOnly, OpenExistingOnly')
            $found = $store.Certificates.Find('FindByThumbprint', $Thumbprint, $false)
            if ($found.Count -gt 0) { $cert = $found[0]; break }
        }
        catch { }
        finally { $store.Close() }
    }
    if (-not $cert) {
        $ex = [System.Management.Automation.ItemNotFoundException]::new("No certificate with thumbprint $Thumbprint in Cert:\CurrentUser\My or Cert:\LocalMachine\My.")
        $record = [System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.CertificateNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Thumbprint)
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($ex.Message)
        $record.ErrorDetails.RecommendedAction = 'Check the thumbprint (Get-ChildItem Cert:\CurrentUser\My) and that the certificate is installed for the account running this command.'
        $Cmdlet.ThrowTerminatingError($record)
    }
    if (-not $cert.HasPrivateKey) {
        $ex = [System.InvalidOperationException]::new("The certificate $Thumbprint ($($cert.Subject)) has no private key for this account.")
        $record = [System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.CertificateNoPrivateKey', [System.Management.Automation.ErrorCategory]::PermissionDenied, $Thumbprint)
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($ex.Message)
        $record.ErrorDetails.RecommendedAction = 'Import the certificate with its private key (PFX), and give this account read access to the key (certlm.msc → Manage Private Keys).'
        $Cmdlet.ThrowTerminatingError($record)
    }
    try {
        return [Convert]::ToBase64String($cert.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12))
    }
    catch {
        $ex = [System.InvalidOperationException]::new("The private key of certificate $Thumbprint cannot be exported: $($_.Exception.Message)")
        $record = [System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.CertificateNotExportable', [System.Management.Automation.ErrorCategory]::PermissionDenied, $Thumbprint)
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($ex.Message)
        $record.ErrorDetails.RecommendedAction = 'Re-import the certificate as exportable (Import-PfxCertificate -Exportable), or export it once to a PFX file and use -CertificatePath with -CertificatePassword.'
        $Cmdlet.ThrowTerminatingError($record)
    }
}
