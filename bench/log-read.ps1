#Requires -Version 7.4
<#
.SYNOPSIS
Measures Get-GroupProvisioningLog reading a day of N provisioning log entries (default 5,000: member adds with
ids, member skips, creates, errors), as an admin would: all of them, then Export-Csv. Prints the times.
Results are recorded in bench/RESULTS.md. No lab needed: the log is synthetic.
#>
param([int]$Entries = 5000, [int]$Repeat = 3)
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
Import-Module (Join-Path $root 'module/GroupWriteback') -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "gwb-logbench-$([guid]::NewGuid().ToString('n'))"
New-Item -ItemType Directory -Path (Join-Path $work 'state/log') -Force | Out-Null
try {
    $config = Join-Path $work 'bench.json'
    @{
        tenant    = @{ tenantId = '00000000-0000-0000-0000-000000000001'; clientId = '00000000-0000-0000-0000-000000000002'; auth = @{ type = 'clientSecret'; clientSecret = @{ env = 'GWB_BENCH_UNUSED' } } }
        directory = @{ urls = @('ldaps://dc.example.com'); baseDn = 'DC=example,DC=com'; bindDn = 'CN=svc,DC=example,DC=com'; password = @{ env = 'GWB_BENCH_UNUSED' } }
        target    = @{ container = 'OU=Cloud,DC=example,DC=com' }
        state     = @{ path = (Join-Path $work 'state') }
    } | ConvertTo-Json -Depth 5 | Set-Content $config
    $day = [datetime]::UtcNow.ToString('yyyy-MM-dd')
    $cycle = [guid]::NewGuid().ToString()
    $sb = [Text.StringBuilder]::new()
    for ($i = 0; $i -lt $Entries; $i++) {
        $g = [guid]::NewGuid().ToString()
        $t = [datetime]::UtcNow.AddSeconds(-$Entries + $i).ToString('o')
        $e = switch ($i % 4) {
            0 { @{ timestamp = $t; cycleId = $cycle; changeId = $g; action = 'create'; result = 'success'; sourceId = $g; sourceType = 'group'; displayName = "Group $i"; targetDn = "CN=Group $i,OU=Cloud,DC=example,DC=com"; modified = @(@{ attribute = 'description'; old = $null; new = "Group number $i" }) } }
            1 { @{ timestamp = $t; cycleId = $cycle; changeId = $g; action = 'memberAdd'; result = 'success'; sourceId = $g; sourceType = 'group'; groupId = $g; displayName = "Group $i"; targetDn = "CN=Group $i,OU=Cloud,DC=example,DC=com"; count = 3; memberIds = @([guid]::NewGuid().ToString(), [guid]::NewGuid().ToString(), [guid]::NewGuid().ToString()); modified = @(@{ attribute = 'member'; old = $null; new = @('CN=a,DC=example,DC=com', 'CN=b,DC=example,DC=com', 'CN=c,DC=example,DC=com') }) } }
            2 { @{ timestamp = $t; cycleId = $cycle; changeId = $g; action = 'skip'; result = 'skipped'; sourceId = $g; sourceType = 'user'; groupId = $g; displayName = "Group $i"; memberName = "user$i@example.com"; targetDn = "CN=Group $i,OU=Cloud,DC=example,DC=com"; reason = 'cloud-only user (no AD account)' } }
            3 { @{ timestamp = $t; cycleId = $cycle; changeId = $g; action = 'error'; result = 'failure'; sourceId = $g; sourceType = 'group'; displayName = "Group $i"; error = @{ code = 'InsufficientAccessRights'; message = 'The service account may not write member.'; hint = 'Delegate write member.' } } }
        }
        [void]$sb.AppendLine(($e | ConvertTo-Json -Compress -Depth 5))
    }
    Set-Content -LiteralPath (Join-Path $work "state/log/provisioning-$day.jsonl") -Value $sb.ToString() -NoNewline
    $times = for ($r = 0; $r -lt $Repeat; $r++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $rows = @(Get-GroupProvisioningLog -ConfigPath $config)
        $read = $sw.Elapsed.TotalSeconds
        $rows | Export-Csv (Join-Path $work 'log.csv') -NoTypeInformation
        [pscustomobject]@{ Entries = $rows.Count; ReadSeconds = [math]::Round($read, 2); WithCsvSeconds = [math]::Round($sw.Elapsed.TotalSeconds, 2) }
    }
    $times
    Get-Content (Join-Path $work 'log.csv') -TotalCount 2
}
finally { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
