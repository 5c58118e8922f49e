#Requires -Version 7.4
# The admin's cmdlets end to end on the lab: the tenant is changed through the emulator's Graph API (as an admin or
# Entra would), the cmdlets run, and Active Directory is asserted over LDAP (ldapsearch as the domain
# administrator) — never through the module's own report.
#
# One lab for the whole file; the Contexts run in order and build on each other (first cycle, delta changes,
# on-demand, drift and repair, held deletes, quarantine).

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/demo.json'
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:SavedConfig = $env:GROUPWRITEBACK_CONFIG
    # The cmdlets below take the lab's configuration from the documented default: $env:GROUPWRITEBACK_CONFIG.
    $env:GROUPWRITEBACK_CONFIG = $Lab.configPath
    $script:Core = Join-Path $ModulePath 'bin/gwb.cjs'

    $script:Groups = @{}
    foreach ($g in $Lab.tenant.groups) { $Groups[$g.displayName] = $g.id }
    $script:Users = @{}
    foreach ($u in $Lab.tenant.users) { $Users[($u.userPrincipalName -split '@')[0]] = $u.id }
    $script:InScope = 'Sales Team', 'Platform Team', 'Engineering', 'Contractors'
    $script:OutOfScope = 'Finance (AD)', 'All Staff Mail', 'Marketing 365'

    function script:UserDn([string]$Name) { Get-GwbAdUserDn -Lab $Lab -UserPrincipalName "$Name@lab.example.com" }
    function script:AdGroup([string]$Id) { Get-GwbAdGroup -Lab $Lab -GroupId $Id }
    function script:Members($AdGroup) { @($AdGroup.PSObject.Properties['member'] | ForEach-Object Value | ForEach-Object { $_ } | Sort-Object) }
    function script:SameDns([string[]]$Actual, [string[]]$Expected) {
        (@($Actual | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object) -join '|') | Should -Be (@($Expected | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object) -join '|')
    }
    # A child pwsh, to see what the host prints (What if: lines go to the host, not to a stream).
    function script:Invoke-Child([string]$Command) {
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $Command" 2>&1
        @($out | ForEach-Object { [string]$_ })
    }
    # Runs a command in a runspace and returns its streams (progress cannot be captured otherwise).
    function script:Invoke-Streams([scriptblock]$Script) {
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript("Import-Module '$ModulePath'").AddStatement().AddScript($Script)
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = @($output); Progress = @($ps.Streams.Progress); Warning = @($ps.Streams.Warning); Error = @($ps.Streams.Error); Information = @($ps.Streams.Information) }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    $env:GROUPWRITEBACK_CONFIG = $SavedConfig
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
}

Describe 'Provisioning end to end' {
    Context 'Get-GroupWritebackScope' {
        It 'lists the cloud security groups in scope' {
            $scope = Get-GroupWritebackScope
            $scope[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.ScopeEntry'
            @($scope.DisplayName | Sort-Object) | Should -Be @($InScope | Sort-Object)
            @($scope.GroupId | Sort-Object) | Should -Be @($InScope | ForEach-Object { $Groups[$_] } | Sort-Object)
            $scope.InScope | Should -Not -Contain $false
        }

        It 'with -IncludeExcluded also lists the other groups with the reason' {
            $all = Get-GroupWritebackScope -IncludeExcluded
            $all.Count | Should -Be 7
            ($all | Where-Object DisplayName -eq 'Finance (AD)').Reason | Should -Match 'synced from AD'
            ($all | Where-Object DisplayName -eq 'All Staff Mail').Reason | Should -Match 'mail-enabled'
            ($all | Where-Object DisplayName -eq 'Marketing 365').Reason | Should -Match 'Microsoft 365'
            @($all | Where-Object { -not $_.InScope }).DisplayName | Sort-Object | Should -Be @($OutOfScope | Sort-Object)
        }
    }

    Context 'Start-GroupProvisioning -WhatIf' {
        It 'changes nothing in AD (full LDAP snapshot) and prints one What if: line per planned change' {
            $plan = & node $Core plan --config $Lab.configPath --no-skips --json | ConvertFrom-Json
            $changes = @($plan | Where-Object { $_.action -notin 'skip', 'error', 'leave' })
            $changes.Count | Should -BeGreaterThan 4

            $before = Get-GwbLdapSnapshot -Lab $Lab
            $out = Invoke-Child 'Start-GroupProvisioning -WhatIf'
            $after = Get-GwbLdapSnapshot -Lab $Lab
            $after | Should -Be $before

            $lines = @($out | Where-Object { $_ -like 'What if: *' })
            $lines.Count | Should -Be $changes.Count
            foreach ($name in $InScope) {
                @($lines | Where-Object { $_ -like "What if: Create group '$name' as CN=$name*" }).Count | Should -Be 1 -Because "$name is created"
            }
            @($lines | Where-Object { $_ -like "What if: Add * member(s) to group 'Sales Team'*" }) | Should -Match ([regex]::Escape((UserDn 'alice')))
            foreach ($name in $OutOfScope) { $lines -join "`n" | Should -Not -Match ([regex]::Escape($name)) }
            foreach ($id in $Groups.Values) { AdGroup $id | Should -BeNullOrEmpty }
        }
    }

    Context 'Start-GroupProvisioning' {
        It 'writes the groups in scope to AD with their members, reporting progress per phase with counts' {
            $snapshot = Get-GwbLdapSnapshot -Lab $Lab
            $r = Invoke-Streams { Start-GroupProvisioning -PassThru; [pscustomobject]@{ PSTypeName = 'Probe.ExitCode'; Code = $LASTEXITCODE } }
            $r.Error | Should -BeNullOrEmpty
            # The snapshot the -WhatIf test relies on does see writes.
            Get-GwbLdapSnapshot -Lab $Lab | Should -Not -Be $snapshot
            $summary = $r.Output | Where-Object { $_.PSObject.TypeNames[0] -eq 'GroupWriteback.RunSummary' }
            ($r.Output | Where-Object { $_.PSObject.TypeNames[0] -eq 'Probe.ExitCode' }).Code | Should -Be 0
            $summary.Status | Should -Be 'success'
            $summary.Mode | Should -Be 'full'
            $summary.Groups.Created | Should -Be 4

            $phases = @($r.Progress | Where-Object { $_.ParentActivityId -lt 0 -and $_.Activity -eq 'Provisioning cycle' })
            $phases.Count | Should -BeGreaterThan 2
            @($r.Progress | Where-Object { $_.ParentActivityId -ge 0 -and $_.StatusDescription -match '^\d+ of \d+$' }) | Should -Not -BeNullOrEmpty
            $r.Progress[-1].RecordType | Should -Be 'Completed'

            foreach ($name in $InScope) {
                $ad = AdGroup $Groups[$name]
                $ad | Should -Not -BeNullOrEmpty -Because "$name is provisioned"
                $ad.displayName | Should -Be $name
                $ad.groupType | Should -Be '-2147483640'
                $ad.dn | Should -BeLike "CN=$name*,$($Lab.ldap.targetOu)"
            }
            foreach ($name in $OutOfScope) { AdGroup $Groups[$name] | Should -BeNullOrEmpty -Because "$name is out of scope" }
            SameDns (Members (AdGroup $Groups['Sales Team'])) @((UserDn 'alice'), (UserDn 'bob'))
            SameDns (Members (AdGroup $Groups['Platform Team'])) @((UserDn 'carol'), (UserDn 'dave'))
            SameDns (Members (AdGroup $Groups['Engineering'])) @((UserDn 'bob'), (AdGroup $Groups['Platform Team']).dn)
            Members (AdGroup $Groups['Contractors']) | Should -BeNullOrEmpty
        }

        It 'applies the changes made in Entra ID since (delta): new group, rename, member added and removed' {
            $new = New-GwbLabGroup -Lab $Lab -DisplayName 'Support Desk' -Description 'Created in Entra' -MemberId $Users['carol']
            $script:SupportId = $new.id
            Invoke-GwbLabGraph $Lab PATCH "/groups/$($Groups['Contractors'])" @{ displayName = 'External Contractors' } | Out-Null
            Invoke-GwbLabGraph $Lab POST "/groups/$($Groups['Sales Team'])/members/`$ref" @{ '@odata.id' = "$($Lab.graph.baseUrl)/v1.0/directoryObjects/$($Users['dave'])" } | Out-Null
            Invoke-GwbLabGraph $Lab DELETE "/groups/$($Groups['Sales Team'])/members/$($Users['bob'])/`$ref" | Out-Null

            $summary = Start-GroupProvisioning -PassThru
            $LASTEXITCODE | Should -Be 0
            $summary.Mode | Should -Be 'delta'
            $script:DeltaCycleId = $summary.CycleId

            $support = AdGroup $SupportId
            $support.displayName | Should -Be 'Support Desk'
            $support.description | Should -Be 'Created in Entra'
            SameDns (Members $support) @((UserDn 'carol'))
            $contractors = AdGroup $Groups['Contractors']
            $contractors.displayName | Should -Be 'External Contractors'
            $contractors.dn | Should -BeLike "CN=External Contractors_*"
            SameDns (Members (AdGroup $Groups['Sales Team'])) @((UserDn 'alice'), (UserDn 'dave'))
        }

        It 'outputs nothing without -PassThru' {
            Start-GroupProvisioning | Should -BeNullOrEmpty
            $LASTEXITCODE | Should -Be 0
        }
    }

    Context 'Get-GroupProvisioningLog' {
        It 'filters by cycle, group, action and status' {
            $log = Get-GroupProvisioningLog -CycleId $DeltaCycleId
            $log[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.LogEntry'
            $log.CycleId | Sort-Object -Unique | Should -Be $DeltaCycleId
            $log.Action | Should -Contain 'create'
            $log.Action | Should -Contain 'rename'
            $log.Action | Should -Contain 'memberAdd'
            $log.Action | Should -Contain 'memberRemove'

            $sales = Get-GroupProvisioningLog -GroupId $Groups['Sales Team'] -Action MemberRemove
            $sales | Should -Not -BeNullOrEmpty
            $sales.Action | Sort-Object -Unique | Should -Be 'memberRemove'
            ($sales | Where-Object CycleId -eq $DeltaCycleId).Modified | Should -Match ([regex]::Escape((UserDn 'bob')))

            Get-GroupProvisioningLog -Status Failure | Should -BeNullOrEmpty
            Get-GroupProvisioningLog -After (Get-Date).AddMinutes(5) | Should -BeNullOrEmpty
            @(Get-GroupProvisioningLog -Last 3).Count | Should -Be 3
        }

        It 'pipes to Export-Csv with every column kept' {
            $csv = Join-Path ([IO.Path]::GetTempPath()) "gwb-log-$([guid]::NewGuid().ToString('n')).csv"
            try {
                $log = Get-GroupProvisioningLog -CycleId $DeltaCycleId
                $log | Export-Csv -Path $csv -NoTypeInformation
                $rows = Import-Csv $csv
                $rows.Count | Should -Be $log.Count
                $columns = $rows[0].PSObject.Properties.Name
                foreach ($c in 'Timestamp', 'CycleId', 'Action', 'Status', 'GroupId', 'DisplayName', 'TargetDn', 'MemberIds', 'Modified', 'Reason', 'ErrorCode', 'ErrorMessage') { $columns | Should -Contain $c }
                ($rows | Where-Object Action -eq 'create' | Select-Object -First 1).TargetDn | Should -BeLike 'CN=Support Desk_*'
                (Get-Content $csv -Raw) | Should -Not -Match 'System\.Object\[\]'
            }
            finally { Remove-Item $csv -ErrorAction SilentlyContinue }
        }
    }

    Context 'Invoke-GroupProvisioningOnDemand' {
        It 'with -WhatIf writes nothing and prints the planned action' {
            $g = New-GwbLabGroup -Lab $Lab -DisplayName 'On Demand Crew' -MemberId $Users['alice'], $Users['dave']
            $script:OnDemandId = $g.id
            $before = Get-GwbLdapSnapshot -Lab $Lab
            $out = Invoke-Child "Invoke-GroupProvisioningOnDemand -GroupId $OnDemandId -MemberId $($Users['alice']) -WhatIf"
            (Get-GwbLdapSnapshot -Lab $Lab) | Should -Be $before
            @($out | Where-Object { $_ -like 'What if: Create (planned) CN=On Demand Crew_*' }).Count | Should -Be 1
        }

        It 'provisions one group and the named member now, reporting each step' {
            $steps = Invoke-GroupProvisioningOnDemand -GroupId $OnDemandId -MemberId $Users['alice']
            $steps[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.OnDemandStep'
            @($steps.Step) | Should -Be @('Import', 'Scope', 'Match', 'Map', 'Action', 'Member')
            $steps.Status | Should -Not -Contain 'Failed'
            ($steps | Where-Object Step -eq 'Member').Status | Should -Be 'Success'
            $LASTEXITCODE | Should -Be 0
            # Only the named member is written now; the next cycle brings the rest.
            SameDns (Members (AdGroup $OnDemandId)) @((UserDn 'alice'))
        }

        It 'takes groups from the pipeline by their Id property (e.g. Get-MgGroup output)' {
            Invoke-GwbLabGraph $Lab PATCH "/groups/$OnDemandId" @{ description = 'Changed for on-demand' } | Out-Null
            $mgGroup = Invoke-GwbLabGraph $Lab GET "/groups/$OnDemandId"
            $steps = [pscustomobject]@{ Id = $mgGroup.id; DisplayName = $mgGroup.displayName } | Invoke-GroupProvisioningOnDemand
            ($steps | Where-Object Step -eq 'Action').Status | Should -Be 'Success'
            (AdGroup $OnDemandId).description | Should -Be 'Changed for on-demand'
        }

        It 'reports a group that does not exist as a failed Import step' {
            $steps = Invoke-GroupProvisioningOnDemand -GroupId ([guid]::NewGuid()) -ErrorAction SilentlyContinue
            ($steps | Where-Object Step -eq 'Import').Status | Should -Be 'Failed'
            $LASTEXITCODE | Should -Not -Be 0
        }
    }

    Context 'Get-GroupProvisioningStatus' {
        It 'shows a healthy job with its managed groups and last cycle' {
            Start-GroupProvisioning
            $s = Get-GroupProvisioningStatus
            $s.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Status'
            $s.State | Should -Be 'Healthy'
            $s.NextCycle | Should -Be 'delta'
            $s.Groups.Managed | Should -Be 6
            $s.LastRun.Status | Should -Be 'success'
            ($s | Out-String) | Should -Match 'State\s*:\s*Healthy'
            # AD holds exactly those six managed groups.
            @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'dn').Count | Should -Be 6
        }
    }

    Context 'Test-GroupWritebackSync' {
        It 'returns nothing when AD is in sync' {
            Test-GroupWritebackSync | Should -BeNullOrEmpty
            Test-GroupWritebackSync -Quiet | Should -BeTrue
        }

        It 'reports a member added by hand in AD and a group attribute edited by hand' {
            $sales = AdGroup $Groups['Sales Team']
            $script:Intruder = UserDn 'carol'
            Invoke-GwbLdapModify -Lab $Lab -Ldif "dn: $($sales.dn)`nchangetype: modify`nadd: member`nmember: $Intruder`n-`nreplace: description`ndescription: edited by hand`n-`n"
            (AdGroup $Groups['Sales Team']).description | Should -Be 'edited by hand'

            $drift = Test-GroupWritebackSync
            $drift[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Drift'
            $extra = @($drift | Where-Object Kind -eq 'MemberExtra')
            $extra.Count | Should -Be 1
            $extra[0].GroupId | Should -Be $Groups['Sales Team']
            $extra[0].Member | Should -Be $Intruder
            $attr = @($drift | Where-Object Kind -eq 'AttributeDiffers')
            $attr.Count | Should -Be 1
            $attr[0].Attribute | Should -Be 'description'
            $attr[0].Actual | Should -Be 'edited by hand'
            $attr[0].Expected | Should -Be 'Cloud security group: provisioned to AD'
            @($drift).Count | Should -Be 2
            Test-GroupWritebackSync -Quiet | Should -BeFalse
            ($drift | Out-String -Width 200) | Should -Match 'MemberExtra'
        }

        It 'is repaired by Start-GroupProvisioning -Full, and then returns nothing' {
            $summary = Start-GroupProvisioning -Full -PassThru
            $summary.Mode | Should -Be 'full'
            $sales = AdGroup $Groups['Sales Team']
            $sales.description | Should -Be 'Cloud security group: provisioned to AD'
            SameDns (Members $sales) @((UserDn 'alice'), (UserDn 'dave'))
            Test-GroupWritebackSync | Should -BeNullOrEmpty
        }
    }

    Context 'Held deletes: Approve-GroupProvisioningDeletion' {
        BeforeAll {
            Set-GroupWritebackConfiguration -DeleteThreshold 1 -Setting @{ 'lifecycle.onPermanentDelete' = 'delete' }
            $script:Doomed = @($SupportId, $OnDemandId)
        }
        AfterAll { Set-GroupWritebackConfiguration -Setting @{ 'safety.deleteThreshold' = $null } }

        It 'holds deletes above the threshold: nothing deleted, exit code 4, a warning, state Held' {
            foreach ($id in $Doomed) {
                Invoke-GwbLabGraph $Lab DELETE "/groups/$id" | Out-Null
                Invoke-GwbLabGraph $Lab DELETE "/directory/deletedItems/$id" | Out-Null
            }
            $summary = Start-GroupProvisioning -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
            $LASTEXITCODE | Should -Be 4
            $summary.Status | Should -Be 'held'
            $warnings -join "`n" | Should -Match 'held|threshold'
            foreach ($id in $Doomed) { AdGroup $id | Should -Not -BeNullOrEmpty }
            $s = Get-GroupProvisioningStatus
            $s.State | Should -Be 'Held'
            @($s.HeldBatches).Count | Should -Be 1
            $s.HeldBatches[0].Count | Should -Be 2
            $script:BatchId = $s.HeldBatches[0].BatchId
        }

        It 'changes nothing with -WhatIf' {
            Approve-GroupProvisioningDeletion -WhatIf
            (Get-GroupProvisioningStatus).HeldBatches[0].Status | Should -Be 'held'
        }

        # Approval is ConfirmImpact High: a script says -Confirm:$false (AdminSurface.Tests.ps1 shows the prompt).
        It 'approves the batch from the status pipeline with -Confirm:$false; the next cycle deletes exactly those groups' {
            $others = @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'dn').Count
            $batch = (Get-GroupProvisioningStatus).HeldBatches | Approve-GroupProvisioningDeletion -PassThru -Confirm:$false
            $batch.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.HeldBatch'
            $batch.BatchId | Should -Be $BatchId
            $batch.Status | Should -Be 'approved'
            Start-GroupProvisioning
            $LASTEXITCODE | Should -Be 0
            foreach ($id in $Doomed) { AdGroup $id | Should -BeNullOrEmpty }
            @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'dn').Count | Should -Be ($others - 2)
            (Get-GroupProvisioningStatus).State | Should -Be 'Healthy'
        }
    }

    Context 'Quarantine: Reset-GroupProvisioning' {
        BeforeAll { Set-GroupWritebackConfiguration -Setting @{ 'safety.quarantineAfterFailures' = 1 } }
        AfterAll { Set-GroupWritebackConfiguration -Setting @{ 'safety.quarantineAfterFailures' = $null } }

        It 'quarantines the job after a totally failed cycle (a wrong client secret) and refuses further cycles' {
            $wrong = ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force
            { Start-GroupProvisioning -ClientSecret $wrong -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw
            $LASTEXITCODE | Should -Be 1
            (Get-GroupProvisioningStatus).State | Should -Be 'Quarantined'
            $err = { Start-GroupProvisioning -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception.Message | Should -Match 'quarantined'
        }

        It 'changes nothing with -WhatIf' {
            Reset-GroupProvisioning -WhatIf
            (Get-GroupProvisioningStatus).State | Should -Be 'Quarantined'
        }

        It 'clears the quarantine and, with -Full, makes the next cycle full' {
            $s = Reset-GroupProvisioning -Full -PassThru -Confirm:$false
            $s.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Status'
            $s.State | Should -Not -Be 'Quarantined'
            $s.NextCycle | Should -Be 'full'
            $summary = Start-GroupProvisioning -PassThru
            $summary.Mode | Should -Be 'full'
            $summary.Status | Should -Be 'success'
            (Get-GroupProvisioningStatus).State | Should -Be 'Healthy'
            Test-GroupWritebackSync | Should -BeNullOrEmpty
        }
    }
}
