# Test helpers for the module's Pester suites: a private lab per test file (a Samba AD DC + the Graph emulator on
# their own 127.0.0.N), changes to the tenant through the emulator's Graph API, and assertions on AD read with
# ldapsearch (never through the module's own report).
#
# Start-GwbTestLab runs test/lab/fixture.ts's startLab in a child node process and returns what `npm run lab -- up
# --json` prints (configPath, graph, ldap, admin, env, controlUrl). Unlike `lab up` it owns no shared .lab/lab.json,
# so a developer's running lab is left alone; the child stops its lab when its stdin closes (Stop-GwbTestLab, or
# this PowerShell process ending).
Set-StrictMode -Version 3.0

$script:RepoRoot = Split-Path -Parent $PSScriptRoot

$script:LabHostScript = @'
const m = await import(process.env.GWB_LAB_FIXTURE);
const startLab = m.startLab ?? m.default?.startLab;
const opts = JSON.parse(process.env.GWB_LAB_OPTIONS || '{}');
let lab;
try {
  lab = await startLab({ ...opts, log: (msg) => process.stderr.write(msg + '\n') });
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { message: err.message, hint: err.hint } }) + '\n');
  process.exit(1);
}
const stop = async () => { try { await lab.stop(); } finally { process.exit(0); } };
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, stop);
const { dc, graph, config } = lab;
process.stdout.write(JSON.stringify({
  configPath: config.path,
  graph: { baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, tenantId: graph.tenantId, clientId: graph.clientId,
           clientSecret: graph.clientSecret, caFile: graph.caFile, controlUrl: graph.controlUrl },
  ldap: { url: dc.url, baseDn: dc.baseDn, targetOu: dc.targetOu, targetOu2: dc.targetOu2, usersOu: dc.usersOu,
          bindDn: dc.service.bindDn, password: dc.service.password, caFile: dc.caFile },
  admin: { ...dc.admin },
  dc: { ip: dc.ip, dir: dc.dir, serviceSid: dc.service.sid, realm: dc.realm, krb5Conf: dc.kerberos.krb5Conf },
  connectOu: lab.seeded.connect ? lab.seeded.connect.ou : null,
  users: (lab.seeded.users?.synced ?? []).map((u, i) => ({ id: u.id, userPrincipalName: u.userPrincipalName,
    samAccountName: u.onPremisesSamAccountName, dn: lab.seeded.users.ad[i].dn })),
  env: { ...config.env, LDAPTLS_CACERT: dc.caFile },
  controlUrl: graph.controlUrl,
  passwordFile: config.passwordFile,
  tenant: lab.seeded.tenant ? {
    users: lab.seeded.tenant.loaded.users.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName })),
    groups: lab.seeded.tenant.loaded.groups.map((g) => ({ id: g.id, displayName: g.displayName })),
  } : null,
}) + '\n');
'@

function Start-GwbTestLab {
    <#
    .SYNOPSIS
    Starts a private lab (own DC + Graph emulator) and returns its endpoints and credentials.
    #>
    [CmdletBinding()]
    param([string]$Tenant, [int]$Users = 0, [int]$ConnectGeneratedMembers = -1, [switch]$FileServer)
    $opts = @{}
    if ($FileServer) { $opts.fileServer = $true }
    if ($Tenant) { $opts.tenant = (Join-Path $script:RepoRoot $Tenant) }
    if ($Users) { $opts.users = $Users }
    # Tenants with a $connectWriteback section: members generated for the big Connect-written group.
    if ($ConnectGeneratedMembers -ge 0) { $opts.connectGeneratedMembers = $ConnectGeneratedMembers }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('node')
    foreach ($a in '--import', 'tsx', '--input-type=module', '-e', $script:LabHostScript) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $script:RepoRoot
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['GWB_LAB_FIXTURE'] = (Join-Path $script:RepoRoot 'test/lab/fixture.ts')
    $psi.Environment['GWB_LAB_OPTIONS'] = ($opts | ConvertTo-Json -Compress)
    $process = [System.Diagnostics.Process]::Start($psi)
    $stderr = $process.StandardError.ReadToEndAsync()
    $read = $process.StandardOutput.ReadLineAsync()
    # A hang detector, not a speed check: on a loaded 2-core machine (or when the golden DC is rebuilt first) a start
    # can take minutes; 180 s failed there while nothing was wrong.
    if (-not $read.Wait(600000)) {
        try { $process.Kill($true) } catch { }
        $err = if ($stderr.Wait(5000)) { $stderr.Result } else { '' }
        if ($err.Length -gt 3000) { $err = $err.Substring($err.Length - 3000) }
        throw "The lab did not start within 600 s. The lab host's log:`n$err"
    }
    $line = $read.Result
    if (-not $line) {
        [void]$process.WaitForExit(5000)
        $err = if ($stderr.Wait(2000)) { $stderr.Result } else { '' }
        throw "The lab host exited without starting the lab: $err"
    }
    $lab = $line | ConvertFrom-Json
    if ($lab.PSObject.Properties['error']) { throw "The lab failed to start: $($lab.error.message) $($lab.error.hint)" }
    $lab | Add-Member -NotePropertyName Process -NotePropertyValue $process
    $lab | Add-Member -NotePropertyName StandardError -NotePropertyValue $stderr
    $lab
}

function Stop-GwbTestLab {
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowNull()]$Lab)
    if (-not $Lab) { return }
    $p = $Lab.Process
    if ($p -and -not $p.HasExited) {
        try { $p.StandardInput.Close() } catch { }
        if (-not $p.WaitForExit(20000)) { try { $p.Kill($true) } catch { } }
    }
}

function Use-GwbLabEnvironment {
    <#
    .SYNOPSIS
    Sets the environment the module's core needs for the lab config (the lab CA, and the client secret the lab
    config references as env:GWB_CLIENT_SECRET). Returns the previous values for Restore-GwbLabEnvironment.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab)
    $saved = @{}
    foreach ($p in $Lab.env.PSObject.Properties) {
        $saved[$p.Name] = [Environment]::GetEnvironmentVariable($p.Name)
        [Environment]::SetEnvironmentVariable($p.Name, [string]$p.Value)
    }
    $saved
}

function Restore-GwbLabEnvironment {
    [CmdletBinding()]
    param([hashtable]$Saved)
    if (-not $Saved) { return }
    foreach ($k in $Saved.Keys) { [Environment]::SetEnvironmentVariable($k, $Saved[$k]) }
}

# ---------------------------------------------------------------------------------------------------------------
# Graph (the emulator): change the tenant the way an admin would, with a client-credentials token.

function Get-GwbLabToken {
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [string]$ClientId, [string]$ClientSecret)
    if (-not $ClientId) { $ClientId = $Lab.graph.clientId; $ClientSecret = $Lab.graph.clientSecret }
    $body = @{ client_id = $ClientId; client_secret = $ClientSecret; grant_type = 'client_credentials'; scope = 'https://graph.microsoft.com/.default' }
    $r = Invoke-RestMethod -Method Post -Uri "$($Lab.graph.authorityHost)/$($Lab.graph.tenantId)/oauth2/v2.0/token" -Body $body -SkipCertificateCheck
    $r.access_token
}

function Invoke-GwbLabGraph {
    <#
    .SYNOPSIS
    Calls the emulator's Graph API (v1.0) as the lab app, e.g. Invoke-GwbLabGraph $lab POST /groups @{...}.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)]$Lab, [Parameter(Mandatory, Position = 1)][string]$Method, [Parameter(Mandatory, Position = 2)][string]$Path, [Parameter(Position = 3)]$Body)
    if (-not $Lab.PSObject.Properties['Token']) { $Lab | Add-Member -NotePropertyName Token -NotePropertyValue (Get-GwbLabToken -Lab $Lab) }
    $p = @{ Method = $Method; Uri = "$($Lab.graph.baseUrl)/v1.0$Path"; Headers = @{ Authorization = "Bearer $($Lab.Token)" }; SkipCertificateCheck = $true }
    if ($null -ne $Body) { $p.Body = ($Body | ConvertTo-Json -Depth 10); $p.ContentType = 'application/json' }
    Invoke-RestMethod @p
}

function Invoke-GwbLabControl {
    <#
    .SYNOPSIS
    Calls the emulator's control API (/_emulator/...), e.g. to register an app with fewer permissions.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)]$Lab, [Parameter(Mandatory, Position = 1)][string]$Method, [Parameter(Mandatory, Position = 2)][string]$Path, [Parameter(Position = 3)]$Body)
    $p = @{ Method = $Method; Uri = "$($Lab.controlUrl)$Path"; SkipCertificateCheck = $true }
    if ($null -ne $Body) { $p.Body = ($Body | ConvertTo-Json -Depth 10); $p.ContentType = 'application/json' }
    Invoke-RestMethod @p
}

function New-GwbLabGroup {
    <#
    .SYNOPSIS
    Creates a cloud security group in the emulator (POST /groups) with members (object ids); returns it.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$DisplayName, [string]$Description, [string[]]$MemberId = @())
    $body = [ordered]@{
        displayName     = $DisplayName
        mailEnabled     = $false
        securityEnabled = $true
        mailNickname    = ($DisplayName -replace '[^A-Za-z0-9]', '').ToLowerInvariant()
    }
    if ($Description) { $body.description = $Description }
    if ($MemberId) { $body['members@odata.bind'] = @($MemberId | ForEach-Object { "$($Lab.graph.baseUrl)/v1.0/directoryObjects/$_" }) }
    Invoke-GwbLabGraph $Lab POST '/groups' $body
}

function Get-GwbLabUser {
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$UserPrincipalName)
    Invoke-GwbLabGraph $Lab GET "/users/$([uri]::EscapeDataString($UserPrincipalName))"
}

# ---------------------------------------------------------------------------------------------------------------
# Active Directory, read and changed with ldapsearch/ldapmodify as the domain administrator.

function ConvertFrom-GwbLdif {
    <#
    .SYNOPSIS
    Parses unwrapped LDIF (ldapsearch -o ldif_wrap=no) into objects: dn, plus one property per attribute whose value
    is a string or, for several values, a string array. Base64 values (attr::) are decoded as UTF-8, except the
    binary objectGUID/objectSid, which stay base64.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowEmptyString()][string[]]$Line)
    $entries = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $flush = {
        if ($null -ne $current) {
            $o = [ordered]@{}
            foreach ($k in $current.Keys) { $v = $current[$k]; $o[$k] = if ($v.Count -eq 1) { $v[0] } else { [string[]]$v.ToArray() } }
            $entries.Add([pscustomobject]$o)
        }
    }
    foreach ($l in $Line) {
        if ($l -match '^#') { continue }
        if ($l -eq '') { . $flush; $current = $null; continue }
        if ($l -notmatch '^([^:]+)(::?)\s?(.*)$') { continue }
        $name = $Matches[1]; $b64 = $Matches[2] -eq '::'; $value = $Matches[3]
        if ($b64 -and $name -notin 'objectGUID', 'objectSid') { $value = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($value)) }
        if ($null -eq $current) { $current = [ordered]@{} }
        $key = if ($name -eq 'dn') { 'dn' } else { $name }
        if (-not $current.Contains($key)) { $current[$key] = [System.Collections.Generic.List[string]]::new() }
        $current[$key].Add($value)
    }
    . $flush
    $entries
}

function Invoke-GwbLdapSearch {
    <#
    .SYNOPSIS
    ldapsearch against the lab DC as Administrator; returns parsed entries.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]$Lab,
        [string]$Base,
        [string]$Filter = '(objectClass=*)',
        [ValidateSet('base', 'one', 'sub')][string]$Scope = 'sub',
        [string[]]$Attribute = @('*'),
        [switch]$Raw
    )
    if (-not $Base) { $Base = $Lab.ldap.baseDn }
    $pwFile = [IO.Path]::GetTempFileName()
    try {
        [IO.File]::WriteAllText($pwFile, $Lab.admin.password)
        $env:LDAPTLS_CACERT = $Lab.ldap.caFile
        # PowerShell expands a '*' held in a variable against the current folder when calling a native command on
        # Unix: only a quoted literal "*" reaches ldapsearch as is.
        $named = @($Attribute | Where-Object { $_ -ne '*' })
        if ($Attribute -contains '*') {
            $out = & ldapsearch -LLL -o ldif_wrap=no -x -H $Lab.ldap.url -D $Lab.admin.bindDn -y $pwFile -b $Base -s $Scope -E pr=1000/noprompt $Filter "*" @named 2>&1
        }
        else {
            $out = & ldapsearch -LLL -o ldif_wrap=no -x -H $Lab.ldap.url -D $Lab.admin.bindDn -y $pwFile -b $Base -s $Scope -E pr=1000/noprompt $Filter @named 2>&1
        }
        $code = $LASTEXITCODE
    }
    finally { Remove-Item $pwFile -Force -ErrorAction SilentlyContinue }
    if ($code -eq 32) { return }
    if ($code -ne 0) { throw "ldapsearch -b '$Base' '$Filter' failed ($code): $($out -join "`n")" }
    if ($Raw) { return ($out | Where-Object { $_ -notmatch '^# ' }) }
    ConvertFrom-GwbLdif -Line @($out | ForEach-Object { [string]$_ })
}

function Invoke-GwbLdapModify {
    <#
    .SYNOPSIS
    ldapmodify against the lab DC as Administrator ("a change made by hand in AD").
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$Ldif)
    $pwFile = [IO.Path]::GetTempFileName()
    $ldifFile = [IO.Path]::GetTempFileName()
    try {
        [IO.File]::WriteAllText($pwFile, $Lab.admin.password)
        [IO.File]::WriteAllText($ldifFile, $Ldif)
        $env:LDAPTLS_CACERT = $Lab.ldap.caFile
        $out = & ldapmodify -x -H $Lab.ldap.url -D $Lab.admin.bindDn -y $pwFile -f $ldifFile 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ldapmodify failed ($LASTEXITCODE): $($out -join "`n")" }
    }
    finally { Remove-Item $pwFile, $ldifFile -Force -ErrorAction SilentlyContinue }
}

function Get-GwbAdGroup {
    <#
    .SYNOPSIS
    The AD group carrying the anchor Group_<objectId> (msDS-ExternalDirectoryObjectId), or $null.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$GroupId)
    @(Invoke-GwbLdapSearch -Lab $Lab -Filter "(msDS-ExternalDirectoryObjectId=Group_$GroupId)" -Attribute '*', 'member') | Select-Object -First 1
}

function Get-GwbAdUserDn {
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$UserPrincipalName)
    (@(Invoke-GwbLdapSearch -Lab $Lab -Filter "(userPrincipalName=$UserPrincipalName)" -Attribute 'dn') | Select-Object -First 1).dn
}

function Grant-GwbLabGroupRight {
    <#
    .SYNOPSIS
    What an admin does for the job's account on another OU (Set-AADCloudSyncPermissions / dsacls): read/write the
    groups below it (test/lab/connect-v2.ts grantGroupRights, on the lab DC's database).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$OrganizationalUnit)
    $script = 'const m = await import(process.env.GWB_CONNECT_V2); const grant = m.grantGroupRights ?? m.default?.grantGroupRights; await grant(JSON.parse(process.env.GWB_DC), process.env.GWB_OU);'
    $env:GWB_CONNECT_V2 = Join-Path $script:RepoRoot 'test/lab/connect-v2.ts'
    $env:GWB_DC = (@{ dir = $Lab.dc.dir; service = @{ sid = $Lab.dc.serviceSid } } | ConvertTo-Json -Compress)
    $env:GWB_OU = $OrganizationalUnit
    try {
        Push-Location $script:RepoRoot
        $out = & node --import tsx --input-type=module -e $script 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Granting rights on $OrganizationalUnit failed: $($out -join "`n")" }
    }
    finally {
        Pop-Location
        Remove-Item Env:GWB_CONNECT_V2, Env:GWB_DC, Env:GWB_OU -ErrorAction SilentlyContinue
    }
}

# Attributes a read or a bind changes on the DC (logon bookkeeping): left out of snapshots.
$script:VolatileAttributes = @('lastLogon', 'lastLogonTimestamp', 'logonCount', 'badPwdCount', 'badPasswordTime', 'whenChanged', 'uSNChanged', 'dSCorePropagationData')

function Get-GwbLdapSnapshot {
    <#
    .SYNOPSIS
    Every entry of the domain partition with all its attributes (logon bookkeeping left out), as sorted text:
    two snapshots are equal exactly when nothing was written in between.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [string[]]$ExcludeAttribute = @())
    $skip = $script:VolatileAttributes + $ExcludeAttribute
    $lines = Invoke-GwbLdapSearch -Lab $Lab -Attribute '*', 'member' -Raw
    $entries = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    foreach ($l in @($lines) + '') {
        if ($l -eq '') {
            if ($current.Count) { $entries.Add((($current | Sort-Object) -join "`n")); $current.Clear() }
            continue
        }
        $name = ($l -split ':', 2)[0]
        if ($name -in $skip) { continue }
        $current.Add($l)
    }
    ($entries | Sort-Object) -join "`n`n"
}

# ---------------------------------------------------------------------------------------------------------------
# A Kerberos application on the lab DC (Start-GwbTestLab -FileServer): SMB shares restricted to a group SID,
# reached with smbclient using Kerberos only, from tickets obtained with kinit into private credential caches.

function ConvertTo-GwbSid {
    <# .SYNOPSIS The S-1-… form of a base64 objectSid (as ldapsearch prints it). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Base64)
    $b = [Convert]::FromBase64String($Base64)
    $auth = [uint64]0
    for ($i = 2; $i -lt 8; $i++) { $auth = ($auth -shl 8) + $b[$i] }
    $subs = for ($i = 0; $i -lt $b[1]; $i++) { [BitConverter]::ToUInt32($b, 8 + 4 * $i) }
    "S-$($b[0])-$auth-$($subs -join '-')"
}

function Set-GwbLabUserPassword {
    <# .SYNOPSIS Gives a lab user a known password and enables the account (ldapmodify as Administrator). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$UserDn, [Parameter(Mandatory)][string]$Password)
    $pw = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes('"' + $Password + '"'))
    Invoke-GwbLdapModify -Lab $Lab -Ldif "dn: $UserDn`nchangetype: modify`nreplace: unicodePwd`nunicodePwd:: $pw`n-`nreplace: userAccountControl`nuserAccountControl: 66048`n-`n"
}

function Set-GwbLabShare {
    <# .SYNOPSIS Replaces the DC's shares: each name → only members of that group SID get in (valid users = SID). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][hashtable]$Share)
    $blocks = foreach ($name in $Share.Keys) {
        $path = Join-Path $Lab.dc.dir "shares/$name"
        New-Item -ItemType Directory -Force -Path $path | Out-Null
        Set-Content -LiteralPath (Join-Path $path 'app.txt') -Value "${name}: you are in"
        "[$name]`n`tpath = $path`n`tread only = yes`n`tvalid users = $($Share[$name])`n"
    }
    Set-Content -LiteralPath (Join-Path $Lab.dc.dir 'etc/shares.conf') -Value ($blocks -join "`n")
}

function Invoke-GwbKinit {
    <# .SYNOPSIS kinit user@REALM into its own credential cache file (the password on stdin); returns the cache path. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$SamAccountName, [Parameter(Mandatory)][string]$Password, [Parameter(Mandatory)][string]$Cache)
    $env:KRB5_CONFIG = $Lab.dc.krb5Conf
    $env:KRB5CCNAME = "FILE:$Cache"
    $out = $Password | & kinit "$SamAccountName@$($Lab.dc.realm)" 2>&1
    if ($LASTEXITCODE -ne 0) { throw "kinit $SamAccountName failed: $out" }
    $Cache
}

function Test-GwbShareAccess {
    <#
    .SYNOPSIS
    Reads app.txt from a share with smbclient, Kerberos only, from the tickets in -Cache. Returns
    [pscustomobject]@{ Allowed; Status; Output } — access is decided by smbd from the group SIDs in the ticket.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Lab, [Parameter(Mandatory)][string]$Share, [Parameter(Mandatory)][string]$Cache)
    $conf = Join-Path $Lab.dc.dir 'etc/smbclient.conf'
    Set-Content -LiteralPath $conf -Value "[global]`n`tworkgroup = LAB`n`trealm = $($Lab.dc.realm)`n`tclient min protocol = SMB2_10"
    $env:KRB5_CONFIG = $Lab.dc.krb5Conf
    $env:KRB5CCNAME = "FILE:$Cache"
    $out = (& smbclient -s $conf "//dc1.lab.example.com/$Share" -I $Lab.dc.ip -N --use-kerberos=required -c 'get app.txt -' 2>&1) -join "`n"
    $allowed = ($LASTEXITCODE -eq 0) -and $out.Contains("${Share}: you are in")
    $status = if ($out -match 'NT_STATUS_[A-Z_]+') { $Matches[0] } elseif ($allowed) { 'OK' } else { "exit $LASTEXITCODE" }
    [pscustomobject]@{ Allowed = $allowed; Status = $status; Output = $out }
}

Export-ModuleMember -Function *
