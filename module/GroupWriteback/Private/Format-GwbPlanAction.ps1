function Format-GwbPlanAction {
    <#
    .SYNOPSIS
    One line of text for a planned change (GroupWriteback.PlanAction from the core's plan), as printed by
    Start-GroupProvisioning -WhatIf. Returns $null for records that change nothing (skip, leave, error).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][object]$Action)

    $a = $Action
    $prop = { param($name) if ($a.PSObject.Properties[$name]) { $a.$name } else { $null } }
    $name = & $prop 'displayName'
    $group = if ($name) { "'$name'" } else { [string](& $prop 'groupId') }
    $dn = & $prop 'dn'
    $show = {
        param($v)
        if ($null -eq $v) { return '(none)' }
        $t = @($v) -join '; '
        if ($t.Length -gt 80) { $t = $t.Substring(0, 77) + '...' }
        "'$t'"
    }
    $members = {
        $list = @(& $prop 'memberDns')
        $first = ($list | Select-Object -First 3) -join '; '
        if ($list.Count -gt 3) { $first += "; and $($list.Count - 3) more" }
        $first
    }
    $held = if (& $prop 'heldIn') { " — HELD for approval (batch $(& $prop 'heldIn'))" } else { '' }
    $why = if (& $prop 'reason') { " ($(& $prop 'reason'))" } else { '' }
    switch ([string]$a.action) {
        'create' {
            $attrs = @(& $prop 'changes' | ForEach-Object { $_.attribute }) -join ', '
            return "Create group $group as $dn" + $(if ($attrs) { " [$attrs]" } else { '' })
        }
        'update' {
            $changes = @(& $prop 'changes' | ForEach-Object { "$($_.attribute) $(& $show $_.old) -> $(& $show $_.new)" }) -join ', '
            return "Update group $group ${dn}: $changes$why"
        }
        'rename' { return "Rename group $group from $dn to $(& $prop 'newDn')" }
        'move' { return "Move group $group from $dn to $(& $prop 'newDn')" }
        'renameAndMove' { return "Rename and move group $group from $dn to $(& $prop 'newDn')" }
        'memberAdd' { return "Add $(& $prop 'count') member(s) to group $group ${dn}: $(& $members)" }
        'memberRemove' { return "Remove $(& $prop 'count') member(s) from group $group ${dn}: $(& $members)" }
        'delete' { return "Delete group $group $dn$why$held" }
        'empty' { return "Remove all members of group $group $dn$why$held" }
        'convertToDistribution' { return "Convert group $group $dn to a distribution group$why$held" }
        default { return $null }
    }
}
