#Requires -Version 7.4
# Issue 9: the whole migration from Entra Connect Sync group writeback v2, through the cmdlets as an admin runs it —
# discovery, -WhatIf, the migration with an admin credential, granting the job's account the OU, the first cycle,
# verify. The lab is test/fixtures/tenants/connect-v2.json (Connect's OU outside the target OU; the big group with
# 25 generated members here: the 3,000-member case is in test/integration/migration.test.ts). Active Directory is
# read with ldapsearch as the domain administrator, never through the module's own report.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/connect-v2.json' -ConnectGeneratedMembers 25
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:SavedConfig = $env:GROUPWRITEBACK_CONFIG
    $env:GROUPWRITEBACK_CONFIG = $Lab.configPath
    $script:Ou = $Lab.connectOu
    $script:Admin = [pscredential]::new($Lab.admin.bindDn, (ConvertTo-SecureString $Lab.admin.password -AsPlainText -Force))
    $script:Specs = @((Get-Content (Join-Path $RepoRoot 'test/fixtures/tenants/connect-v2.json') -Raw | ConvertFrom-Json).'$connectWriteback'.adGroups)
    $script:Eligible = @($Specs | Where-Object { $_.expect -in 'adopt', 'alreadyAnchored' })

    function script:ConnectGroups {
        @(Invoke-GwbLdapSearch -Lab $Lab -Base $Ou -Filter '(objectClass=group)' -Attribute '*', 'objectGUID', 'objectSid', 'member')
    }
    function script:SpecOf($Group) {
        $id = ($Group.adminDescription -replace '^Group_', '')
        $format = if ($Group.cn -eq "Group_$id") { 'objectId' } else { 'displayName' }
        $Specs | Where-Object { $_.cloudId -eq $id -and $_.cn -eq $format }
    }
    # A child pwsh, to see what the host prints (What if: lines go to the host, not to a stream).
    function script:Invoke-Child([string]$Command) {
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $Command" 2>&1
        @($out | ForEach-Object { [string]$_ })
    }
    $script:Before = @{}
    foreach ($g in ConnectGroups) { $Before[$g.dn] = $g }
}

AfterAll {
    $env:GROUPWRITEBACK_CONFIG = $SavedConfig
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
}

Describe 'Migration from Entra Connect group writeback v2, through the cmdlets' {
    It 'Get-GroupWritebackMigration lists every Connect-written group with its action and reason' {
        $plan = @(Get-GroupWritebackMigration -SearchBase $Ou)
        $plan.Count | Should -Be $Specs.Count
        $plan[0].PSObject.TypeNames | Should -Contain 'GroupWriteback.MigrationGroup'
        foreach ($p in $plan) {
            $spec = $Specs | Where-Object { $_.cloudId -eq $p.cloudId -and $_.cn -eq $p.cnFormat }
            $p.action | Should -Be $spec.expect -Because $p.dn
            $p.reason | Should -Not -BeNullOrEmpty
        }
        @(Get-GroupWritebackMigration -SearchBase $Ou -Eligible).Count | Should -Be $Eligible.Count
        # Output an admin can export for review.
        ($plan | Select-Object dn, objectGuid, cloudId, cloudDisplayName, eligible, action, reason | ConvertTo-Csv).Count | Should -Be ($Specs.Count + 1)
    }

    It 'Start-GroupWritebackMigration -WhatIf says what it would stamp and changes nothing' {
        $snapshot = Get-GwbLdapSnapshot -Lab $Lab
        $config = Get-Content $Lab.configPath -Raw
        $env:GWB_T_ADMIN = $Lab.admin.bindDn
        $env:GWB_T_PW = $Lab.admin.password
        try {
            $out = Invoke-Child "`$c = [pscredential]::new(`$env:GWB_T_ADMIN, (ConvertTo-SecureString `$env:GWB_T_PW -AsPlainText -Force)); Start-GroupWritebackMigration -SearchBase '$Ou' -Credential `$c -KeepCnFormat -WhatIf"
        }
        finally { Remove-Item Env:GWB_T_ADMIN, Env:GWB_T_PW -ErrorAction SilentlyContinue }
        @($out | Where-Object { $_ -match '^What if: .*Stamp msDS-ExternalDirectoryObjectId=Group_' }).Count | Should -Be @($Specs | Where-Object expect -EQ 'adopt').Count
        @($out | Where-Object { $_ -match '^What if: .*target\.managedContainers' }).Count | Should -Be 1
        ($out -join "`n") | Should -Not -Match 'Team Site'   # the Microsoft 365 group is never a candidate
        Get-GwbLdapSnapshot -Lab $Lab | Should -Be $snapshot
        Get-Content $Lab.configPath -Raw | Should -Be $config
    }

    It 'Start-GroupWritebackMigration stamps exactly the eligible groups with the admin credential' {
        $r = Start-GroupWritebackMigration -SearchBase $Ou -Credential $Admin -KeepCnFormat -Confirm:$false -PassThru
        $r.PSObject.TypeNames | Should -Contain 'GroupWriteback.MigrationResult'
        $r.stamped | Should -Be @($Specs | Where-Object expect -EQ 'adopt').Count
        @($r.failed).Count | Should -Be 0
        foreach ($g in ConnectGroups) {
            $spec = SpecOf $g
            $anchor = $g.PSObject.Properties['msDS-ExternalDirectoryObjectId']
            if ($spec.expect -in 'adopt', 'alreadyAnchored') { $anchor.Value | Should -Be $g.adminDescription -Because $g.dn }
            elseif ($spec.expect -eq 'conflictAnchoredElsewhere') { $anchor.Value | Should -Be $spec.anchor }
            else { $anchor | Should -BeNullOrEmpty -Because "$($g.dn) is $($spec.expect)" }
        }
        (Get-Content $Lab.configPath -Raw | ConvertFrom-Json).target.managedContainers | Should -Be @($Ou)
    }

    It 'after the admin grants the OU, Start-GroupProvisioning manages the groups in place (same objectGUID, SID, DN)' {
        Grant-GwbLabGroupRight -Lab $Lab -OrganizationalUnit $Ou
        $summary = Start-GroupProvisioning -PassThru -ErrorAction SilentlyContinue -ErrorVariable cycleErrors
        $summary.groups.created | Should -Be 0
        # The duplicate pair and the group stamped elsewhere: a per-group error instead of a second AD group.
        @($cycleErrors | Where-Object { $_.FullyQualifiedErrorId -match 'UnmigratedConnectGroup' }).Count | Should -Be 2
        @(Invoke-GwbLdapSearch -Lab $Lab -Base $Lab.ldap.targetOu -Filter '(objectClass=group)' -Attribute 'dn').Count | Should -Be 0
        $after = @{}
        foreach ($g in ConnectGroups) { $after[$g.dn] = $g }
        $after.Keys | Sort-Object | Should -Be ($Before.Keys | Sort-Object)
        foreach ($dn in $Before.Keys) {
            $after[$dn].objectGUID | Should -Be $Before[$dn].objectGUID
            $after[$dn].objectSid | Should -Be $Before[$dn].objectSid
        }
        $drifted = $after.Values | Where-Object { $_.adminDescription -eq 'Group_3867d2e0-bf3c-4159-97e9-5cfd4dcebc1e' }
        $want = 'ada.adams', 'chloe.costa' | ForEach-Object { (Get-GwbAdUserDn -Lab $Lab -UserPrincipalName "$_@lab.example.com").ToLowerInvariant() } | Sort-Object
        @($drifted.member | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object) | Should -Be $want
        $m365 = $after.Values | Where-Object { $_.adminDescription -eq 'Group_c0c8dfbd-3eb4-4e7a-a84d-b818dc1c7108' }
        ($m365 | ConvertTo-Json -Depth 3) | Should -Be (($Before[$m365.dn]) | ConvertTo-Json -Depth 3)
    }

    It 'Test-GroupWritebackMigration (the check script) finds nothing unexpected' {
        $check = @(Test-GroupWritebackMigration -SearchBase $Ou -FailOnDifference)
        $LASTEXITCODE | Should -Be 0
        @($check | Where-Object { -not $_.expected }).Count | Should -Be 0
        $check.Count | Should -Be ($Specs.Count - $Eligible.Count)
        # No drift on an adopted group (the group stamped elsewhere is reported as an unmanaged anchored object).
        $adopted = @(ConnectGroups | Where-Object { (SpecOf $_).expect -in 'adopt', 'alreadyAnchored' } | ForEach-Object dn)
        $adopted.Count | Should -Be $Eligible.Count
        Test-GroupWritebackSync -ErrorAction SilentlyContinue | Where-Object { $_.PSObject.Properties['dn'] -and $_.dn -in $adopted } | Should -BeNullOrEmpty
    }
}
