#Requires -Version 7.4
# The hybrid-worker runbook (examples/runbook/Sync-GroupWriteback.ps1) run as `pwsh -File` against the lab, with
# Azure Automation's Get-AutomationPSCredential stood in by a stub module: it provisions AD and ends with a
# meaningful exit code (0 success, 4 deletes held, 1 failed cycle, 1 quarantined).

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $RepoRoot 'module/GroupWriteback') -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/demo.json'
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:Runbook = Join-Path $RepoRoot 'examples/runbook/Sync-GroupWriteback.ps1'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-runbook-$([guid]::NewGuid().ToString('n'))"

    # Azure Automation's asset cmdlet, as a module on PSModulePath: the credential asset holds the lab's service account.
    $stub = Join-Path $Work 'modules/AutomationAssetsStub'
    New-Item -ItemType Directory -Path $stub -Force | Out-Null
    Set-Content (Join-Path $stub 'AutomationAssetsStub.psm1') @'
function Get-AutomationPSCredential {
    param([Parameter(Mandatory)][string]$Name)
    if ($Name -ne 'GroupWriteback-LDAP') { throw "No credential asset named '$Name'." }
    [pscredential]::new($env:GWB_TEST_ASSET_USER, (ConvertTo-SecureString $env:GWB_TEST_ASSET_PASSWORD -AsPlainText -Force))
}
'@
    # The runbook must not find the password anywhere but in the asset.
    $script:Config = Join-Path $Work 'worker.json'
    Copy-Item $Lab.configPath $Config
    Set-GroupWritebackConfiguration -ConfigPath $Config -StatePath (Join-Path $Work 'state') -SecretReference @{ 'directory.password' = $null }

    function script:Invoke-Runbook([string]$Password = $Lab.ldap.password, [string[]]$Arguments = @()) {
        $saved = @{ PSModulePath = $env:PSModulePath; U = $env:GWB_TEST_ASSET_USER; P = $env:GWB_TEST_ASSET_PASSWORD }
        try {
            $env:PSModulePath = (Join-Path $Work 'modules'), (Join-Path $RepoRoot 'module'), $env:PSModulePath -join [IO.Path]::PathSeparator
            $env:GWB_TEST_ASSET_USER = $Lab.ldap.bindDn
            $env:GWB_TEST_ASSET_PASSWORD = $Password
            $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $Runbook -ConfigPath $Config @Arguments 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = (@($out | ForEach-Object { [string]$_ }) -join "`n") }
        }
        finally {
            $env:PSModulePath = $saved.PSModulePath; $env:GWB_TEST_ASSET_USER = $saved.U; $env:GWB_TEST_ASSET_PASSWORD = $saved.P
        }
    }
    function script:Anchored { @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'dn') }
}

AfterAll {
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Sync-GroupWriteback runbook (pwsh -File)' {
    It 'provisions AD with the credential asset and exits 0' {
        $r = Invoke-Runbook
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'Status\s*:\s*success'
        (Anchored).Count | Should -Be 4
    }

    It 'exits 4 and says what to do when deletes are held' {
        Set-GroupWritebackConfiguration -ConfigPath $Config -DeleteThreshold 1
        foreach ($name in 'Sales Team', 'Contractors') {
            $id = ($Lab.tenant.groups | Where-Object displayName -eq $name).id
            Invoke-GwbLabGraph $Lab DELETE "/groups/$id" | Out-Null
            Invoke-GwbLabGraph $Lab DELETE "/directory/deletedItems/$id" | Out-Null
        }
        $r = Invoke-Runbook
        $r.ExitCode | Should -Be 4 -Because $r.Text
        $r.Text | Should -Match 'Approve-GroupProvisioningDeletion'
        (Anchored).Count | Should -Be 4
    }

    It 'exits 1 with the error when the cycle fails (a wrong password in the asset, seen by a full cycle)' {
        Set-GroupWritebackConfiguration -ConfigPath $Config -Setting @{ 'safety.quarantineAfterFailures' = 1 }
        # A delta cycle with nothing to write never binds; a full one reads AD first.
        $r = Invoke-Runbook -Password 'not-the-password' -Arguments '-Full:$true'
        $r.ExitCode | Should -Be 1 -Because $r.Text
        $r.Text | Should -Match 'password'
    }

    It 'exits 1 without running when the job is quarantined, naming the way out' {
        $r = Invoke-Runbook
        $r.ExitCode | Should -Be 1 -Because $r.Text
        $r.Text | Should -Match 'quarantined'
        $r.Text | Should -Match 'Reset-GroupProvisioning'
    }
}
