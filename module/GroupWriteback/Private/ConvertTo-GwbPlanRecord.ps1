function ConvertTo-GwbPlanRecord {
    <#
    .SYNOPSIS
    A planned change from the core (GroupWriteback.PlanAction) as a flat record with the same properties every
    time (lists as text), so that the plan filters with Where-Object and exports with Export-Csv, plus the line
    Start-GroupProvisioning -WhatIf prints for it (Description).
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.PlanAction')]
    param([Parameter(Mandatory)][object]$Action)
    $a = $Action
    $get = { param($name) if ($a.PSObject.Properties[$name]) { $a.$name } else { $null } }
    $text = { param($v) if ($null -eq $v) { '' } else { @($v) -join '; ' } }
    $changes = @(& $get 'changes' | Where-Object { $_ } | ForEach-Object {
            if ($null -eq $_.old) { "$($_.attribute): $(& $text $_.new)" } else { "$($_.attribute): $(& $text $_.old) -> $(& $text $_.new)" }
        }) -join ' | '
    [pscustomobject][ordered]@{
        PSTypeName  = 'GroupWriteback.PlanAction'
        Action      = [string](& $get 'action')
        GroupId     = & $get 'groupId'
        DisplayName = & $get 'displayName'
        Dn          = & $get 'dn'
        NewDn       = & $get 'newDn'
        Count       = & $get 'count'
        Members     = & $text (& $get 'memberDns')
        Changes     = $changes
        Reason      = & $get 'reason'
        Cause       = & $get 'cause'
        HeldIn      = & $get 'heldIn'
        SourceId    = & $get 'sourceId'
        SourceType  = & $get 'sourceType'
        ErrorCode   = & $get 'code'
        Hint        = & $get 'hint'
        Description = Format-GwbPlanAction -Action $a
    }
}
