// Filled in by the reduce family.
