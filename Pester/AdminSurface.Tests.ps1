#Requires -Version 7.4
# The admin's surface as a runbook meets it (issue 15), and output readable at 80 columns (issue 14, part 5).
# Each runbook case is a real `pwsh -File` script with $ErrorActionPreference = 'Stop' against a private lab, its exit
# code checked, and AD read back with ldapsearch.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Tenant 'test/fixtures/tenants/demo.json'
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "gwb-admin-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $Work -Force | Out-Null
    $script:Config = Join-Path $Work 'admin.json'
    Copy-Item $Lab.configPath $Config
    Set-GroupWritebackConfiguration -ConfigPath $Config -StatePath (Join-Path $Work 'state')
    $script:Cred = [pscredential]::new($Lab.ldap.bindDn, (ConvertTo-SecureString $Lab.ldap.password -AsPlainText -Force))

    # A runbook: `pwsh -File` a script that starts with $ErrorActionPreference = 'Stop', optional input on stdin
    # (answers to prompts). Returns the exit code and everything it printed (all streams).
    function script:Invoke-RunbookScript([string]$Body, [string]$InputText, [switch]$NonInteractive) {
        $file = Join-Path $Work "runbook-$([guid]::NewGuid().ToString('n')).ps1"
        $head = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$ConfigPath = '$Config'
`$Cred = [pscredential]::new('$($Lab.ldap.bindDn)', (ConvertTo-SecureString '$($Lab.ldap.password)' -AsPlainText -Force))
"@
        Set-Content -LiteralPath $file -Value ($head + "`n" + $Body)
        $psi = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
        foreach ($a in @('-NoProfile') + $(if ($NonInteractive) { '-NonInteractive' } else { @() }) + @('-File', $file)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.Environment['NO_COLOR'] = '1'
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if ($InputText) { $p.StandardInput.Write($InputText) }
        $p.StandardInput.Close()
        if (-not $p.WaitForExit(600000)) { $p.Kill($true); throw "The runbook did not end within 10 minutes." }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Text = ($out.Result + "`n" + $err.Result) -replace '\x1b\[[0-9;]*m', '' }
    }
    function script:AdGroup([string]$Id) { Get-GwbAdGroup -Lab $Lab -GroupId $Id }
    function script:Anchored { @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(msDS-ExternalDirectoryObjectId=Group_*)' -Attribute 'dn') }
    $script:InScope = @(Get-GroupWritebackScope -ConfigPath $Config)
}

AfterAll {
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A runbook with $ErrorActionPreference = Stop (pwsh -File)' {
    It 'a cycle with failing groups still processes every group, ends with one summary error and exits 3' {
        # Two groups cannot be created: an object made by hand in AD already holds their DN.
        $creates = @(Get-GroupProvisioningPlan -ConfigPath $Config -Credential $Cred | Where-Object Action -eq 'create')
        $creates.Count | Should -Be $InScope.Count
        $script:Blocked = @($creates | Select-Object -First 2)
        foreach ($c in $Blocked) { Invoke-GwbLdapModify -Lab $Lab -Ldif "dn: $($c.Dn)`nchangetype: add`nobjectClass: contact`n" }

        $r = Invoke-RunbookScript @'
try { Start-GroupProvisioning -ConfigPath $ConfigPath -Credential $Cred }
catch { "CAUGHT: $($_.FullyQualifiedErrorId)" }
"AFTER: exit code $LASTEXITCODE"
exit $LASTEXITCODE
'@
        $r.ExitCode | Should -Be 3 -Because $r.Text
        $r.Text | Should -Match 'CAUGHT: GroupWriteback.CyclePartiallyFailed'
        $r.Text | Should -Match 'AFTER: exit code 3'
        $r.Text | Should -Match 'WARNING: 2 group\(s\) failed .*Get-GroupProvisioningLog -CycleId'
        ([regex]::Matches($r.Text, 'CAUGHT:')).Count | Should -Be 1
        # Every group was processed: the others exist in AD, each blocked one has its error in the log.
        foreach ($g in $InScope) {
            if ($g.GroupId -in $Blocked.GroupId) { AdGroup $g.GroupId | Should -BeNullOrEmpty }
            else { AdGroup $g.GroupId | Should -Not -BeNullOrEmpty -Because "$($g.DisplayName) comes after a failed group" }
        }
        $failures = @(Get-GroupProvisioningLog -ConfigPath $Config -Status Failure)
        @($failures.GroupId | Sort-Object -Unique) | Should -Be @($Blocked.GroupId | Sort-Object)
        $failures | ForEach-Object { $_.DisplayName | Should -Not -BeNullOrEmpty }
        $s = (Get-GroupProvisioningStatus -ConfigPath $Config).LastRun
        $s.Groups.Failed | Should -Be 2
        $s.Groups.InScope | Should -Be $InScope.Count
    }

    It 'the next cycle, once AD is fixed, provisions the failed groups and exits 0' {
        foreach ($c in $Blocked) { Invoke-GwbLdapModify -Lab $Lab -Ldif "dn: $($c.Dn)`nchangetype: delete`n" }
        $r = Invoke-RunbookScript 'Start-GroupProvisioning -ConfigPath $ConfigPath -Credential $Cred; exit $LASTEXITCODE'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        foreach ($g in $InScope) { AdGroup $g.GroupId | Should -Not -BeNullOrEmpty }
    }

    It 'a missing target OU is one error before any write: exit code 2, AD unchanged, counted toward quarantine' {
        $bad = Join-Path $Work 'missing-ou.json'
        Copy-Item $Config $bad
        $missing = "OU=Does Not Exist,$($Lab.ldap.baseDn)"
        Set-GroupWritebackConfiguration -ConfigPath $bad -StatePath (Join-Path $Work 'state-missing') -TargetContainer $missing -Setting @{ 'safety.quarantineAfterFailures' = 1 }
        $before = Get-GwbLdapSnapshot -Lab $Lab
        $r = Invoke-RunbookScript @"
try { Start-GroupProvisioning -ConfigPath '$bad' -Credential `$Cred }
catch { "CAUGHT: `$(`$_.FullyQualifiedErrorId) `$(`$_.TargetObject)" }
exit `$LASTEXITCODE
"@
        $after = Get-GwbLdapSnapshot -Lab $Lab
        $r.ExitCode | Should -Be 2 -Because $r.Text
        $after | Should -Be $before
        $r.Text | Should -Match ("CAUGHT: GroupWriteback\.TargetContainerNotFound(,Start-GroupProvisioning)? " + [regex]::Escape($missing))
        ([regex]::Matches($r.Text, 'does not exist')).Count | Should -Be 1 -Because "one error, not one per group:`n$($r.Text)"
        $r.Text | Should -Match 'WARNING: The job is now QUARANTINED.*Reset-GroupProvisioning'
        $status = Get-GroupProvisioningStatus -ConfigPath $bad
        $status.State | Should -Be 'Quarantined'
        $status.LastRun.Groups.Failed | Should -Be 0
        $status.LastFailure.Message | Should -Match 'does not exist'
    }

    It 'a held batch prints a warning naming the cmdlet and the batch, without -PassThru; the -WhatIf batch id is the held id' {
        Set-GroupWritebackConfiguration -ConfigPath $Config -DeleteThreshold 1 -Setting @{ 'lifecycle.onPermanentDelete' = 'delete' }
        $script:Doomed = @($InScope | Select-Object -Last 2)
        foreach ($g in $Doomed) {
            Invoke-GwbLabGraph $Lab DELETE "/groups/$($g.GroupId)" | Out-Null
            Invoke-GwbLabGraph $Lab DELETE "/directory/deletedItems/$($g.GroupId)" | Out-Null
        }
        $planned = @(Get-GroupProvisioningPlan -ConfigPath $Config -Credential $Cred | Where-Object HeldIn)
        $planned.Count | Should -Be 2
        $whatIf = (Invoke-RunbookScript 'Start-GroupProvisioning -ConfigPath $ConfigPath -Credential $Cred -WhatIf').Text
        $r = Invoke-RunbookScript 'Start-GroupProvisioning -ConfigPath $ConfigPath -Credential $Cred; exit $LASTEXITCODE'
        $r.ExitCode | Should -Be 4 -Because $r.Text
        $held = (Get-GroupProvisioningStatus -ConfigPath $Config).HeldBatches[0].BatchId
        $r.Text | Should -Match "WARNING: .*Approve-GroupProvisioningDeletion -BatchId $held"
        $r.Text | Should -Not -Match 'gwb '
        @($planned.HeldIn | Sort-Object -Unique) | Should -Be $held
        $whatIf | Should -Match "batch $held"
        foreach ($g in $Doomed) { AdGroup $g.GroupId | Should -Not -BeNullOrEmpty }
    }

    It 'approval asks for confirmation without -Confirm:$false (answered No: still held)' {
        $r = Invoke-RunbookScript -InputText "N`n" @'
Approve-GroupProvisioningDeletion -ConfigPath $ConfigPath
"STATE: $((Get-GroupProvisioningStatus -ConfigPath $ConfigPath).HeldBatches[0].Status)"
'@
        $r.Text | Should -Match 'Are you sure you want to perform this action\?'
        $r.Text | Should -Match 'STATE: held'
        # Non-interactive (a scheduled runbook) it cannot ask, so it refuses instead of approving.
        $r = Invoke-RunbookScript -NonInteractive 'try { Approve-GroupProvisioningDeletion -ConfigPath $ConfigPath } catch { "REFUSED" }'
        $r.Text | Should -Match 'REFUSED'
        (Get-GroupProvisioningStatus -ConfigPath $Config).HeldBatches[0].Status | Should -Be 'held'
        (Get-Command Approve-GroupProvisioningDeletion).ScriptBlock.Attributes.Where({ $_ -is [System.Management.Automation.CmdletBindingAttribute] }).ConfirmImpact | Should -Be 'High'
    }

    It 'approval with -Confirm:$false applies the held batch in the next cycle' {
        $r = Invoke-RunbookScript 'Approve-GroupProvisioningDeletion -ConfigPath $ConfigPath -Confirm:$false; Start-GroupProvisioning -ConfigPath $ConfigPath -Credential $Cred; exit $LASTEXITCODE'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        foreach ($g in $Doomed) { AdGroup $g.GroupId | Should -BeNullOrEmpty }
    }

    It 'Reset-GroupProvisioning -Full asks; without -Full it does not' {
        $r = Invoke-RunbookScript -InputText "N`n" 'Reset-GroupProvisioning -ConfigPath $ConfigPath -Full; "NEXT: $((Get-GroupProvisioningStatus -ConfigPath $ConfigPath).NextCycle)"'
        $r.Text | Should -Match 'Are you sure you want to perform this action\?'
        $r.Text | Should -Match 'NEXT: delta'
        $r = Invoke-RunbookScript -NonInteractive 'Reset-GroupProvisioning -ConfigPath $ConfigPath; "DONE"'
        $r.Text | Should -Match 'DONE'
    }
}

Describe 'The credential means the account it names' {
    It 'binds as the credential user: the service account''s password under another user name is refused' {
        $r = Invoke-RunbookScript @"
`$other = [pscredential]::new('$($Lab.admin.bindDn)', (ConvertTo-SecureString '$($Lab.ldap.password)' -AsPlainText -Force))
try { Start-GroupProvisioning -ConfigPath `$ConfigPath -Credential `$other -Full } catch { "CAUGHT: `$(`$_.Exception.Message)" }
exit `$LASTEXITCODE
"@
        $r.ExitCode | Should -Be 1 -Because "output: [$($r.Text)]"
        $r.Text | Should -Match ([regex]::Escape($Lab.admin.bindDn))
        Reset-GroupProvisioning -ConfigPath $Config -Confirm:$false
    }

    It 'the same account named another way (user@domain) binds and works' {
        $sam = ((Invoke-GwbLdapSearch -Lab $Lab -Filter "(distinguishedName=$($Lab.ldap.bindDn))" -Attribute 'sAMAccountName') | Select-Object -First 1).sAMAccountName
        $realm = ($Lab.ldap.baseDn -replace 'DC=', '' -replace ',', '.').ToLowerInvariant()
        $r = Invoke-RunbookScript @"
`$upn = [pscredential]::new('$sam@$realm', (ConvertTo-SecureString '$($Lab.ldap.password)' -AsPlainText -Force))
Start-GroupProvisioning -ConfigPath `$ConfigPath -Credential `$upn -Full
exit `$LASTEXITCODE
"@
        $r.ExitCode | Should -Be 0 -Because $r.Text
    }
}

Describe 'Log rows answer "why"' {
    It 'names the group on every row, the member on member skips, and the removed member''s id' {
        # A synced user in two groups leaves one: the removal row names the group and carries the user's id (the
        # cycle resolved the user through the other group; a member of no group any more keeps its DN only).
        $live = @($InScope | Where-Object { $_.GroupId -notin $Doomed.GroupId })
        $g = $live[0]; $other = $live[1]
        $gone = ((Invoke-GwbLabGraph $Lab GET "/groups/$($other.GroupId)/members?`$select=id,userPrincipalName").value |
            Where-Object { $_.PSObject.Properties['userPrincipalName'] -and (Get-GwbAdUserDn -Lab $Lab -UserPrincipalName $_.userPrincipalName) } | Select-Object -First 1)
        $gone | Should -Not -BeNullOrEmpty -Because 'the other group needs a member synced to AD'
        Invoke-GwbLabGraph $Lab POST "/groups/$($g.GroupId)/members/`$ref" @{ '@odata.id' = "$($Lab.graph.baseUrl)/v1.0/directoryObjects/$($gone.id)" } | Out-Null
        Start-GroupProvisioning -ConfigPath $Config -Credential $Cred
        Invoke-GwbLabGraph $Lab DELETE "/groups/$($g.GroupId)/members/$($gone.id)/`$ref" | Out-Null
        Start-GroupProvisioning -ConfigPath $Config -Credential $Cred -Full
        $log = @(Get-GroupProvisioningLog -ConfigPath $Config)
        $removal = $log | Where-Object { $_.Action -eq 'memberRemove' -and $_.GroupId -eq $g.GroupId } | Select-Object -Last 1
        # MemberIds is filled where the cycle resolved the member (not guaranteed in a full cycle); the DN always is.
        $removal.Modified | Should -Match ([regex]::Escape((Get-GwbAdUserDn -Lab $Lab -UserPrincipalName $gone.userPrincipalName)))
        $removal.DisplayName | Should -Be $g.DisplayName
        $added = $log | Where-Object { $_.Action -eq 'memberAdd' -and $_.GroupId -eq $g.GroupId } | Select-Object -Last 1
        $added.MemberIds | Should -Match $gone.id
        $skips = @($log | Where-Object { $_.Action -eq 'skip' -and $_.SourceType -eq 'user' })
        $skips.Count | Should -BeGreaterThan 0
        $skips | ForEach-Object { $_.MemberName | Should -Match '@' -Because "skip of $($_.SourceId): $($_.Reason)"; $_.DisplayName | Should -Not -BeNullOrEmpty }
        # Every row about a group the tenant still has names it (a group deleted from Entra is named only where AD had it).
        $log | Where-Object { $_.Action -notin 'cycle' -and $_.GroupId -in $live.GroupId } | ForEach-Object { $_.DisplayName | Should -Not -BeNullOrEmpty -Because "$($_.Action) row of $($_.GroupId)" }
        $csv = $log | ConvertTo-Csv
        $csv[0] | Should -Match '"Timestamp","CycleId","ChangeId","Action","Status","GroupId"'
        $csv[1] | Should -Match '[+-]\d\d:\d\d"'
    }
}

Describe 'PowerShell words in PowerShell messages' {
    It 'a missing client secret names -ClientSecret, with no CLI words and no repeated hint' {
        $noSecret = Join-Path $Work 'no-secret.json'
        Copy-Item $Config $noSecret
        Set-GroupWritebackConfiguration -ConfigPath $noSecret -SecretReference @{ 'tenant.clientSecret' = $null }
        $e = { Get-GroupWritebackScope -ConfigPath $noSecret -ErrorAction Stop } | Should -Throw -PassThru
        $e.ErrorDetails.RecommendedAction | Should -Match '-ClientSecret'
        $e.ErrorDetails.Message | Should -Not -Match ([regex]::Escape($e.ErrorDetails.RecommendedAction))
        "$($e.ErrorDetails.Message) $($e.ErrorDetails.RecommendedAction)" | Should -Not -Match '--config|gwb (status|reset|run)'
    }

    It 'output objects have PascalCase properties' {
        $s = Get-GroupProvisioningStatus -ConfigPath $Config
        foreach ($name in $s.PSObject.Properties.Name) { $name | Should -MatchExactly '^[A-Z]' }
        foreach ($name in (Get-GroupWritebackScope -ConfigPath $Config -IncludeExcluded | Select-Object -First 1).PSObject.Properties.Name) { $name | Should -MatchExactly '^[A-Z]' }
    }
}

Describe 'Default views at 80 columns' {
    It 'Get-GroupWritebackScope -IncludeExcluded keeps each reason code whole' {
        $rows = @(Get-GroupWritebackScope -ConfigPath $Config -IncludeExcluded)
        $text = $rows | Out-String -Width 80
        foreach ($line in $text -split "`n") { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
        foreach ($r in $rows) { $text | Should -Match "\b$($r.ReasonCode)\b" }
        @($rows.ReasonCode | Sort-Object -Unique).Count | Should -BeGreaterThan 2
    }

    It 'Test-GroupWritebackConfiguration keeps every check name and every word of each message whole' {
        $rows = @(Test-GroupWritebackConfiguration -ConfigPath $Config -Credential $Cred -SkipWriteProbe -WarningAction SilentlyContinue)
        $text = $rows | Out-String -Width 80
        $flat = ($text -split "`n" | ForEach-Object { $_.Trim() }) -join ' '
        foreach ($r in $rows) {
            $text | Should -Match ([regex]::Escape($r.Check))
            foreach ($word in ($r.Message -split '\s+' | Where-Object { $_.Length -ge 4 -and $_.Length -le 40 })) { $flat | Should -Match ([regex]::Escape($word)) }
        }
    }

    It 'every default table view leaves its last column at least 20 characters at width 80' {
        [xml]$format = Get-Content (Join-Path $ModulePath 'GroupWriteback.Format.ps1xml') -Raw
        $defaults = @{}
        foreach ($v in $format.Configuration.ViewDefinitions.View) {
            $type = $v.ViewSelectedBy.TypeName
            if (-not $defaults.ContainsKey($type)) { $defaults[$type] = $v }   # the first view of a type is its default
        }
        foreach ($type in $defaults.Keys) {
            $v = $defaults[$type]
            if (-not $v.TableControl) { continue }
            $headers = @($v.TableControl.TableHeaders.TableColumnHeader)
            $fixed = ($headers | Where-Object { $_.Width } | ForEach-Object { [int]$_.Width } | Measure-Object -Sum).Sum
            $free = 80 - $fixed - ($headers.Count - 1)
            if (@($headers | Where-Object { -not $_.Width }).Count) { $free | Should -BeGreaterOrEqual 20 -Because "$type's last column" }
            else { $free | Should -BeGreaterOrEqual 0 -Because "$type fits in 80 columns" }
        }
    }

    It 'renders the status, log, plan and held-batch views at width 80 with their key words whole' {
        $status = Get-GroupProvisioningStatus -ConfigPath $Config
        ($status | Out-String -Width 80) | Should -Match "State\s*:\s*$($status.State)\b"
        $log = @(Get-GroupProvisioningLog -ConfigPath $Config -Last 30)
        $text = $log | Out-String -Width 80
        foreach ($e in $log) { $text | Should -Match "\b$([regex]::Escape($e.Action))\b" }
        foreach ($line in $text -split "`n") { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $batch = Get-GroupProvisioningStatus -ConfigPath $Config | ForEach-Object HeldBatches | Select-Object -First 1
        if ($batch) { ($batch | Out-String -Width 80) | Should -Match $batch.BatchId }
    }
}
