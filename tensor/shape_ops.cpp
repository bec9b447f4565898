// Filled in by the shape_ops family.
