// Filled in by the index family.
