#Requires -Version 7.4
# Foundation: the module loads, its manifest is valid, and every kind of event crosses the Node/PowerShell bridge.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    $script:ManifestPath = Join-Path $ModulePath 'GroupWriteback.psd1'
    Import-Module $ModulePath -Force

    # Runs the selftest operation through the real bridge in a separate runspace and returns its streams.
    function Invoke-BridgeProbe {
        param([object[]]$Events, [string]$Fail, [scriptblock]$Setup = {})
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript({
                    param($ModulePath, $Events, $Fail, $Setup)
                    . $Setup
                    Import-Module $ModulePath -Force
                    & (Get-Module GroupWriteback) {
                        param($Events, $Fail)
                        function Invoke-Probe {
                            [CmdletBinding()]
                            param($Events, $Fail)
                            $p = @{}
                            if ($Events) { $p.events = $Events }
                            if ($Fail) { $p.fail = $Fail }
                            Invoke-GwbCore -Operation 'selftest' -Parameters $p -Cmdlet $PSCmdlet
                        }
                        # Only a terminating error reaches catch: non-terminating ones go to the error stream.
                        try { Invoke-Probe -Events $Events -Fail $Fail -Verbose -InformationAction Continue }
                        catch { [pscustomobject]@{ PSTypeName = 'Probe.Caught'; Record = $_ } }
                    } $Events $Fail
                }).AddArgument($script:ModulePath).AddArgument($Events).AddArgument($Fail).AddArgument($Setup)
            $output = $null
            $thrown = $null
            try { $output = $ps.Invoke() } catch { $thrown = $_.Exception }
            $caught = @($output | Where-Object { $_ -and $_.PSObject.TypeNames[0] -eq 'Probe.Caught' })
            [pscustomobject]@{
                Output      = @($output | Where-Object { $_ -and $_.PSObject.TypeNames[0] -ne 'Probe.Caught' })
                Caught      = if ($caught) { $caught[0].Record } else { $null }
                Progress    = @($ps.Streams.Progress)
                Verbose     = @($ps.Streams.Verbose)
                Warning     = @($ps.Streams.Warning)
                Information = @($ps.Streams.Information)
                Error       = @($ps.Streams.Error)
                Thrown      = $thrown
            }
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Module manifest' {
    It 'passes Test-ModuleManifest' {
        $m = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $m.Name | Should -Be 'GroupWriteback'
        $m.PowerShellVersion | Should -Be ([version]'7.4')
    }

    It 'exports exactly the functions in Public/' {
        $public = Get-ChildItem (Join-Path $ModulePath 'Public') -Filter *.ps1 | ForEach-Object BaseName | Sort-Object
        $manifest = Import-PowerShellDataFile $ManifestPath
        @($manifest.FunctionsToExport | Sort-Object) | Should -Be $public
        @((Get-Module GroupWriteback).ExportedFunctions.Keys | Sort-Object) | Should -Be $public
    }
}

Describe 'Get-GroupWritebackVersion' {
    It 'returns module, core and Node versions through the bridge' {
        $v = Get-GroupWritebackVersion
        $v.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Version'
        $v.Module | Should -Be (Import-PowerShellDataFile $ManifestPath).ModuleVersion
        $v.Core | Should -Be (Get-Content (Join-Path $RepoRoot 'package.json') -Raw | ConvertFrom-Json).version
        $v.Node | Should -Be ((& $v.NodePath --version).TrimStart('v'))
        $v.Protocol | Should -Be 1
        # The core applies GWB_MEMORY_MODE when it starts (unset: lean).
        $v.MemoryMode | Should -Be $(if ($env:GWB_MEMORY_MODE) { $env:GWB_MEMORY_MODE.Trim().ToLowerInvariant() } else { 'lean' })
    }

    It 'formats as a table that names the versions' {
        $text = Get-GroupWritebackVersion | Out-String
        $text | Should -Match 'Module'
        $text | Should -Match 'NodePath'
        $text | Should -Match 'Memory'
        # Fits an 80-column console.
        ($text -split "`n" | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
}

Describe 'Bridge events' {
    It 'carries progress, verbose, warning, information, non-terminating errors with a target, and typed results' {
        $events = @(
            @{ type = 'progress'; activityId = 7; activity = 'Provisioning'; status = 'Reading groups'; percent = 40; current = 4; total = 10 }
            @{ type = 'log'; level = 'verbose'; message = 'verbose from the core' }
            @{ type = 'log'; level = 'warning'; message = 'warning from the core' }
            @{ type = 'log'; level = 'information'; message = 'information from the core' }
            @{ type = 'error'; terminating = $false; error = @{ name = 'DirectoryError'; code = 'InsufficientAccessRights'; category = 'PermissionDenied'; message = "Access denied on 'CN=Sales_e9305786a271,OU=Groups'."; target = 'CN=Sales_e9305786a271,OU=Groups'; hint = 'Grant the service account write access on OU=Groups.' } }
            @{ type = 'result'; typeName = 'GroupWriteback.Probe'; data = @{ name = 'first'; count = 3 } }
            @{ type = 'progress'; activityId = 7; activity = 'Provisioning'; status = 'Done'; percent = 100; completed = $true }
        )
        $r = Invoke-BridgeProbe -Events $events
        $r.Thrown | Should -BeNullOrEmpty

        $r.Progress.Count | Should -BeGreaterOrEqual 2
        $r.Progress[0].ActivityId | Should -Be 7
        $r.Progress[0].StatusDescription | Should -Be 'Reading groups'
        $r.Progress[0].PercentComplete | Should -Be 40
        $r.Progress[-1].RecordType | Should -Be 'Completed'

        $r.Verbose.Message | Should -Contain 'verbose from the core'
        $r.Warning.Message | Should -Contain 'warning from the core'
        $r.Information.MessageData | Should -Contain 'information from the core'

        $r.Error.Count | Should -Be 1
        $e = $r.Error[0]
        $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e.TargetObject | Should -Be 'CN=Sales_e9305786a271,OU=Groups'
        $e.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.InsufficientAccessRights'
        $e.ErrorDetails.RecommendedAction | Should -Be 'Grant the service account write access on OU=Groups.'
        $e.Exception.Message | Should -Match 'Access denied'

        $r.Output.Count | Should -Be 1
        $r.Output[0].PSObject.TypeNames[0] | Should -Be 'GroupWriteback.Probe'
        $r.Output[0].name | Should -Be 'first'
        $r.Output[0].count | Should -Be 3
    }

    It 'turns an error thrown in the core into a terminating error with its category and fix' {
        $r = Invoke-BridgeProbe -Events @() -Fail 'throw'
        $r.Thrown | Should -BeNullOrEmpty
        $record = $r.Caught
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.SelftestFailure'
        $record.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $record.TargetObject | Should -Be 'selftest'
        $record.Exception.Message | Should -Match 'Self-test failure requested'
        $record.ErrorDetails.RecommendedAction | Should -Match 'on purpose'
    }

    It 'turns a core crash into a terminating error carrying the core''s message' {
        $r = Invoke-BridgeProbe -Events @() -Fail 'crash'
        $record = $r.Caught
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Match '^GroupWriteback\.CoreCrashed'
        $record.Exception.Message | Should -Match 'exit code 70'
        $record.Exception.Message | Should -Match 'FATAL: Self-test failure requested'
    }

    It 'stops the core when the pipeline is stopped' {
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript({
                    param($ModulePath)
                    Import-Module $ModulePath -Force
                    & (Get-Module GroupWriteback) {
                        function Invoke-Probe {
                            [CmdletBinding()] param()
                            $events = @(@{ type = 'result'; typeName = 'GroupWriteback.Probe'; data = @{ pid = 0 } })
                            Invoke-GwbCore -Operation 'selftest' -Parameters @{ events = $events; fail = 'hang' } -Cmdlet $PSCmdlet
                        }
                        Invoke-Probe
                    }
                }).AddArgument($ModulePath)
            $async = $ps.BeginInvoke()
            # The core this runspace started is a child of THIS process: other test runs on the machine start cores
            # too (picking "any new gwb.cjs rpc" took theirs, a flake). The deadline only catches a hang.
            $deadline = (Get-Date).AddSeconds(120)
            $core = $null
            while (-not $core -and (Get-Date) -lt $deadline) {
                Start-Sleep -Milliseconds 100
                $core = Get-Process -Name node -ErrorAction SilentlyContinue |
                    Where-Object { $_.Parent.Id -eq $PID -and $_.CommandLine -match 'gwb\.cjs rpc' } |
                    Select-Object -First 1
            }
            $core | Should -Not -BeNullOrEmpty
            $corePid = $core.Id
            Start-Sleep -Milliseconds 300
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
            # Stopping kills the core; the kernel may reap it a moment later on a loaded machine.
            $core.WaitForExit(30000) | Should -BeTrue
            { Get-Process -Id $corePid -ErrorAction Stop } | Should -Throw
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Node.js discovery' {
    BeforeEach {
        $script:SavedNode = $env:GROUPWRITEBACK_NODE
        $script:SavedPath = $env:PATH
    }
    AfterEach {
        $env:GROUPWRITEBACK_NODE = $script:SavedNode
        $env:PATH = $script:SavedPath
        InModuleScope GroupWriteback { $script:GwbNodeCache = @{} }
    }

    It 'names $env:GROUPWRITEBACK_NODE and the version needed when it points nowhere' {
        $env:GROUPWRITEBACK_NODE = Join-Path ([IO.Path]::GetTempPath()) 'no-such-node-binary'
        $err = { Get-GroupWritebackVersion } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match 'GroupWriteback.NodeNotFound'
        $err.CategoryInfo.Category | Should -Be 'NotInstalled'
        $err.Exception.Message | Should -Match 'Node\.js 20 or later'
        $err.Exception.Message | Should -Match ([regex]::Escape('no-such-node-binary'))
        $err.Exception.Message | Should -Match 'GROUPWRITEBACK_NODE'
    }

    It 'says it looked on PATH when node is not there' {
        $env:GROUPWRITEBACK_NODE = $null
        $empty = Join-Path ([IO.Path]::GetTempPath()) "gwb-empty-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $empty | Out-Null
        try {
            $env:PATH = $empty
            $err = { Get-GroupWritebackVersion } | Should -Throw -PassThru
            $err.Exception.Message | Should -Match "PATH \(no 'node' command\)"
            $err.Exception.Message | Should -Match 'not set'
        }
        finally { Remove-Item $empty -Recurse -Force }
    }

    It 'refuses a Node.js that is too old, naming its version and path' -Skip:($IsWindows) {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "gwb-oldnode-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $dir | Out-Null
        try {
            $fake = Join-Path $dir 'node'
            Set-Content -Path $fake -Value "#!/bin/sh`necho v18.19.0"
            chmod +x $fake
            $env:GROUPWRITEBACK_NODE = $fake
            $err = { Get-GroupWritebackVersion } | Should -Throw -PassThru
            $err.Exception.Message | Should -Match 'v18\.19\.0, too old'
            $err.Exception.Message | Should -Match ([regex]::Escape($fake))
        }
        finally { Remove-Item $dir -Recurse -Force }
    }
}
