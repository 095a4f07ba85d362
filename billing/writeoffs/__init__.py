"""Write-offs."""
