function Test-GroupWritebackSync {
    <#
    .SYNOPSIS
    Compares Active Directory with the cloud groups in scope now and returns every difference; returns nothing when
    AD is in sync.

    .DESCRIPTION
    Plans a full cycle against the live tenant and directory without writing anything, and turns each planned
    change into a drift record (GroupWriteback.Drift): GroupMissing, AttributeDiffers (with Expected and Actual),
    NameOrLocationDiffers, MemberMissing, MemberExtra (e.g. added by hand in AD), UnmanagedObject (an AD object
    carrying our anchor that nothing manages), PendingLifecycle and Error. A following Start-GroupProvisioning
    -Full repairs what it reports.

    Made for the admin's own Pester suites: Test-GroupWritebackSync | Should -BeNullOrEmpty.

    .PARAMETER Quiet
    Return only $true (in sync) or $false.

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

    .EXAMPLE
    Test-GroupWritebackSync

    Kind             DisplayName Attribute   Expected              Actual          Member
    ----             ----------- ---------   --------              ------          ------
    AttributeDiffers Sales Team  description Cloud security group  edited by hand
    MemberExtra      Sales Team                                                    CN=Mallory,OU=Users,DC=contoso,DC=com

    .EXAMPLE
    Describe 'Group writeback' { It 'keeps AD in sync with Entra ID' { Test-GroupWritebackSync | Should -BeNullOrEmpty } }

    In a Pester suite.

    .OUTPUTS
    GroupWriteback.Drift, or System.Boolean with -Quiet.
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.Drift', [bool])]
    param(
        [switch]$Quiet,
        [string]$ConfigPath,
        [Parameter(ValueFromPipeline)][System.Management.Automation.PSCredential]$Credential,
        [System.Security.SecureString]$ClientSecret,
        [System.Security.SecureString]$CertificatePassword,
        [string]$CertificateThumbprint
    )
    process {
        $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath
        $secrets = Get-GwbSecret -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $drift = @(Invoke-GwbOperation -Operation 'verify' -Parameters @{ configPath = $path } -Secrets $secrets -Cmdlet $PSCmdlet)
        if ($Quiet) { return ($drift.Count -eq 0 -and $LASTEXITCODE -eq 0) }
        $drift
    }
}
