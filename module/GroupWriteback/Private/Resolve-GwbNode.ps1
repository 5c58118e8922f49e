function Resolve-GwbNode {
    <#
    .SYNOPSIS
    Finds a Node.js (20 or later) to run the GroupWriteback core: $env:GROUPWRITEBACK_NODE first, then PATH.
    Throws an ErrorRecord (NotInstalled) that says where it looked and what to do.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $looked = [System.Collections.Generic.List[string]]::new()
    $candidates = [System.Collections.Generic.List[pscustomobject]]::new()

    if ($env:GROUPWRITEBACK_NODE) {
        if (Test-Path -LiteralPath $env:GROUPWRITEBACK_NODE -PathType Leaf) {
            $candidates.Add([pscustomobject]@{ Path = (Resolve-Path -LiteralPath $env:GROUPWRITEBACK_NODE).ProviderPath; Source = '$env:GROUPWRITEBACK_NODE' })
        }
        else {
            $looked.Add("`$env:GROUPWRITEBACK_NODE = '$($env:GROUPWRITEBACK_NODE)' (no such file)")
        }
    }
    else {
        $looked.Add('$env:GROUPWRITEBACK_NODE (not set)')
        $onPath = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($onPath) {
            $candidates.Add([pscustomobject]@{ Path = $onPath.Source; Source = 'PATH' })
        }
        else {
            $looked.Add("PATH (no 'node' command)")
        }
    }

    foreach ($candidate in $candidates) {
        $key = "$($candidate.Path)"
        if ($script:GwbNodeCache.ContainsKey($key)) { return $script:GwbNodeCache[$key] }
        $versionText = $null
        try { $versionText = (& $candidate.Path --version 2>$null | Select-Object -First 1) } catch { $versionText = $null }
        if ($versionText -match '^v?(\d+)\.(\d+)\.(\d+)') {
            $major = [int]$Matches[1]
            if ($major -ge $script:GwbMinNodeMajor) {
                $found = [pscustomobject]@{ Path = $candidate.Path; Version = $versionText.TrimStart('v'); Source = $candidate.Source }
                $script:GwbNodeCache[$key] = $found
                return $found
            }
            $looked.Add("$($candidate.Source): $($candidate.Path) is Node.js $versionText, too old")
        }
        else {
            $looked.Add("$($candidate.Source): $($candidate.Path) did not report a Node.js version")
        }
    }

    $message = "GroupWriteback needs Node.js $($script:GwbMinNodeMajor) or later to run its core, and found none that fits. Looked in: $($looked -join '; ')."
    $fix = "Install Node.js $($script:GwbMinNodeMajor) or later (for example from your distribution's packages or nodejs.org) and put it on PATH, or set `$env:GROUPWRITEBACK_NODE to the full path of the node executable."
    $exception = [System.IO.FileNotFoundException]::new("$message $fix")
    $record = [System.Management.Automation.ErrorRecord]::new($exception, 'GroupWriteback.NodeNotFound', [System.Management.Automation.ErrorCategory]::NotInstalled, $env:GROUPWRITEBACK_NODE)
    $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new("$message $fix")
    $record.ErrorDetails.RecommendedAction = $fix
    throw $record
}
