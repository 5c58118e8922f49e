function New-GwbErrorRecord {
    <#
    .SYNOPSIS
    Turns an error from the core (code, category, message, target, hint) into an ErrorRecord: the message is shown
    once and the hint once, as the Recommendation (the exception's own message carries both, for logs); the
    TargetObject is the object's id or DN as given by the core.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param([Parameter(Mandatory)][object]$CoreError)

    $message = [string]$CoreError.message
    $hint = if ($CoreError.PSObject.Properties['hint']) { [string]$CoreError.hint } else { $null }
    $target = if ($CoreError.PSObject.Properties['target']) { $CoreError.target } else { $null }
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    if ($CoreError.PSObject.Properties['category']) {
        [void][System.Enum]::TryParse([System.Management.Automation.ErrorCategory], [string]$CoreError.category, $true, [ref]$category)
    }
    $code = if ($CoreError.PSObject.Properties['code'] -and $CoreError.code) { "GroupWriteback.$($CoreError.code)" } else { 'GroupWriteback.Error' }

    $text = if ($hint) { "$message $hint" } else { $message }
    $exception = [System.InvalidOperationException]::new($text)
    $record = [System.Management.Automation.ErrorRecord]::new($exception, $code, $category, $target)
    $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($message)
    if ($hint) { $record.ErrorDetails.RecommendedAction = $hint }
    return $record
}
