function ConvertTo-GwbLogRecord {
    <#
    .SYNOPSIS
    A provisioning log entry from the core as a flat record with the same properties every time (values as text
    where the core has lists or objects), so that Export-Csv keeps every column.
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.LogEntry')]
    param([Parameter(Mandatory)][object]$Entry)
    $e = $Entry
    $get = { param($name) if ($e.PSObject.Properties[$name]) { $e.$name } else { $null } }
    $text = { param($v) if ($null -eq $v) { '' } else { @($v) -join '; ' } }
    $err = & $get 'error'
    $modified = @(& $get 'modified' | Where-Object { $_ } | ForEach-Object {
            "$($_.attribute): $(& $text $_.old) -> $(& $text $_.new)"
        }) -join ' | '
    [pscustomobject][ordered]@{
        PSTypeName   = 'GroupWriteback.LogEntry'
        Timestamp    = $(ConvertTo-GwbDateTime (& $get 'timestamp'))
        CycleId      = & $get 'cycleId'
        ChangeId     = & $get 'changeId'
        Action       = & $get 'action'
        Status       = & $get 'result'
        GroupId      = $(if (& $get 'groupId') { & $get 'groupId' } elseif ((& $get 'sourceType') -eq 'group') { & $get 'sourceId' } else { $null })
        SourceId     = & $get 'sourceId'
        SourceType   = & $get 'sourceType'
        DisplayName  = & $get 'displayName'
        TargetDn     = & $get 'targetDn'
        Count        = & $get 'count'
        MemberIds    = & $text (& $get 'memberIds')
        Modified     = $modified
        Reason       = & $get 'reason'
        ErrorCode    = $(if ($err) { $err.code } else { $null })
        ErrorMessage = $(if ($err) { $err.message } else { $null })
        Hint         = $(if ($err -and $err.PSObject.Properties['hint']) { $err.hint } else { $null })
    }
}

function ConvertTo-GwbDateTime {
    <#
    .SYNOPSIS
    An ISO 8601 time from the core as a UTC [datetime] (ConvertFrom-Json may already have made it one).
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param([AllowNull()][object]$Value)
    if ($null -eq $Value -or $Value -eq '') { return $null }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime() }
    return [datetime]::Parse([string]$Value, [cultureinfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal)
}
