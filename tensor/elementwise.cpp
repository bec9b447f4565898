// Filled in by the elementwise family.
