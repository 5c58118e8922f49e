function Test-GroupWritebackExpression {
    <#
    .SYNOPSIS
    Evaluates an attribute-mapping expression against sample attribute values, like the expression builder of the
    Microsoft Entra admin center.

    .DESCRIPTION
    Runs the expression in the GroupWriteback core exactly as a mapping would, and returns the value it would
    export: a string, several strings for a multi-valued result, or $null for no value. Dropped is $true when
    IgnoreFlowIfNullOrEmpty would leave the attribute out of the export; Redacted is $true when Redact() was used.

    The language is Microsoft's provisioning expression language (Append, IIF, Switch, Replace, Join, Left, Mid,
    FormatDateTime, …; see docs/expressions.md). Function and attribute names are case-insensitive. Attributes may
    be any group property (displayName, objectId, description, …), a directory extension
    (extension_<appIdWithoutHyphens>_<name>) or any property of the input object.

    A syntax error, an unknown function or an unknown attribute is a terminating error whose message and target
    give the column (category ParserError). An evaluation error (for example Item() out of range) is reported for
    the input object it concerns (category InvalidData), naming the function and the argument, and the next piped
    object is evaluated.

    .PARAMETER Expression
    The expression, e.g. Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12)).

    .PARAMETER InputObject
    The source attributes: a hashtable, or any object (for example the output of Get-MgGroup; its
    AdditionalProperties, where directory extensions live, are included). An Id property also answers [objectId].
    Accepts pipeline input: each object is evaluated in turn.

    .PARAMETER Macro
    Values of %Name% macros used by the expression, e.g. @{ DomainFQDN = 'contoso.com' }.

    .PARAMETER Now
    The date and time Now() returns (default: the current time), for reproducible date expressions.

    .EXAMPLE
    Test-GroupWritebackExpression -Expression 'Append([userPrincipalName], ".test")' -InputObject @{ userPrincipalName = 'John.Doe@contoso.com' }

    Expression                            Value                     Dropped
    ----------                            -----                     -------
    Append([userPrincipalName], ".test")  John.Doe@contoso.com.test   False

    Microsoft's Append example, evaluated as the provisioning service would.

    .EXAMPLE
    Get-MgGroup -GroupId $id | Test-GroupWritebackExpression 'Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))'

    The cn the default mapping gives a real group, e.g. Sales_e9305786a271.

    .EXAMPLE
    Test-GroupWritebackExpression 'Switch([displayName], "OU=Groups,DC=contoso,DC=com", "Sales", "OU=Sales,DC=contoso,DC=com")' -InputObject @{ displayName = 'Sales' }

    Tries a per-group target-OU (parentDistinguishedName) mapping.

    .EXAMPLE
    Test-GroupWritebackExpression 'IgnoreFlowIfNullOrEmpty([description])' -InputObject @{ description = '' } | Select-Object Value, Dropped

    Value Dropped
    ----- -------
           True

    .OUTPUTS
    GroupWriteback.ExpressionResult
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.ExpressionResult')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$Expression,

        [Parameter(Position = 1, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject,

        [hashtable]$Macro,

        [datetime]$Now
    )
    begin {
        $evaluate = {
            [CmdletBinding()]
            param([hashtable]$Parameters)
            Invoke-GwbOperation -Operation 'expression.test' -Parameters $Parameters -Cmdlet $PSCmdlet
        }
        # Attribute values as JSON-friendly data: dates as ISO 8601 (UTC), bytes as base64, GUIDs as strings.
        $convert = {
            param($value, [int]$depth)
            if ($null -eq $value) { return $null }
            if ($depth -gt 8) { return [string]$value }
            if ($value -is [string] -or $value -is [bool] -or $value -is [int] -or $value -is [long] -or $value -is [double] -or $value -is [decimal]) { return $value }
            if ($value -is [datetime]) { return $value.ToUniversalTime().ToString('o') }
            if ($value -is [datetimeoffset]) { return $value.ToString('o') }
            if ($value -is [byte[]]) { return [Convert]::ToBase64String($value) }
            if ($value -is [guid] -or $value -is [enum] -or $value -is [char]) { return $value.ToString() }
            if ($value -is [System.ValueType]) { return $value }
            if ($value -is [System.Security.SecureString]) { throw [System.ArgumentException]::new('A SecureString cannot be an expression input.') }
            if ($value -is [System.Collections.IDictionary]) {
                $h = @{}
                foreach ($k in $value.Keys) { $h[[string]$k] = & $convert $value[$k] ($depth + 1) }
                return $h
            }
            if ($value -is [System.Collections.IEnumerable]) {
                return , @(foreach ($item in $value) { & $convert $item ($depth + 1) })
            }
            if ($value -is [psobject] -and $value.PSObject.Properties.Match('*').Count -gt 0 -and $value -isnot [System.ValueType]) {
                $h = @{}
                foreach ($p in $value.PSObject.Properties) {
                    if ($p.MemberType -in 'NoteProperty', 'Property') { $h[$p.Name] = & $convert $p.Value ($depth + 1) }
                }
                return $h
            }
            return [string]$value
        }
    }
    process {
        $source = @{}
        if ($null -ne $InputObject) {
            $converted = & $convert $InputObject 0
            if ($converted -isnot [hashtable]) {
                $ex = [System.ArgumentException]::new("InputObject must be a hashtable or an object with properties, not $($InputObject.GetType().Name).")
                $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($ex, 'GroupWriteback.InvalidExpressionInput', [System.Management.Automation.ErrorCategory]::InvalidArgument, $InputObject))
            }
            $source = $converted
            # Microsoft Graph SDK objects keep directory extensions in AdditionalProperties.
            if ($source['AdditionalProperties'] -is [hashtable]) {
                foreach ($k in $source['AdditionalProperties'].Keys) { if (-not $source.ContainsKey($k)) { $source[$k] = $source['AdditionalProperties'][$k] } }
                $source.Remove('AdditionalProperties')
            }
        }

        $params = @{ expression = $Expression; input = $source }
        if ($Macro) { $params.macros = $Macro }
        if ($PSBoundParameters.ContainsKey('Now')) { $params.now = $Now.ToUniversalTime().ToString('o') }

        try {
            # The core's errors end the command they are raised for: run it as its own command so that an error
            # about one input object can be reported without ending the pipeline.
            $result = & $evaluate -Parameters $params
        }
        catch {
            # Syntax and compile errors would fail for every input: stop. A value problem concerns this input only.
            if ($_.CategoryInfo.Category -eq [System.Management.Automation.ErrorCategory]::InvalidData) {
                $PSCmdlet.WriteError($_)
                return
            }
            $PSCmdlet.ThrowTerminatingError($_)
        }
        if ($null -eq $result) { return }
        $dropped = [bool]($result.PSObject.Properties['dropped'] -and $result.dropped)
        $redacted = [bool]($result.PSObject.Properties['redacted'] -and $result.redacted)
        $out = [ordered]@{
            PSTypeName = 'GroupWriteback.ExpressionResult'
            Expression = $Expression
            Value      = $result.value
            Dropped    = $dropped
            Redacted   = $redacted
        }
        if ($result.PSObject.Properties['uniqueCandidates']) { $out.UniqueCandidates = @($result.uniqueCandidates) }
        [pscustomobject]$out
    }
}
