function Get-GroupProvisioningLog {
    <#
    .SYNOPSIS
    Reads the provisioning log: one record per object and action (create, update, rename, move, member add/remove,
    delete, skip, error…), filtered by cycle, group, action, status and time.

    .DESCRIPTION
    Every record has the same flat set of properties (Timestamp, CycleId, ChangeId, Action, Status, GroupId,
    SourceId, SourceType, DisplayName, MemberName, TargetDn, Count, MemberIds, Modified, Reason, ErrorCode,
    ErrorMessage, Hint), so the output pipes straight into Export-Csv. Timestamp is a DateTimeOffset (the CSV keeps
    the offset). DisplayName is the group's name on every row; a member row (a skipped member) also names the member
    (MemberName: the UPN, or the display name), and member adds and removes carry the members' object ids
    (MemberIds) and DNs (Modified). Records of one object's change in a cycle share a ChangeId.
    The log is kept for log.retentionDays (default 30).

    .PARAMETER CycleId
    Only the records of this cycle (see Get-GroupProvisioningStatus or the run summary).

    .PARAMETER GroupId
    Only the records of this cloud group (its own and its members'). Takes pipeline input by property name (Id or GroupId).

    .PARAMETER Action
    Only these actions: Create, Update, Rename, Move, Match, MemberAdd, MemberRemove, Delete, Empty, Convert, Release, Held, Skip, Error, Cycle.

    .PARAMETER Status
    Only these outcomes: Success, Failure, Skipped, Held, Warning.

    .PARAMETER After
    Only records at or after this time.

    .PARAMETER Before
    Only records before this time.

    .PARAMETER Last
    Only the last N matching records.

    .PARAMETER ConfigPath
    The configuration file. Default: $env:GROUPWRITEBACK_CONFIG, else <per-user config folder>/GroupWriteback/groupwriteback.json.

    .EXAMPLE
    Get-GroupProvisioningLog -Status Failure -After (Get-Date).AddDays(-1)

    What failed in the last 24 hours, with the error and the hint.

    .EXAMPLE
    Get-GroupProvisioningLog -GroupId 2e5807ce-58f3-4a94-9b37-6c4b2e085957 -Action MemberAdd, MemberRemove | Export-Csv ./sales-membership.csv -NoTypeInformation

    Exports the membership changes of one group.

    .OUTPUTS
    GroupWriteback.LogEntry
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.LogEntry')]
    param(
        [string]$CycleId,
        [Parameter(ValueFromPipelineByPropertyName)][Alias('Id')][string]$GroupId,
        [ValidateSet('Create', 'Update', 'Rename', 'Move', 'Match', 'MemberAdd', 'MemberRemove', 'Delete', 'Empty', 'Convert', 'Release', 'Held', 'Skip', 'Drift', 'Error', 'Cycle')]
        [string[]]$Action,
        [ValidateSet('Success', 'Failure', 'Skipped', 'Held', 'Warning')]
        [Alias('Result')]
        [string[]]$Status,
        [datetime]$After,
        [datetime]$Before,
        [ValidateRange(1, [int]::MaxValue)][int]$Last,
        [string]$ConfigPath
    )
    begin { $path = Resolve-GwbConfigPath -ConfigPath $ConfigPath }
    process {
        # The core sends flat records (every property every time, lists as text): nothing to convert per entry.
        $params = @{ configPath = $path; flat = $true }
        if ($CycleId) { $params.cycleId = $CycleId }
        if ($GroupId) { $params.groupId = $GroupId }
        if ($Action) { $params.action = @($Action | ForEach-Object { $_.Substring(0, 1).ToLowerInvariant() + $_.Substring(1) }) }
        if ($Status) { $params.result = @($Status | ForEach-Object { $_.ToLowerInvariant() }) }
        if ($PSBoundParameters.ContainsKey('After')) { $params.after = $After.ToUniversalTime().ToString('o') }
        if ($PSBoundParameters.ContainsKey('Before')) { $params.before = $Before.ToUniversalTime().ToString('o') }
        if ($Last) { $params.last = $Last }
        Invoke-GwbOperation -Operation 'log' -Parameters $params -Cmdlet $PSCmdlet
    }
}
