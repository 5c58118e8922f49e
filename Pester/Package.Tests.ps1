#Requires -Version 7.4
# Issue 12: `npm run package` writes a .nupkg that Install-PSResource (PSResourceGet, bundled with PowerShell 7.4+)
# installs from a local file repository. A separate pwsh with its own HOME (so a clean, empty user module path and
# repository list) registers the folder as a repository, installs the module, imports it BY NAME from there and runs
# the demo's steps against a lab: configuration test, scope, plan, cycle, drift check. AD is then read over LDAP.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-package-$([guid]::NewGuid().ToString('n'))"
    $script:Feed = Join-Path $Work 'feed'
    New-Item -ItemType Directory -Path $Feed -Force | Out-Null
    $env:GWB_PACKAGE_DIR = $Feed
    try { $script:PackageOutput = (& node (Join-Path $RepoRoot 'build/package.mjs') 2>&1) -join "`n"; $script:PackageExit = $LASTEXITCODE }
    finally { Remove-Item env:GWB_PACKAGE_DIR }
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/demo.json'
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
}

AfterAll {
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The module package' {
    It 'npm run package writes one GroupWriteback .nupkg with the module and the bundled core' {
        $PackageExit | Should -Be 0 -Because $PackageOutput
        $nupkg = @(Get-ChildItem $Feed -Filter 'GroupWriteback.*.nupkg')
        $nupkg.Count | Should -Be 1
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg[0].FullName)
        try { $names = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        $names | Should -Contain 'GroupWriteback.psd1'
        $names | Should -Contain 'bin/gwb.cjs'
        $names | Should -Contain 'Public/Start-GroupProvisioning.ps1'
        $names | Should -Contain 'GroupWriteback.nuspec'
    }

    It 'installs with Install-PSResource into a clean module path and runs the demo against the lab' {
        $home2 = Join-Path $Work 'home'
        New-Item -ItemType Directory -Path $home2 -Force | Out-Null
        $script = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name GwbLocal -Uri $env:GWB_FEED -Trusted
Install-PSResource -Name GroupWriteback -Repository GwbLocal -Scope CurrentUser -TrustRepository
$installed = Get-InstalledPSResource -Name GroupWriteback
Import-Module GroupWriteback
$module = Get-Module GroupWriteback
$config = Join-Path $env:HOME 'job.json'
Copy-Item $env:GWB_LAB_CONFIG $config
Set-GroupWritebackConfiguration -ConfigPath $config -StatePath (Join-Path $env:HOME 'state')
$checks = @(Test-GroupWritebackConfiguration -ConfigPath $config)
$scope = @(Get-GroupWritebackScope -ConfigPath $config)
$plan = @(Start-GroupProvisioning -ConfigPath $config -WhatIf 6>&1)
$summary = Start-GroupProvisioning -ConfigPath $config -PassThru
$runExit = $LASTEXITCODE
$drift = @(Test-GroupWritebackSync -ConfigPath $config)
[pscustomobject]@{
    installedVersion = [string]$installed.Version
    installedPath    = $installed.InstalledLocation
    modulePath       = $module.ModuleBase
    checksFailed     = @($checks | Where-Object { $_.Status -eq 'Failed' }).Count
    inScope          = @($scope | Where-Object InScope).Count
    runExit          = $runExit
    status           = $summary.status
    created          = $summary.groups.created
    drift            = $drift.Count
} | ConvertTo-Json -Compress
'@
        $envSaved = @{ HOME = $env:HOME; PSModulePath = $env:PSModulePath; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME }
        try {
            $env:HOME = $home2
            $env:XDG_DATA_HOME = Join-Path $home2 '.local/share'
            $env:XDG_CONFIG_HOME = Join-Path $home2 '.config'
            $env:PSModulePath = ''   # only what the child's own (empty) user path and $PSHOME hold
            $env:GWB_FEED = $Feed
            $env:GWB_LAB_CONFIG = $Lab.configPath
            Push-Location $home2
            $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $script 2>&1
            $exit = $LASTEXITCODE
        }
        finally {
            Pop-Location
            foreach ($k in $envSaved.Keys) { [Environment]::SetEnvironmentVariable($k, $envSaved[$k]) }
            Remove-Item env:GWB_FEED, env:GWB_LAB_CONFIG -ErrorAction SilentlyContinue
        }
        $text = @($out | ForEach-Object { [string]$_ }) -join "`n"
        $exit | Should -Be 0 -Because $text
        $r = ($out | Select-Object -Last 1) | ConvertFrom-Json
        $r.installedVersion | Should -Be (Import-PowerShellDataFile (Join-Path $RepoRoot 'module/GroupWriteback/GroupWriteback.psd1')).ModuleVersion
        $r.modulePath | Should -BeLike "$home2*"
        $r.checksFailed | Should -Be 0 -Because $text
        $r.runExit | Should -Be 0 -Because $text
        $r.status | Should -Be 'success'
        $r.created | Should -Be $r.inScope
        $r.drift | Should -Be 0
        # What AD holds, read over LDAP: one group per in-scope cloud group.
        @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'dn').Count | Should -Be $r.inScope
    }
}
