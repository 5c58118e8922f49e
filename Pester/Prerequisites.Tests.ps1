#Requires -Version 7.4
# Test-GroupWritebackConfiguration against the lab (a real Samba AD DC and the Graph emulator): every prerequisite
# passes on a good configuration and the probe leaves AD exactly as it was (full LDAP snapshot); each broken
# prerequisite fails with a fix that says what to do.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $RepoRoot 'module/GroupWriteback') -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/demo.json'
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-prereq-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $Work | Out-Null

    function script:Copy-LabConfig([string]$Name) {
        $p = Join-Path $Work "$Name.json"
        Copy-Item $Lab.configPath $p
        $p
    }
    function script:Row([object[]]$Rows, [string]$Id) { @($Rows | Where-Object id -eq $Id) }
}

AfterAll {
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A working configuration' {
    It 'passes every check, and the create/modify/delete probe leaves AD exactly as it was' {
        # Creating any object draws a RID from the DC's pool (rIDNextRID), even when the object is deleted again.
        $before = Get-GwbLdapSnapshot -Lab $Lab -ExcludeAttribute 'rIDNextRID'
        $rows = Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath
        $after = Get-GwbLdapSnapshot -Lab $Lab -ExcludeAttribute 'rIDNextRID'

        $rows[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.ConfigurationCheck'
        $ids = $rows.id
        foreach ($id in 'config.valid', 'config.secrets', 'graph.reachable', 'graph.token', 'graph.permissions', 'graph.read',
            'directory.reachable', 'directory.tls', 'directory.bind', 'directory.schema', 'directory.container', 'directory.permissions') {
            $ids | Should -Contain $id
        }
        @($rows | Where-Object status -ne 'Passed') | Should -BeNullOrEmpty
        (Row $rows 'graph.permissions').message | Should -Match 'Directory\.Read\.All'
        (Row $rows 'directory.schema').message | Should -Match 'msDS-ExternalDirectoryObjectId'
        (Row $rows 'directory.permissions').message | Should -Match 'Created, modified .* and deleted'
        $LASTEXITCODE | Should -Be 0
        $after | Should -Be $before
        Invoke-GwbLdapSearch -Lab $Lab -Base $Lab.ldap.targetOu -Filter '(cn=GroupWriteback-probe-*)' | Should -BeNullOrEmpty
    }

    It 'answers $true with -Quiet' {
        Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath -Quiet | Should -BeTrue
    }

    It 'leaves the directory untouched with -SkipWriteProbe' {
        $rows = Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath -SkipWriteProbe
        $rows.id | Should -Not -Contain 'directory.permissions'
        (Row $rows 'directory.container').status | Should -Be 'Passed'
    }

    It 'checks ldap:// with StartTLS: the certificate after the upgrade, then the bind' {
        $p = Copy-LabConfig 'starttls'
        $host389 = ([uri]$Lab.ldap.url).Host
        Set-GroupWritebackConfiguration -ConfigPath $p -Server "ldap://${host389}:389"
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -SkipWriteProbe
        (Row $rows 'directory.reachable').target | Should -Be "ldap://${host389}:389"
        (Row $rows 'directory.tls').status | Should -Be 'Passed'
        (Row $rows 'directory.tls').message | Should -Match 'StartTLS'
        (Row $rows 'directory.bind').status | Should -Be 'Passed'
    }

    It 'formats as a readable table' {
        $text = Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath -SkipWriteProbe | Out-String -Width 200
        # The default table keeps the decision readable at 80 columns: Status, Check, Message (Target and Fix are in
        # Format-List and in Format-Table -View Wide).
        $text | Should -Match 'Status\s+Check\s+Message'
        $text | Should -Match 'Passed\s+Directory bind\s+'
        $wide = Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath -SkipWriteProbe | Format-Table -View Wide | Out-String -Width 200
        $wide | Should -Match 'ldaps:'
    }
}

Describe 'Broken prerequisites' {
    It 'names the missing Graph permissions and how to grant them' {
        $app = Invoke-GwbLabControl $Lab POST '/apps' @{ displayName = 'Reader without users'; roles = @('Group.Read.All') }
        $p = Copy-LabConfig 'perm'
        Set-GroupWritebackConfiguration -ConfigPath $p -ClientId $app.clientId -SecretReference @{ 'tenant.clientSecret' = $null }
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -ClientSecret (ConvertTo-SecureString $app.clientSecret -AsPlainText -Force) -SkipWriteProbe -WarningAction SilentlyContinue
        $r = Row $rows 'graph.permissions'
        $r.status | Should -Be 'Failed'
        $r.message | Should -Match 'missing User\.Read\.All'
        $r.message | Should -Not -Match 'missing Group\.Read\.All'
        $r.fix | Should -Match 'admin consent'
        (Row $rows 'graph.token').status | Should -Be 'Passed'
        $LASTEXITCODE | Should -Be 1
        Test-GroupWritebackConfiguration -ConfigPath $p -ClientSecret (ConvertTo-SecureString $app.clientSecret -AsPlainText -Force) -SkipWriteProbe -Quiet | Should -BeFalse
    }

    It 'reports a wrong client secret at sign-in' {
        $rows = Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath -ClientSecret (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force) -SkipWriteProbe -WarningAction SilentlyContinue
        $r = Row $rows 'graph.token'
        $r.status | Should -Be 'Failed'
        $r.fix | Should -Not -BeNullOrEmpty
        (Row $rows 'graph.permissions').status | Should -Be 'Skipped'
    }

    It 'reports Graph unreachable with the host to open' {
        $p = Copy-LabConfig 'graph-down'
        Set-GroupWritebackConfiguration -ConfigPath $p -GraphBaseUrl 'https://127.0.0.1:1'
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -SkipWriteProbe -WarningAction SilentlyContinue
        $r = Row $rows 'graph.reachable'
        $r.status | Should -Be 'Failed'
        $r.target | Should -Be 'https://127.0.0.1:1'
        (Row $rows 'graph.token').status | Should -Be 'Skipped'
        # The directory is checked all the same.
        (Row $rows 'directory.bind').status | Should -Be 'Passed'
    }

    It 'reports a wrong directory password at bind, and skips what needs a bind' {
        $bad = [pscredential]::new('ignored', (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
        $rows = Test-GroupWritebackConfiguration -ConfigPath $Lab.configPath -Credential $bad -WarningAction SilentlyContinue
        $r = Row $rows 'directory.bind'
        $r.status | Should -Be 'Failed'
        $r.target | Should -Be $Lab.ldap.url
        $r.fix | Should -Match 'password'
        (Row $rows 'directory.schema').status | Should -Be 'Skipped'
        (Row $rows 'directory.permissions').status | Should -Be 'Skipped'
    }

    It 'reports an untrusted DC certificate and how to trust it, without sending the password' {
        $p = Copy-LabConfig 'no-ca'
        Set-GroupWritebackConfiguration -ConfigPath $p -Setting @{ 'directory.caFile' = $null }
        $saved = $env:NODE_EXTRA_CA_CERTS
        $env:NODE_EXTRA_CA_CERTS = $null
        try { $rows = Test-GroupWritebackConfiguration -ConfigPath $p -SkipWriteProbe -WarningAction SilentlyContinue }
        finally { $env:NODE_EXTRA_CA_CERTS = $saved }
        $r = Row $rows 'directory.tls'
        $r.status | Should -Be 'Failed'
        $r.message | Should -Match 'not trusted'
        $r.fix | Should -Match 'directory\.caFile'
        (Row $rows 'directory.bind').status | Should -Be 'Skipped'
    }

    It 'reports a DC that does not answer' {
        $p = Copy-LabConfig 'dc-down'
        Set-GroupWritebackConfiguration -ConfigPath $p -Server 'ldaps://127.0.0.1:1'
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -SkipWriteProbe -TimeoutSec 3 -WarningAction SilentlyContinue
        $r = Row $rows 'directory.reachable'
        $r.status | Should -Be 'Failed'
        $r.fix | Should -Match 'TCP 1'
    }

    It 'reports a target OU that does not exist and how to create it' {
        $p = Copy-LabConfig 'no-ou'
        $ou = "OU=No Such OU,$($Lab.ldap.baseDn)"
        Set-GroupWritebackConfiguration -ConfigPath $p -TargetContainer $ou
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -WarningAction SilentlyContinue
        $r = Row $rows 'directory.container'
        $r.status | Should -Be 'Failed'
        $r.target | Should -Be $ou
        $r.fix | Should -Match 'New-ADOrganizationalUnit'
        (Row $rows 'directory.permissions').status | Should -Be 'Skipped'
    }

    It 'reports missing rights to create groups in the OU, with the delegation to grant, and leaves nothing behind' {
        $p = Copy-LabConfig 'no-rights'
        $container = "CN=Users,$($Lab.ldap.baseDn)"
        Set-GroupWritebackConfiguration -ConfigPath $p -TargetContainer $container
        $before = Get-GwbLdapSnapshot -Lab $Lab -ExcludeAttribute 'rIDNextRID'
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -WarningAction SilentlyContinue
        $after = Get-GwbLdapSnapshot -Lab $Lab -ExcludeAttribute 'rIDNextRID'
        (Row $rows 'directory.container').status | Should -Be 'Passed'
        $r = Row $rows 'directory.permissions'
        $r.status | Should -Be 'Failed'
        $r.message | Should -Match 'Cannot create a group'
        $r.fix | Should -Match 'Create and Delete Group objects'
        $after | Should -Be $before
    }

    It 'reports an invalid file and checks nothing else' {
        $p = Join-Path $Work 'invalid.json'
        '{ "tenant": { "tenantId": "x", "auth": { "type": "clientSecret" } } }' | Set-Content $p
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -WarningAction SilentlyContinue
        @($rows).Count | Should -Be 1
        $rows.status | Should -Be 'Failed'
        $rows.message | Should -Match 'config\.directory'
    }
}
