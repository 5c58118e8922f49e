#Requires -Version 7.4
# Secrets: -Credential, -ClientSecret and -CertificatePassword reach the core over the bridge's stdin (the core's
# own report says which secrets it was given), never appear on a command line or in the core's environment, and
# are never written to disk. An Azure Automation credential asset pipes straight in. A command asks only for the
# secrets it needs (Get-GroupWritebackScope: the tenant's), and a store certificate named in the file must be
# handed over with -CertificateThumbprint.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    Import-Module $ModulePath -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-secrets-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $Work | Out-Null

    # A configuration whose services refuse connections at once (port 1 on loopback): only the secret checks matter.
    $script:ConfigPath = Join-Path $Work 'unreachable.json'
    $null = New-GroupWritebackConfiguration -ConfigPath $ConfigPath -TenantId 'contoso.onmicrosoft.com' -ClientId '6f1c1c4e-2b0a-4d5e-9a53-5a1f0c0d7e21' `
        -Server 'ldaps://127.0.0.1:1' -BindDn 'CONTOSO\svc-gwb' -TargetContainer 'OU=Cloud Groups,DC=contoso,DC=com' `
        -AuthorityHost 'https://127.0.0.1:1' -GraphBaseUrl 'https://127.0.0.1:1' -StatePath (Join-Path $Work 'state')

    $script:Password = 'Ldap-Pa55-9d1f2e3c-only-in-memory'
    $script:AppSecret = 'App~Secret-4b5a6c7d-only-in-memory'
    $script:Cred = [pscredential]::new('CONTOSO\svc-gwb', (ConvertTo-SecureString $Password -AsPlainText -Force))
    $script:SecureAppSecret = ConvertTo-SecureString $AppSecret -AsPlainText -Force

    # What Azure Automation's Get-AutomationPSCredential returns on a hybrid worker: a PSCredential.
    function script:Get-AutomationPSCredential([string]$Name) { $script:Cred }

    function script:Get-SecretsRow { param([object[]]$Rows) $Rows | Where-Object id -eq 'config.secrets' }
}

AfterAll { Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Secrets reach the core' {
    It 'reports both secrets missing when none is passed and the file references none' {
        $rows = Test-GroupWritebackConfiguration -ConfigPath $ConfigPath -TimeoutSec 2 -WarningAction SilentlyContinue
        $s = Get-SecretsRow $rows
        $s.status | Should -Be 'Failed'
        $s.target | Should -Match 'directory\.password'
        $s.target | Should -Match 'tenant\.clientSecret'
        $s.fix | Should -Match '-Credential'
        $s.fix | Should -Match '-ClientSecret'
        $LASTEXITCODE | Should -Be 1
    }

    It 'hands over -Credential (PSCredential) and -ClientSecret (SecureString)' {
        $rows = Test-GroupWritebackConfiguration -ConfigPath $ConfigPath -Credential $Cred -ClientSecret $SecureAppSecret -TimeoutSec 2 -WarningAction SilentlyContinue
        $s = Get-SecretsRow $rows
        $s.status | Should -Be 'Passed'
        $s.message | Should -Match 'directory\.password'
        $s.message | Should -Match 'tenant\.clientSecret'
        # The checks that needed them ran (and failed on the refused connections, not on a missing secret).
        ($rows | Where-Object id -eq 'graph.reachable').status | Should -Be 'Failed'
        ($rows | Where-Object id -eq 'directory.reachable').status | Should -Be 'Failed'
    }

    It 'takes the credential of an Azure Automation asset from the pipeline' {
        $rows = Get-AutomationPSCredential -Name 'GroupWriteback LDAP' | Test-GroupWritebackConfiguration -ConfigPath $ConfigPath -ClientSecret $SecureAppSecret -TimeoutSec 2 -WarningAction SilentlyContinue
        (Get-SecretsRow $rows).status | Should -Be 'Passed'
    }

    It 'hands over -CertificatePassword for certificate sign-in' {
        $p = Join-Path $Work 'cert.json'
        Copy-Item $ConfigPath $p
        Set-GroupWritebackConfiguration -ConfigPath $p -CertificatePath (Join-Path $Work 'app.pfx')
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -Credential $Cred -CertificatePassword $SecureAppSecret -TimeoutSec 2 -WarningAction SilentlyContinue
        (Get-SecretsRow $rows).message | Should -Match 'tenant\.certificatePassword'
    }

    It 'says a configured store certificate must be handed over with -CertificateThumbprint (or replaced by a file)' {
        $p = Join-Path $Work 'store-cert.json'
        Copy-Item $ConfigPath $p
        Set-GroupWritebackConfiguration -ConfigPath $p -CertificateThumbprint 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'
        $rows = Test-GroupWritebackConfiguration -ConfigPath $p -Credential $Cred -TimeoutSec 2 -WarningAction SilentlyContinue
        $s = Get-SecretsRow $rows
        $s.status | Should -Be 'Failed'
        $s.target | Should -Be 'tenant.certificate'
        $s.message | Should -Match "certificateThumbprint was not handed over \(secret 'tenant\.certificate'\)"
        $s.fix | Should -Match '-CertificateThumbprint A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'
        $s.fix | Should -Match 'certificatePath'
        ($rows | Where-Object id -eq 'graph.token').status | Should -Be 'Skipped'
    }

    It 'Get-GroupWritebackScope asks for the tenant secret only, never the directory password' {
        $err = { Get-GroupWritebackScope -ConfigPath $ConfigPath -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.SecretMissing'
        $err.TargetObject | Should -Be 'config.tenant.auth.clientSecret'
        # With the client secret (and no -Credential) it gets as far as signing in: the refused login is the only error.
        $err = { Get-GroupWritebackScope -ConfigPath $ConfigPath -ClientSecret $SecureAppSecret -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.GraphConnectionFailed'
        $err.Exception.Message | Should -Not -Match 'directory\.password'
    }

    It 'explains that -CertificateThumbprint needs the Windows certificate store' -Skip:$IsWindows {
        $err = { Test-GroupWritebackConfiguration -ConfigPath $ConfigPath -CertificateThumbprint 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.CertificateStoreUnavailable'
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
        $err.ErrorDetails.RecommendedAction | Should -Match 'PFX'
        $err.ErrorDetails.RecommendedAction | Should -Match '-CertificatePassword'
    }
}

Describe 'Secrets stay off the command line, out of the environment and off the disk' -Skip:(-not $IsLinux) {
    It 'never puts them in the core''s argv or environment' {
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript({
                    param($ModulePath, $Cred, $Secret)
                    Import-Module $ModulePath -Force
                    & (Get-Module GroupWriteback) {
                        param($Cred, $Secret)
                        function Invoke-Probe {
                            [CmdletBinding()] param($Cred, $Secret)
                            $secrets = Get-GwbSecret -BoundParameters @{ Credential = $Cred; ClientSecret = $Secret } -Cmdlet $PSCmdlet
                            Invoke-GwbOperation -Operation 'selftest' -Parameters @{ events = @(); fail = 'hang' } -Secrets $secrets -Cmdlet $PSCmdlet
                        }
                        Invoke-Probe -Cred $Cred -Secret $Secret
                    } $Cred $Secret
                }).AddArgument($ModulePath).AddArgument($Cred).AddArgument($SecureAppSecret)
            $async = $ps.BeginInvoke()
            # The core this runspace started is a child of THIS process: "any new gwb.cjs rpc" could be another test
            # run's core on the same machine (then this test read someone else's process, or one that just ended).
            # The deadline only catches a hang. The core is found once it runs gwb.cjs (after exec), so its argv and
            # environment are final: nothing to wait for before reading them.
            $deadline = (Get-Date).AddSeconds(120)
            $corePid = $null
            while (-not $corePid -and (Get-Date) -lt $deadline) {
                Start-Sleep -Milliseconds 100
                $corePid = Get-Process -Name node -ErrorAction SilentlyContinue |
                    Where-Object { $_.Parent.Id -eq $PID -and $_.CommandLine -match 'gwb\.cjs rpc' } | Select-Object -First 1 -ExpandProperty Id
            }
            $corePid | Should -Not -BeNullOrEmpty
            $cmdline = [IO.File]::ReadAllText("/proc/$corePid/cmdline")
            $environ = [IO.File]::ReadAllText("/proc/$corePid/environ")
            $cmdline | Should -Not -Match ([regex]::Escape($Password))
            $cmdline | Should -Not -Match ([regex]::Escape($AppSecret))
            $environ | Should -Not -Match ([regex]::Escape($Password))
            $environ | Should -Not -Match ([regex]::Escape($AppSecret))
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
    }

    It 'never writes them to the configuration folder or the state store' {
        $null = Test-GroupWritebackConfiguration -ConfigPath $ConfigPath -Credential $Cred -ClientSecret $SecureAppSecret -TimeoutSec 2 -WarningAction SilentlyContinue
        $files = Get-ChildItem $Work -Recurse -File
        $files | Should -Not -BeNullOrEmpty
        foreach ($f in $files) {
            $text = [IO.File]::ReadAllText($f.FullName)
            $text | Should -Not -Match ([regex]::Escape($Password)) -Because $f.FullName
            $text | Should -Not -Match ([regex]::Escape($AppSecret)) -Because $f.FullName
        }
    }
}
