#Requires -Version 7.4
# Configuration cmdlets without a lab: New-/Get-/Set-GroupWritebackConfiguration and Add-/Remove-GroupWritebackScope
# write, read and change real files through the core; the assertions read the files themselves.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $RepoRoot 'module/GroupWriteback') -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-config-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $Work | Out-Null
    $script:SavedConfigEnv = $env:GROUPWRITEBACK_CONFIG
    $env:GROUPWRITEBACK_CONFIG = $null

    $script:Base = @{
        TenantId        = 'contoso.onmicrosoft.com'
        ClientId        = '6f1c1c4e-2b0a-4d5e-9a53-5a1f0c0d7e21'
        Server          = 'dc1.contoso.com'
        BindDn          = 'CONTOSO\svc-gwb'
        TargetContainer = 'OU=Cloud Groups,DC=contoso,DC=com'
    }
    function script:Read-Json([string]$Path) { Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json -AsHashtable }
    function script:New-TestConfig([string]$Name, [hashtable]$Extra = @{}) {
        $p = Join-Path $Work "$Name.json"
        $null = New-GroupWritebackConfiguration -ConfigPath $p @Base @Extra
        $p
    }
}

AfterAll {
    $env:GROUPWRITEBACK_CONFIG = $SavedConfigEnv
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'New-GroupWritebackConfiguration' {
    It 'writes a valid file from parameters, deriving the base DN and LDAPS URL, and returns the configuration' {
        $p = Join-Path $Work 'new.json'
        $c = New-GroupWritebackConfiguration -ConfigPath $p @Base -SelectedGroupId '2E5807CE-58F3-4A94-9B37-6C4B2E085957'
        $c.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Configuration'
        $c.Path | Should -Be $p
        $doc = Read-Json $p
        $doc.tenant.tenantId | Should -Be 'contoso.onmicrosoft.com'
        $doc.tenant.auth.type | Should -Be 'clientSecret'
        $doc.directory.urls | Should -Be @('ldaps://dc1.contoso.com')
        $doc.directory.baseDn | Should -Be 'DC=contoso,DC=com'
        $doc.directory.bindDn | Should -Be 'CONTOSO\svc-gwb'
        $doc.target.container | Should -Be 'OU=Cloud Groups,DC=contoso,DC=com'
        $doc.scope.groupIds | Should -Be @('2e5807ce-58f3-4a94-9b37-6c4b2e085957')
        $LASTEXITCODE | Should -Be 0
        if (-not $IsWindows) { (Get-Item $p).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
    }

    It 'writes nothing with -WhatIf' {
        $p = Join-Path $Work 'whatif.json'
        $out = New-GroupWritebackConfiguration -ConfigPath $p @Base -WhatIf
        $out | Should -BeNullOrEmpty
        $p | Should -Not -Exist
    }

    It 'still validates with -WhatIf, naming the bad key' {
        $p = Join-Path $Work 'whatif-bad.json'
        $err = { New-GroupWritebackConfiguration -ConfigPath $p @Base -Setting @{ 'safety.deleteThreshold' = -1 } -WhatIf -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'config\.safety\.deleteThreshold'
        $p | Should -Not -Exist
    }

    It 'refuses to overwrite an existing file without -Force (ResourceExists, target = the path), and overwrites with it' {
        $p = New-TestConfig 'exists'
        $before = Get-Content $p -Raw
        $err = { New-GroupWritebackConfiguration -ConfigPath $p @Base -TenantId 'fabrikam.onmicrosoft.com' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.ConfigExists'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be $p
        $err.ErrorDetails.RecommendedAction | Should -Match '-Force'
        $LASTEXITCODE | Should -Not -Be 0
        Get-Content $p -Raw | Should -Be $before
        $null = New-GroupWritebackConfiguration -ConfigPath $p @Base -TenantId 'fabrikam.onmicrosoft.com' -Force
        (Read-Json $p).tenant.tenantId | Should -Be 'fabrikam.onmicrosoft.com'
    }

    It 'rejects an invalid setting with an InvalidArgument error that names the key, and writes nothing' {
        $p = Join-Path $Work 'invalid.json'
        $err = { New-GroupWritebackConfiguration -ConfigPath $p @Base -Setting @{ 'lifecycle.onScopeExit' = 'shred' } -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'config.lifecycle.onScopeExit'
        $err.Exception.Message | Should -Match 'leave, empty, convertToDistribution, delete'
        $p | Should -Not -Exist
    }

    It 'takes the bind account from -Credential but never writes its password' {
        $p = Join-Path $Work 'cred.json'
        $secret = 'Pa55-never-in-file-7f3c'
        $cred = [pscredential]::new('svc-gwb@contoso.com', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $b = @{} + $Base; $b.Remove('BindDn')
        $null = New-GroupWritebackConfiguration -ConfigPath $p @b -Credential $cred
        (Read-Json $p).directory.bindDn | Should -Be 'svc-gwb@contoso.com'
        Get-Content $p -Raw | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'writes secret references, not secrets, for unattended use' {
        $p = New-TestConfig 'refs' @{ SecretReference = @{ 'directory.password' = 'file:/etc/groupwriteback/ldap-password'; 'tenant.clientSecret' = 'env:GWB_CLIENT_SECRET' } }
        $doc = Read-Json $p
        $doc.directory.password.file | Should -Be '/etc/groupwriteback/ldap-password'
        $doc.tenant.auth.clientSecret.env | Should -Be 'GWB_CLIENT_SECRET'
        $c = Get-GroupWritebackConfiguration -ConfigPath $p
        $c.secrets.'directory.password' | Should -Be 'file:/etc/groupwriteback/ldap-password'
    }

    It 'writes certificate and managed-identity sign-in' {
        $cert = New-TestConfig 'cert' @{ CertificatePath = 'app.pfx'; SendCertificateChain = $true }
        $doc = Read-Json $cert
        $doc.tenant.auth.type | Should -Be 'certificate'
        $doc.tenant.auth.certificatePath | Should -Be (Join-Path (Get-Location).ProviderPath 'app.pfx')
        $doc.tenant.auth.sendCertificateChain | Should -BeTrue

        $p = Join-Path $Work 'mi.json'
        $b = @{} + $Base; $b.Remove('ClientId')
        $null = New-GroupWritebackConfiguration -ConfigPath $p @b -ManagedIdentity
        (Read-Json $p).tenant.auth | Should -Not -BeNullOrEmpty
        (Read-Json $p).tenant.auth.type | Should -Be 'managedIdentity'
        (Get-GroupWritebackConfiguration -ConfigPath $p).secrets.Keys | Should -Not -Contain 'tenant.clientSecret'
    }

    It 'writes sign-in with a certificate from the Windows store: only its thumbprint, normalized' {
        $p = New-TestConfig 'store-cert' @{ CertificateThumbprint = "`u{200E}3b 5e 2c 9a 0f 1d 4e 6b 8a 7c 9d 0e 1f 2a 3b 4c 5d 6e 7f 80" }
        $auth = (Read-Json $p).tenant.auth
        $auth.type | Should -Be 'certificate'
        $auth.certificateThumbprint | Should -Be '3B5E2C9A0F1D4E6B8A7C9D0E1F2A3B4C5D6E7F80'
        $auth.Keys | Should -Not -Contain 'certificatePath'
        $c = Get-GroupWritebackConfiguration -ConfigPath $p
        $c.secrets.'tenant.certificate' | Should -Be 'parameter'
        $c.secrets.Keys | Should -Not -Contain 'tenant.certificatePassword'
    }

    It 'rejects a thumbprint that is not 40 hex digits, naming the key, and writes nothing' {
        $p = Join-Path $Work 'bad-thumbprint.json'
        $err = { New-GroupWritebackConfiguration -ConfigPath $p @Base -CertificateThumbprint 'not-a-thumbprint' -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match 'config\.tenant\.auth\.certificateThumbprint: must be the 40 hexadecimal digits'
        Test-Path -LiteralPath $p | Should -BeFalse
    }

    It 'resolves a relative -ConfigPath against the PowerShell location, not the process folder' {
        $sub = Join-Path $Work 'relative'
        New-Item -ItemType Directory -Path $sub | Out-Null
        Push-Location $sub
        try { $null = New-GroupWritebackConfiguration -ConfigPath './rel.json' @Base }
        finally { Pop-Location }
        Join-Path $sub 'rel.json' | Should -Exist
    }
}

Describe 'Default configuration path' {
    It 'uses $env:GROUPWRITEBACK_CONFIG when -ConfigPath is not given' {
        $p = Join-Path $Work 'from-env.json'
        $env:GROUPWRITEBACK_CONFIG = $p
        try {
            $null = New-GroupWritebackConfiguration @Base
            $p | Should -Exist
            (Get-GroupWritebackConfiguration).Path | Should -Be $p
        }
        finally { $env:GROUPWRITEBACK_CONFIG = $null }
    }

    It 'falls back to groupwriteback.json in the per-user GroupWriteback folder, and says so when it is missing' {
        $expected = Join-Path (Join-Path ([Environment]::GetFolderPath('ApplicationData')) 'GroupWriteback') 'groupwriteback.json'
        if (Test-Path $expected) { Set-ItResult -Skipped -Because "a real per-user configuration exists at $expected" }
        $err = { Get-GroupWritebackConfiguration -ErrorAction Stop } | Should -Throw -PassThru
        $err.TargetObject | Should -Be $expected
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.ErrorDetails.RecommendedAction | Should -Match 'New-GroupWritebackConfiguration'
    }
}

Describe 'Get-GroupWritebackConfiguration' {
    It 'shows the settings in effect with defaults and where each secret comes from' {
        $p = New-TestConfig 'get'
        $c = Get-GroupWritebackConfiguration -ConfigPath $p
        $c.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Configuration'
        $c.DeleteThreshold | Should -Be 500
        $c.OnScopeExit | Should -Be 'leave'
        $c.ScopeMode | Should -Be 'selected'
        $c.StatePath | Should -Be (Join-Path $Work 'state')
        $c.secrets.'directory.password' | Should -Be 'parameter'
        $c.secrets.'tenant.clientSecret' | Should -Be 'parameter'
        $text = $c | Out-String
        $text | Should -Match 'TargetContainer\s*:\s*OU=Cloud Groups'
        $text | Should -Not -Match 'document'
    }

    It 'reports a file that is not JSON as a parser error naming the file' {
        $p = Join-Path $Work 'broken.json'
        Set-Content $p '{ "tenant": '
        $err = { Get-GroupWritebackConfiguration -ConfigPath $p -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $err.TargetObject | Should -Be $p
    }
}

Describe 'Set-GroupWritebackConfiguration' {
    It 'changes only the given settings and outputs nothing (or the configuration with -PassThru)' {
        $p = New-TestConfig 'set'
        $out = Set-GroupWritebackConfiguration -ConfigPath $p -DeleteThreshold 50 -Setting @{ 'lifecycle.onScopeExit' = 'delete' }
        $out | Should -BeNullOrEmpty
        $doc = Read-Json $p
        $doc.safety.deleteThreshold | Should -Be 50
        $doc.lifecycle.onScopeExit | Should -Be 'delete'
        $doc.tenant.tenantId | Should -Be 'contoso.onmicrosoft.com'
        $c = Set-GroupWritebackConfiguration -ConfigPath $p -Server 'ldaps://dc1.contoso.com', 'dc2.contoso.com' -PassThru
        $c.Servers | Should -Be @('ldaps://dc1.contoso.com', 'ldaps://dc2.contoso.com')
    }

    It 'writes nothing with -WhatIf' {
        $p = New-TestConfig 'set-whatif'
        $before = Get-Content $p -Raw
        Set-GroupWritebackConfiguration -ConfigPath $p -DeleteThreshold 7 -WhatIf
        Get-Content $p -Raw | Should -Be $before
    }

    It 'prints the change as a What if: line' {
        $p = New-TestConfig 'set-whatif-text'
        $module = Join-Path $RepoRoot 'module/GroupWriteback'
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$module'; Set-GroupWritebackConfiguration -ConfigPath '$p' -DeleteThreshold 7 -WhatIf" 2>&1
        ($out -join "`n") | Should -Match 'What if: .*safety\.deleteThreshold = 7.*'
    }

    It 'drops the old sign-in settings when the sign-in method changes' {
        $p = New-TestConfig 'switch-auth' @{ SecretReference = @{ 'tenant.clientSecret' = 'env:X' } }
        (Read-Json $p).tenant.auth.clientSecret.env | Should -Be 'X'
        Set-GroupWritebackConfiguration -ConfigPath $p -CertificatePath '/etc/gwb/app.pem'
        $auth = (Read-Json $p).tenant.auth
        $auth.type | Should -Be 'certificate'
        $auth.Keys | Should -Not -Contain 'clientSecret'
        $auth.certificatePath | Should -Be '/etc/gwb/app.pem'
    }

    It 'switches between a certificate file and the Windows store, dropping the other (and the file''s password reference)' {
        $p = New-TestConfig 'switch-cert' @{ CertificatePath = '/etc/gwb/app.pfx'; SecretReference = @{ 'tenant.certificatePassword' = 'env:PFX_PW' } }
        Set-GroupWritebackConfiguration -ConfigPath $p -CertificateThumbprint '3B5E2C9A0F1D4E6B8A7C9D0E1F2A3B4C5D6E7F80'
        $auth = (Read-Json $p).tenant.auth
        $auth.certificateThumbprint | Should -Be '3B5E2C9A0F1D4E6B8A7C9D0E1F2A3B4C5D6E7F80'
        $auth.Keys | Should -Not -Contain 'certificatePath'
        $auth.Keys | Should -Not -Contain 'certificatePassword'
        Set-GroupWritebackConfiguration -ConfigPath $p -CertificatePath '/etc/gwb/app.pem'
        $auth = (Read-Json $p).tenant.auth
        $auth.certificatePath | Should -Be '/etc/gwb/app.pem'
        $auth.Keys | Should -Not -Contain 'certificateThumbprint'
    }

    It 'removes a setting given as $null (its default applies again)' {
        $p = New-TestConfig 'set-null' @{ DeleteThreshold = 10 }
        Set-GroupWritebackConfiguration -ConfigPath $p -Setting @{ 'safety.deleteThreshold' = $null }
        (Read-Json $p).Keys | Should -Not -Contain 'safety'
        (Get-GroupWritebackConfiguration -ConfigPath $p).DeleteThreshold | Should -Be 500
    }

    It 'leaves the file untouched when the result would be invalid' {
        $p = New-TestConfig 'set-bad'
        $before = Get-Content $p -Raw
        $err = { Set-GroupWritebackConfiguration -ConfigPath $p -Setting @{ 'directory.urls' = @('http://dc1') } -ErrorAction Stop } | Should -Throw -PassThru
        $err.TargetObject | Should -Match 'config\.directory\.urls'
        Get-Content $p -Raw | Should -Be $before
    }
}

Describe 'Add-/Remove-GroupWritebackScope' {
    BeforeAll {
        $script:G1 = '2e5807ce-58f3-4a94-9b37-6c4b2e085957'
        $script:G2 = 'c2f798fd-f95d-4623-8824-63aec21f0a11'
        $script:G3 = '9f0c3f8e-1d2b-4c1a-8e55-0a6b7c8d9e01'
    }

    It 'adds ids from -GroupId and reports each one' {
        $p = New-TestConfig 'scope-param'
        $r = Add-GroupWritebackScope -ConfigPath $p -GroupId $G1, $G2
        $r.Count | Should -Be 2
        $r[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.ScopeChange'
        $r.Change | Should -Be @('Added', 'Added')
        (Read-Json $p).scope.groupIds | Should -Be @($G1, $G2)
        (Add-GroupWritebackScope -ConfigPath $p -GroupId $G1).Change | Should -Be 'AlreadySelected'
        (Read-Json $p).scope.groupIds | Should -Be @($G1, $G2)
    }

    It 'takes Get-MgGroup-like objects (an Id property) and plain strings from the pipeline, writing the file once' {
        $p = New-TestConfig 'scope-pipe'
        $mgGroups = @(
            [pscustomobject]@{ Id = $G1; DisplayName = 'Sales'; SecurityEnabled = $true }
            [pscustomobject]@{ Id = $G2.ToUpperInvariant(); DisplayName = 'Ops'; SecurityEnabled = $true }
        )
        $r = $mgGroups | Add-GroupWritebackScope -ConfigPath $p
        $r.GroupId | Should -Be @($G1, $G2)
        $G3 | Add-GroupWritebackScope -ConfigPath $p | Out-Null
        (Read-Json $p).scope.groupIds | Should -Be @($G1, $G2, $G3)
    }

    It 'removes ids, also from pipeline objects with a GroupId property, and says which were not selected' {
        $p = New-TestConfig 'scope-remove' @{ SelectedGroupId = @($G1, $G2) }
        $r = @([pscustomobject]@{ GroupId = $G1 }, [pscustomobject]@{ GroupId = $G3 }) | Remove-GroupWritebackScope -ConfigPath $p
        $r.Change | Should -Be @('Removed', 'NotSelected')
        (Read-Json $p).scope.groupIds | Should -Be @($G2)
    }

    It 'changes nothing with -WhatIf' {
        $p = New-TestConfig 'scope-whatif' @{ SelectedGroupId = @($G1) }
        $before = Get-Content $p -Raw
        Add-GroupWritebackScope -ConfigPath $p -GroupId $G2 -WhatIf | Should -BeNullOrEmpty
        Remove-GroupWritebackScope -ConfigPath $p -GroupId $G1 -WhatIf | Should -BeNullOrEmpty
        Get-Content $p -Raw | Should -Be $before
    }

    It 'reports an id that is not a GUID as a non-terminating InvalidArgument error and still adds the others' {
        $p = New-TestConfig 'scope-bad'
        $r = Add-GroupWritebackScope -ConfigPath $p -GroupId 'Sales Team', $G1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.GroupId | Should -Be @($G1)
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'sales team'
        (Read-Json $p).scope.groupIds | Should -Be @($G1)
        $LASTEXITCODE | Should -Be 3
    }

    It 'refuses to select groups when the scope is all security groups, and says how to switch' {
        $p = New-TestConfig 'scope-all' @{ ScopeMode = 'All' }
        $err = { Add-GroupWritebackScope -ConfigPath $p -GroupId $G1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.TargetObject | Should -Be 'config.scope.mode'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Set-GroupWritebackConfiguration -ScopeMode Selected'
    }
}
