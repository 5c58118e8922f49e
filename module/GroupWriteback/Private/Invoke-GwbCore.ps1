function Invoke-GwbCore {
    <#
    .SYNOPSIS
    Runs one operation in the GroupWriteback core (node bin/gwb.cjs rpc) and turns its NDJSON events into
    PowerShell streams: progress → Write-Progress, log → Write-Verbose/Warning/Information/Debug,
    result → output objects with a PSTypeName, error → ErrorRecords (terminating ones are thrown).

    Errors about one object of a larger operation (perObject: a group that failed in a cycle) are written as they
    come and never stop the operation, whatever the caller's $ErrorActionPreference (-ErrorAction SilentlyContinue
    or Ignore still silences them): the core goes on with the other groups. Other non-terminating errors (the
    cycle's one summary error) are written after the core has ended and the exit code is known, so that under
    $ErrorActionPreference = 'Stop' the caller stops there, with every group processed and $LASTEXITCODE set.

    .DESCRIPTION
    The protocol is documented in docs/protocol.md. Secrets travel in the request line over stdin, never on the
    command line. Stopping the pipeline (Ctrl+C) sends a cancel message, closes stdin and, if the core does not
    end within a few seconds, kills it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Operation,
        [hashtable]$Parameters = @{},
        [hashtable]$Secrets = @{},
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Cmdlet
    )

    $node = Resolve-GwbNode
    if (-not (Test-Path -LiteralPath $script:GwbCorePath -PathType Leaf)) {
        $ex = [System.IO.FileNotFoundException]::new("The GroupWriteback core is missing: $($script:GwbCorePath). Reinstall the module, or run 'npm run build' in a source checkout.")
        $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.CoreMissing', [System.Management.Automation.ErrorCategory]::NotInstalled, $script:GwbCorePath))
    }

    $plainSecrets = @{}
    foreach ($key in $Secrets.Keys) {
        $value = ConvertTo-GwbPlainText -Value $Secrets[$key]
        if ($null -ne $value) { $plainSecrets[$key] = $value }
    }
    $requestId = [guid]::NewGuid().ToString('n')
    $request = [ordered]@{ type = 'request'; id = $requestId; op = $Operation; params = $Parameters; secrets = $plainSecrets }
    $requestLine = $request | ConvertTo-Json -Depth 32 -Compress
    $plainSecrets = $null

    $psi = [System.Diagnostics.ProcessStartInfo]::new($node.Path)
    $psi.ArgumentList.Add($script:GwbCorePath)
    $psi.ArgumentList.Add('rpc')
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    $psi.StandardInputEncoding = $utf8

    # The caller's error preference for per-object errors: silenced when asked, never 'Stop' (see .DESCRIPTION).
    $callerAction = if ($Cmdlet.MyInvocation.BoundParameters.ContainsKey('ErrorAction')) { [string]$Cmdlet.MyInvocation.BoundParameters['ErrorAction'] } else { [string]$Cmdlet.GetVariableValue('ErrorActionPreference') }
    $objectErrorAction = if ($callerAction -in 'SilentlyContinue', 'Ignore') { $callerAction } else { 'Continue' }
    $deferred = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
    $jsonArgs = @{}
    if ($script:GwbJsonDateKind) { $jsonArgs.DateKind = 'Offset' }

    $process = [System.Diagnostics.Process]::new()
    $process.StartInfo = $psi
    $exitCode = $null
    $terminating = $null
    try {
        [void]$process.Start()
        $stderrTask = $process.StandardError.ReadToEndAsync()
        $process.StandardInput.WriteLine($requestLine)
        $process.StandardInput.Flush()
        $requestLine = $null

        while ($true) {
            $readTask = $process.StandardOutput.ReadLineAsync()
            # Wait in short slices so that Ctrl+C / Stop-Pipeline is honoured between them.
            while (-not $readTask.Wait(200)) { }
            $line = $readTask.Result
            if ($null -eq $line) { break }
            if ($line.Length -eq 0) { continue }
            $message = ConvertFrom-Json -InputObject $line @jsonArgs
            switch ($message.type) {
                'hello' {
                    if ($message.protocol -ne 1) {
                        $ex = [System.InvalidOperationException]::new("The GroupWriteback core speaks protocol $($message.protocol), this module speaks 1. Reinstall the module so its core and cmdlets match.")
                        $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.ProtocolMismatch', [System.Management.Automation.ErrorCategory]::InvalidResult, $script:GwbCorePath))
                    }
                }
                'progress' {
                    $record = [System.Management.Automation.ProgressRecord]::new([int]$message.activityId, [string]$message.activity, $(if ($message.status) { [string]$message.status } else { ' ' }))
                    if ($message.PSObject.Properties['parentActivityId'] -and $null -ne $message.parentActivityId) { $record.ParentActivityId = [int]$message.parentActivityId }
                    $record.PercentComplete = [Math]::Min(100, [int]$message.percent)
                    if ($message.PSObject.Properties['completed'] -and $message.completed) { $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed }
                    $Cmdlet.WriteProgress($record)
                }
                'log' {
                    switch ($message.level) {
                        'warning' { $Cmdlet.WriteWarning([string]$message.message) }
                        'information' { $Cmdlet.WriteInformation([System.Management.Automation.InformationRecord]::new([string]$message.message, 'GroupWriteback')) }
                        'debug' { $Cmdlet.WriteDebug([string]$message.message) }
                        default { $Cmdlet.WriteVerbose([string]$message.message) }
                    }
                }
                'result' {
                    $data = $message.data
                    if ($data -is [System.Management.Automation.PSCustomObject]) {
                        if (-not $script:GwbJsonDateKind) {
                            # PowerShell 7.4 (no -DateKind): times as DateTimeOffset, so that CSV keeps the offset.
                            foreach ($p in $data.PSObject.Properties) { if ($p.Value -is [datetime]) { $p.Value = [DateTimeOffset]$p.Value } }
                        }
                        $data.PSObject.TypeNames.Insert(0, [string]$message.typeName)
                    }
                    Write-Output $data
                }
                'error' {
                    $record = New-GwbErrorRecord -CoreError $message.error
                    if ($message.terminating) { $terminating = $record }
                    elseif ($message.PSObject.Properties['perObject'] -and $message.perObject) {
                        # Written as the caller's own error, never terminating. Unless the caller asked for Stop (or
                        # Inquire), through the cmdlet itself, so that -ErrorVariable and -ErrorAction SilentlyContinue
                        # work as with any cmdlet; under Stop, as a plain error of the caller's invocation instead.
                        if ($callerAction -in 'Stop', 'Inquire', 'Suspend') {
                            & { $MyInvocation = $Cmdlet.MyInvocation; Write-Error -ErrorRecord $record -ErrorAction $objectErrorAction }
                        }
                        else { $Cmdlet.WriteError($record) }
                    }
                    else { $deferred.Add($record) }
                }
                'exit' {
                    $exitCode = [int]$message.code
                }
            }
            if ($null -ne $exitCode) { break }
        }

        if ($null -eq $exitCode) {
            # The core ended without saying goodbye: a crash. Report what it printed.
            [void]$process.WaitForExit(5000)
            $stderr = ''
            if ($stderrTask.Wait(2000)) { $stderr = $stderrTask.Result.Trim() }
            $status = if ($process.HasExited) { "exit code $($process.ExitCode)" } else { 'no exit code' }
            $detail = if ($stderr) { ($stderr -split "`r?`n" | Select-Object -Last 20) -join [Environment]::NewLine } else { '(it printed nothing on stderr)' }
            $ex = [System.InvalidOperationException]::new("The GroupWriteback core stopped unexpectedly ($status) during '$Operation': $detail")
            $record = [System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.CoreCrashed', [System.Management.Automation.ErrorCategory]::InvalidResult, $Operation)
            $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($ex.Message)
            $record.ErrorDetails.RecommendedAction = 'Run the operation again with -Verbose; if it repeats, report the message above.'
            $Cmdlet.ThrowTerminatingError($record)
        }
        $script:GwbLastExitCode = $exitCode
        foreach ($record in $deferred) { $Cmdlet.WriteError($record) }
        if ($terminating) { $Cmdlet.ThrowTerminatingError($terminating) }
    }
    finally {
        if (-not $process.HasExited) {
            try {
                $process.StandardInput.WriteLine((@{ type = 'cancel'; id = $requestId } | ConvertTo-Json -Compress))
                $process.StandardInput.Close()
            }
            catch { }
            if (-not $process.WaitForExit(5000)) {
                try { $process.Kill($true) } catch { }
            }
        }
        $process.Dispose()
    }
}
