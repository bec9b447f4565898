// Filled in by the linalg family.
