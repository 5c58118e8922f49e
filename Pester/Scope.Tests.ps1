#Requires -Version 7.4
# Selected groups end to end on the lab: Add-/Remove-GroupWritebackScope (from -GroupId and from Graph objects on
# the pipeline), Get-GroupWritebackScope, and what the next cycle writes to AD (asserted over LDAP).

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $RepoRoot 'module/GroupWriteback') -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/demo.json'
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-scope-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $Work | Out-Null

    # The lab's configuration, switched to selected groups, deleting groups that leave scope.
    $script:Config = Join-Path $Work 'selected.json'
    Copy-Item $Lab.configPath $Config
    Set-GroupWritebackConfiguration -ConfigPath $Config -ScopeMode Selected -StatePath (Join-Path $Work 'state') -Setting @{ 'lifecycle.onScopeExit' = 'delete' }

    $script:Groups = @{}
    foreach ($g in $Lab.tenant.groups) { $Groups[$g.displayName] = $g.id }
    function script:AnchoredInAd { @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'msDS-ExternalDirectoryObjectId' | ForEach-Object { $_.'msDS-ExternalDirectoryObjectId' -replace '^Group_', '' } | Sort-Object) }
    # What Microsoft.Graph's Get-MgGroup -Filter returns, shaped the same way: objects with an Id property.
    function script:Get-MgGroupLike([string]$DisplayName) {
        (Invoke-GwbLabGraph $Lab GET "/groups?`$filter=displayName eq '$DisplayName'").value | ForEach-Object {
            [pscustomobject]@{ Id = $_.id; DisplayName = $_.displayName; SecurityEnabled = $_.securityEnabled; MailEnabled = $_.mailEnabled }
        }
    }
}

AfterAll {
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Selected groups' {
    It 'starts with no group in scope; -IncludeExcluded says which are not selected and which are not eligible' {
        Get-GroupWritebackScope -ConfigPath $Config | Should -BeNullOrEmpty
        $all = Get-GroupWritebackScope -ConfigPath $Config -IncludeExcluded
        ($all | Where-Object DisplayName -eq 'Sales Team').Reason | Should -Match 'not selected'
        ($all | Where-Object DisplayName -eq 'All Staff Mail').Reason | Should -Match 'mail-enabled'
    }

    It 'adds a group piped from Graph (Get-MgGroup output); the next cycle writes exactly that group' {
        $r = Get-MgGroupLike 'Sales Team' | Add-GroupWritebackScope -ConfigPath $Config
        $r.Change | Should -Be 'Added'
        (Get-GroupWritebackScope -ConfigPath $Config).GroupId | Should -Be $Groups['Sales Team']
        Start-GroupProvisioning -ConfigPath $Config
        $LASTEXITCODE | Should -Be 0
        AnchoredInAd | Should -Be @($Groups['Sales Team'])
    }

    It 'adds groups by -GroupId; an ineligible one stays out of AD with its reason' {
        $r = Add-GroupWritebackScope -ConfigPath $Config -GroupId $Groups['Platform Team'], $Groups['All Staff Mail']
        $r.Change | Should -Be @('Added', 'Added')
        $scope = Get-GroupWritebackScope -ConfigPath $Config -IncludeExcluded
        ($scope | Where-Object DisplayName -eq 'All Staff Mail').InScope | Should -BeFalse
        Start-GroupProvisioning -ConfigPath $Config
        AnchoredInAd | Should -Be @($Groups['Sales Team'], $Groups['Platform Team'] | Sort-Object)
    }

    It 'removes a group piped from Get-GroupWritebackScope; with onScopeExit = delete the next cycle deletes it from AD' {
        $r = Get-GroupWritebackScope -ConfigPath $Config | Where-Object DisplayName -eq 'Platform Team' | Remove-GroupWritebackScope -ConfigPath $Config
        $r.Change | Should -Be 'Removed'
        $r.GroupId | Should -Be $Groups['Platform Team']
        Start-GroupProvisioning -ConfigPath $Config
        $LASTEXITCODE | Should -Be 0
        AnchoredInAd | Should -Be @($Groups['Sales Team'])
        Test-GroupWritebackSync -ConfigPath $Config | Should -BeNullOrEmpty
    }
}
