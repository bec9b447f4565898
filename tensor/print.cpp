// Filled in by the print family.
