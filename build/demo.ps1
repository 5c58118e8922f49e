#Requires -Version 7.4
<#
.SYNOPSIS
The README's walkthrough: GroupWriteback's main job on the built-in lab, from PowerShell.

.DESCRIPTION
Starts the lab (a real Samba AD domain controller and the Microsoft Graph emulator, loaded with the demo tenant of
test/fixtures/tenants/demo.json), then does what an admin does:

  1. Test-GroupWritebackConfiguration  - every prerequisite, with the fix for any that fails
  2. Get-GroupWritebackScope           - which cloud groups will be written, and why the others will not
  3. Start-GroupProvisioning -WhatIf   - the plan, one "What if:" line per change; nothing is written
  4. Start-GroupProvisioning           - the cycle; the run summary
  5. the groups as they now are in AD  - read over LDAP with ldapsearch, not through the module
  6. Test-GroupWritebackSync           - nothing: AD matches Entra ID

The lab is stopped at the end unless it was already running or -KeepLab is given.

.PARAMETER KeepLab
Leave the lab running afterwards (stop it with: npm run lab -- down).

.EXAMPLE
~/.dotnet/tools/pwsh -NoProfile -File build/demo.ps1
#>
[CmdletBinding()]
param([switch]$KeepLab)

$ErrorActionPreference = 'Stop'
$InformationPreference = 'Continue'
$repo = Split-Path -Parent $PSScriptRoot
Set-Location $repo

function Step([string]$Text) { Write-Information "`n=== $Text" }

Step 'Building the core (npm run build)'
npm run --silent build
if ($LASTEXITCODE) { throw 'npm run build failed.' }

$wasRunning = ((npm run --silent lab -- status --json) | ConvertFrom-Json).running
Step 'Starting the lab (npm run lab -- up --json --tenant test/fixtures/tenants/demo.json)'
$json = npm run --silent lab -- up --json --tenant test/fixtures/tenants/demo.json
if ($LASTEXITCODE) { throw 'The lab did not start (see the messages above).' }
$lab = $json | Select-Object -Last 1 | ConvertFrom-Json
if ($wasRunning) { Write-Warning 'A lab was already running: using it as it is (its tenant may differ from the demo tenant).' }

$exitCode = 0
try {
    # What the core needs for the lab: the lab CA, the client secret the lab config references (env:GWB_CLIENT_SECRET).
    foreach ($p in $lab.env.PSObject.Properties) { Set-Item -Path "env:$($p.Name)" -Value $p.Value }
    $env:GROUPWRITEBACK_CONFIG = $lab.configPath
    Import-Module (Join-Path $repo 'module/GroupWriteback') -Force
    Write-Information "Configuration: $($lab.configPath)"
    Write-Information "Tenant:        $($lab.graph.tenantId) at $($lab.graph.baseUrl)"
    Write-Information "Directory:     $($lab.ldap.url) ($($lab.ldap.baseDn)), target $($lab.ldap.targetOu)"

    Step '1. Test-GroupWritebackConfiguration'
    Test-GroupWritebackConfiguration | Out-Host

    Step '2. Get-GroupWritebackScope -IncludeExcluded'
    Get-GroupWritebackScope -IncludeExcluded | Out-Host

    Step '3. Start-GroupProvisioning -WhatIf'
    Start-GroupProvisioning -WhatIf

    Step '4. Start-GroupProvisioning -PassThru'
    Start-GroupProvisioning -PassThru | Format-List | Out-Host
    if ($LASTEXITCODE) { $exitCode = $LASTEXITCODE }

    Step "5. The groups now in AD under $($lab.ldap.targetOu) (ldapsearch)"
    $pw = [IO.Path]::GetTempFileName()
    try {
        [IO.File]::WriteAllText($pw, $lab.ldap.password)
        $env:LDAPTLS_CACERT = $lab.ldap.caFile
        ldapsearch -LLL -o ldif_wrap=no -x -H $lab.ldap.url -D $lab.ldap.bindDn -y $pw -b $lab.ldap.targetOu '(objectClass=group)' displayName description member msDS-ExternalDirectoryObjectId | Out-Host
    }
    finally { Remove-Item $pw -Force }

    Step '6. Test-GroupWritebackSync'
    $drift = @(Test-GroupWritebackSync)
    if ($drift.Count -eq 0) { Write-Information 'No drift: Active Directory matches the cloud groups in scope.' }
    else { $drift | Format-Table | Out-Host; $exitCode = 1 }

    Step 'Get-GroupProvisioningStatus'
    Get-GroupProvisioningStatus | Format-List | Out-Host
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    $exitCode = 1
}
finally {
    if ($KeepLab -or $wasRunning) {
        Write-Information "`nThe lab keeps running: `$env:GROUPWRITEBACK_CONFIG = '$($lab.configPath)'; stop it with: npm run lab -- down"
    }
    else {
        Step 'Stopping the lab (npm run lab -- down)'
        npm run --silent lab -- down
    }
}
exit $exitCode
