#Requires -Version 7.4
# Governing an AD-based Kerberos app from Entra ID Governance, end to end (spec §10): an admin's script assigns an
# access package through the emulator's Graph API (raw HTTPS in Graph's documented shapes), ONE
# Start-GroupProvisioning writes the membership, and a real Kerberos service decides access: smbd on the lab DC,
# whose shares admit only members of a group SID, reached with smbclient --use-kerberos=required. The ticket is
# what counts: a ticket from before the write is still refused, a new one is let in; after a removal (adminRemove,
# or the assignment's expiry) and one cycle a new ticket is refused. Pattern (b) points the app at the provisioned
# group's SID; pattern (c) nests it into the app's existing Universal group. Get-GroupWritebackAccess reports each
# state. Contexts run in order and build on each other.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'GwbLab.psm1') -Force
    $script:Lab = Start-GwbTestLab -Users 3 -FileServer
    $script:SavedEnv = Use-GwbLabEnvironment -Lab $Lab
    $script:SavedKrb = @{ KRB5_CONFIG = $env:KRB5_CONFIG; KRB5CCNAME = $env:KRB5CCNAME }
    $script:SavedConfig = $env:GROUPWRITEBACK_CONFIG
    $env:GROUPWRITEBACK_CONFIG = $Lab.configPath
    $script:Tmp = Join-Path ([IO.Path]::GetTempPath()) "gwb-governance-$PID"
    New-Item -ItemType Directory -Force -Path $Tmp | Out-Null

    # The lab users get known passwords (they log on with Kerberos).
    $script:Password = 'Gov-Passw0rd!' + (Get-Random -Maximum 99999)
    $script:Dana = $Lab.users[0]; $script:Eve = $Lab.users[1]
    foreach ($u in $Dana, $Eve) { Set-GwbLabUserPassword -Lab $Lab -UserDn $u.dn -Password $Password }

    # The sync app may read access packages (for Get-GroupWritebackAccess); the governance admin has its own app.
    Invoke-GwbLabControl $Lab POST '/apps' @{ clientId = $Lab.graph.clientId; roles = @('Group.ReadWrite.All', 'User.ReadWrite.All', 'Directory.Read.All', 'EntitlementManagement.Read.All') } | Out-Null
    $admin = Invoke-GwbLabControl $Lab POST '/apps' @{ roles = @('EntitlementManagement.ReadWrite.All'); displayName = 'Governance admin' }
    $script:AdminToken = Get-GwbLabToken -Lab $Lab -ClientId $admin.clientId -ClientSecret $admin.clientSecret
    $script:EM = "$($Lab.graph.baseUrl)/v1.0/identityGovernance/entitlementManagement"
    function script:Graph([string]$Method, [string]$Url, $Body) {
        $p = @{ Method = $Method; Uri = $Url; Headers = @{ Authorization = "Bearer $AdminToken" }; SkipCertificateCheck = $true }
        if ($null -ne $Body) { $p.Body = ($Body | ConvertTo-Json -Depth 10); $p.ContentType = 'application/json' }
        Invoke-RestMethod @p
    }
    function script:WaitRequest([string]$Id) {
        for ($i = 0; $i -lt 200; $i++) {
            $r = Graph GET "$EM/assignmentRequests/$Id"
            if ($r.state -eq 'delivered') { return $r }
            Start-Sleep -Milliseconds 50
        }
        throw "request $Id is still $($r.state)"
    }
    function script:Assign($User, [string]$EndDateTime) {
        $body = @{ requestType = 'adminAdd'; assignment = @{ targetId = $User.id; assignmentPolicyId = $Pkg.policyId; accessPackageId = $Pkg.accessPackageId } }
        if ($EndDateTime) { $body.schedule = @{ startDateTime = (Get-Date).ToUniversalTime().ToString('o'); expiration = @{ type = 'afterDateTime'; endDateTime = $EndDateTime } } }
        Graph POST "$EM/assignmentRequests" $body
    }
    function script:Assignment($User) {
        @((Graph GET "$EM/assignments?`$filter=target/objectId eq '$($User.id)' and accessPackage/id eq '$($Pkg.accessPackageId)'&`$expand=target").value | Where-Object state -eq 'delivered') | Select-Object -First 1
    }
    function script:Ticket($User, [string]$Name) { Invoke-GwbKinit -Lab $Lab -SamAccountName $User.samAccountName -Password $Password -Cache (Join-Path $Tmp $Name) }
    function script:Access($User, [string]$Cache) {
        $p = @{ User = $User.userPrincipalName; Group = 'App Access' }
        if ($Cache) { $p.CredentialCache = $Cache }
        Get-GroupWritebackAccess @p
    }
    function script:AdMembers() { @((Get-GwbAdGroup -Lab $Lab -GroupId $Group.id).PSObject.Properties['member'] | ForEach-Object Value | Where-Object { $_ } | ForEach-Object { $_.ToLowerInvariant() }) }

    # The app's group in the cloud, provisioned once; the access package grants its Member role.
    $script:Group = New-GwbLabGroup -Lab $Lab -DisplayName 'App Access' -Description 'Members may use the app share'
    $first = Start-GroupProvisioning -PassThru
    $first.status | Should -Be 'success'
    $script:AdGroup = Get-GwbAdGroup -Lab $Lab -GroupId $Group.id
    $script:GroupSid = ConvertTo-GwbSid $AdGroup.objectSid

    # Pattern (c): the app's existing Universal group in AD, with the provisioned group nested into it.
    $legacyDn = "CN=Legacy App Users,OU=Synced Groups,$($Lab.ldap.baseDn)"
    Invoke-GwbLdapModify -Lab $Lab -Ldif "dn: $legacyDn`nchangetype: add`nobjectClass: group`ngroupType: -2147483640`nsAMAccountName: LegacyAppUsers`nmember: $($AdGroup.dn)`n"
    $script:LegacyDn = $legacyDn
    $script:LegacySid = ConvertTo-GwbSid (@(Invoke-GwbLdapSearch -Lab $Lab -Filter '(cn=Legacy App Users)' -Attribute 'objectSid'))[0].objectSid

    # Pattern (b): the app share admits the provisioned group's SID; pattern (c): the legacy share the old group's.
    Set-GwbLabShare -Lab $Lab -Share @{ app = $GroupSid; legacy = $LegacySid }

    # The admin's script: catalog, the group as its resource, an access package with the Member role, a policy.
    $catalog = Graph POST "$EM/catalogs" @{ displayName = 'App catalog'; description = 'On-premises app'; isExternallyVisible = $false }
    Graph POST "$EM/resourceRequests" @{ requestType = 'adminAdd'; resource = @{ originId = $Group.id; originSystem = 'AadGroup' }; catalog = @{ id = $catalog.id } } | Out-Null
    $resource = (Graph GET "$EM/catalogs/$($catalog.id)/resources?`$filter=originId eq '$($Group.id)'&`$expand=roles,scopes").value[0]
    $member = $resource.roles | Where-Object displayName -eq 'Member'
    $package = Graph POST "$EM/accessPackages" @{ displayName = 'App access'; description = 'Use the app'; isHidden = $false; catalog = @{ id = $catalog.id } }
    Graph POST "$EM/accessPackages/$($package.id)/resourceRoleScopes" @{
        role  = @{ id = $member.id; displayName = 'Member'; originSystem = 'AadGroup'; originId = $member.originId; resource = @{ id = $resource.id; originId = $Group.id; originSystem = 'AadGroup' } }
        scope = @{ id = $resource.scopes[0].id; originId = $Group.id; originSystem = 'AadGroup'; isRootScope = $true }
    } | Out-Null
    $policy = Graph POST "$EM/assignmentPolicies" @{ displayName = 'Direct'; description = 'Admin assignments'; allowedTargetScope = 'notSpecified'; expiration = @{ type = 'noExpiration' }; accessPackage = @{ id = $package.id } }
    $script:Pkg = @{ accessPackageId = $package.id; policyId = $policy.id }
}

AfterAll {
    $env:GROUPWRITEBACK_CONFIG = $SavedConfig
    foreach ($k in $SavedKrb.Keys) { [Environment]::SetEnvironmentVariable($k, $SavedKrb[$k]) }
    Restore-GwbLabEnvironment -Saved $SavedEnv
    Stop-GwbTestLab -Lab $Lab
    if ($Tmp) { Remove-Item -Recurse -Force $Tmp -ErrorAction SilentlyContinue }
}

Describe 'Governing a Kerberos app from Entra ID Governance' {
    Context 'Pattern (b): the app points at the provisioned group' {
        It 'refuses the user before any assignment (fresh ticket)' {
            $script:T0 = Ticket $Dana 'dana-0'
            (Test-GwbShareAccess -Lab $Lab -Share app -Cache $T0).Status | Should -Be 'NT_STATUS_ACCESS_DENIED'
            $a = Access $Dana $T0
            $a.PSObject.TypeNames | Should -Contain 'GroupWriteback.AccessEntry'
            $a.entraMember | Should -BeFalse
            $a.adMember | Should -BeFalse
            $a.tokenHasGroup | Should -Be 'notApplicable'
        }

        It 'adminAdd → one Start-GroupProvisioning → a NEW ticket is let in, the OLD one still refused' {
            Start-Sleep -Milliseconds 1100   # ticket times have whole seconds
            $assigned = Get-Date
            $req = Assign $Dana
            $req.state | Should -Be 'submitted'
            WaitRequest $req.id | Out-Null
            $run = Start-GroupProvisioning -PassThru
            $run.mode | Should -Be 'delta'
            $written = Get-Date
            $latency = ($written - $assigned).TotalSeconds
            Write-Host ("    assignment → AD write latency: {0:N2} s (adminAdd to the end of one Start-GroupProvisioning; delivery {1:N2} s of it)" -f $latency, (([DateTimeOffset]$run.startedAt).UtcDateTime - $assigned.ToUniversalTime()).TotalSeconds)
            AdMembers | Should -Contain $Dana.dn.ToLowerInvariant()

            (Test-GwbShareAccess -Lab $Lab -Share app -Cache $T0).Status | Should -Be 'NT_STATUS_ACCESS_DENIED'
            $old = Access $Dana $T0
            $old.via | Should -Be @('accessPackage')
            $old.adMember | Should -BeTrue
            $old.writtenAt | Should -Not -BeNullOrEmpty
            $old.tokenHasGroup | Should -Be 'no'
            $old.action | Should -Match 'sign out and in'

            Start-Sleep -Milliseconds 1100
            $script:T1 = Ticket $Dana 'dana-1'
            (Test-GwbShareAccess -Lab $Lab -Share app -Cache $T1).Allowed | Should -BeTrue
            $new = Access $Dana $T1
            $new.tokenHasGroup | Should -Be 'yes'
            $new.ticketSource | Should -Be 'ccache'
            # Without a ccache the user's lastLogon at the DC (this kinit) is the ticket time.
            $byLogon = Access $Dana
            $byLogon.ticketSource | Should -Be 'lastLogon'
            $byLogon.tokenHasGroup | Should -Be 'yes'
        }

        It 'adminRemove → one cycle → a new ticket is refused (the old one still carries the group until it expires)' {
            $a = Assignment $Dana
            $rm = Graph POST "$EM/assignmentRequests" @{ requestType = 'adminRemove'; assignment = @{ id = $a.id } }
            WaitRequest $rm.id | Out-Null
            (Start-GroupProvisioning -PassThru).status | Should -Be 'success'
            AdMembers | Should -Not -Contain $Dana.dn.ToLowerInvariant()
            $stale = Access $Dana $T1
            $stale.adMember | Should -BeFalse
            $stale.removedAt | Should -Not -BeNullOrEmpty
            $stale.tokenHasGroup | Should -Be 'yes'
            Start-Sleep -Milliseconds 1100
            $t2 = Ticket $Dana 'dana-2'
            (Test-GwbShareAccess -Lab $Lab -Share app -Cache $t2).Status | Should -Be 'NT_STATUS_ACCESS_DENIED'
            (Access $Dana $t2).tokenHasGroup | Should -Be 'notApplicable'
        }

        It 'an assignment that expires ends access after one cycle' {
            # The end is an hour away and the test moves the emulator's expiry check to it (control API) once access
            # was checked: an end 25 s (then 60 s) away raced a loaded machine's assignment, cycle and ticket to it.
            $end = (Get-Date).ToUniversalTime().AddHours(1)
            $req = Assign $Dana $end.ToString('o')
            WaitRequest $req.id | Out-Null
            Start-GroupProvisioning | Out-Null
            $entry = Access $Dana
            $entry.accessPackages[0].expiresAt | Should -Not -BeNullOrEmpty
            # Times reach PowerShell as DateTimeOffset (issue 15: CSV dates with their offset).
            ([DateTimeOffset]$entry.accessPackages[0].expiresAt).UtcDateTime | Should -Be ([DateTimeOffset]$end.ToString('o')).UtcDateTime
            Start-Sleep -Milliseconds 1100
            (Test-GwbShareAccess -Lab $Lab -Share app -Cache (Ticket $Dana 'dana-3')).Allowed | Should -BeTrue
            # Entra removes the assignment when its end passes (a systemRemove request): not a moment before it.
            (Invoke-GwbLabControl $Lab POST '/governance/expire-due' @{ at = $end.AddMilliseconds(-1).ToString('o') }).expired | Should -Be 0
            (Invoke-GwbLabControl $Lab POST '/governance/expire-due' @{ at = $end.ToString('o') }).expired | Should -Be 1
            $req = (Graph GET "$EM/assignmentRequests?`$filter=requestType eq 'systemRemove'").value | Select-Object -Last 1
            WaitRequest $req.id | Out-Null
            Assignment $Dana | Should -BeNullOrEmpty
            Start-Sleep -Milliseconds 500
            Start-GroupProvisioning | Out-Null
            AdMembers | Should -Not -Contain $Dana.dn.ToLowerInvariant()
            Start-Sleep -Milliseconds 1100
            (Test-GwbShareAccess -Lab $Lab -Share app -Cache (Ticket $Dana 'dana-4')).Status | Should -Be 'NT_STATUS_ACCESS_DENIED'
        }
    }

    Context 'Pattern (c): the provisioned group nested into the app''s existing Universal group' {
        It 'grants and revokes through the nesting, and the engine never removes the nesting' {
            $before = Ticket $Eve 'eve-0'
            (Test-GwbShareAccess -Lab $Lab -Share legacy -Cache $before).Status | Should -Be 'NT_STATUS_ACCESS_DENIED'
            WaitRequest (Assign $Eve).id | Out-Null
            Start-GroupProvisioning | Out-Null
            Start-Sleep -Milliseconds 1100
            (Test-GwbShareAccess -Lab $Lab -Share legacy -Cache (Ticket $Eve 'eve-1')).Allowed | Should -BeTrue
            (Test-GwbShareAccess -Lab $Lab -Share legacy -Cache $before).Allowed | Should -BeFalse

            $rm = Graph POST "$EM/assignmentRequests" @{ requestType = 'adminRemove'; assignment = @{ id = (Assignment $Eve).id } }
            WaitRequest $rm.id | Out-Null
            Start-GroupProvisioning | Out-Null
            Start-GroupProvisioning -Full | Out-Null   # a full cycle too: it reconciles only its own groups' members
            Start-Sleep -Milliseconds 1100
            (Test-GwbShareAccess -Lab $Lab -Share legacy -Cache (Ticket $Eve 'eve-2')).Status | Should -Be 'NT_STATUS_ACCESS_DENIED'
            $legacy = @(Invoke-GwbLdapSearch -Lab $Lab -Filter '(cn=Legacy App Users)' -Attribute 'member')[0]
            @($legacy.member) | Should -Contain $AdGroup.dn
        }
    }

    Context 'Drift' {
        It 'a member added by hand is removed by the next delta cycle and logged as drift' {
            Invoke-GwbLdapModify -Lab $Lab -Ldif "dn: $($AdGroup.dn)`nchangetype: modify`nadd: member`nmember: $($Eve.dn)`n-`n"
            $run = Start-GroupProvisioning -PassThru
            $run.mode | Should -Be 'delta'
            $run.drift.changedGroups | Should -Be 1
            $run.ldap.writes | Should -Be 1
            AdMembers | Should -Not -Contain $Eve.dn.ToLowerInvariant()
            $log = @(Get-GroupProvisioningLog -Action Drift)
            $log.Count | Should -BeGreaterOrEqual 1
        }
    }
}
